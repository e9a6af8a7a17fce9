import Foundation
import LedgerCore
import LedgerDocuments
import Mustache

/// A service record as a row of a table: volunteer, activity, times in the organization's zone, hours.
struct RecordRow {
    var id: Int64
    var href: String
    var volunteer: String
    var volunteerNumber: String
    var activity: String
    var start: String
    var end: String
    var hours: String
    var source: String
    var isLate: Bool
    var isVoid: Bool
    var revision: Int

    /// Rows of `records`, with the names of their volunteers and activities looked up once each.
    static func rows(_ records: [ServiceRecord], ledger: Ledger, zone: TimeZone, renderer: PageRenderer,
                     language: PageLanguage, linkPrefix: String = "/org/records/") async throws -> [RecordRow] {
        let volunteerIds = Set(records.map(\.volunteerId)), activityIds = Set(records.map(\.activityId))
        let (volunteers, activities) = try await ledger.store.read { r -> ([Int64: Volunteer], [Int64: Activity]) in
            var volunteers: [Int64: Volunteer] = [:], activities: [Int64: Activity] = [:]
            for volunteer in try r.volunteers(ids: Array(volunteerIds)) { volunteers[volunteer.id] = volunteer }
            for activity in try r.activities(ids: Array(activityIds)) { activities[activity.id] = activity }
            return (volunteers, activities)
        }
        return records.map { record in
            RecordRow(record, volunteer: volunteers[record.volunteerId], activity: activities[record.activityId],
                      href: linkPrefix + String(record.id), zone: zone, renderer: renderer, language: language)
        }
    }
}

extension RecordRow {
    /// A record as a row, with its volunteer's and activity's names (empty when unknown).
    init(_ record: ServiceRecord, volunteer: Volunteer?, activity: Activity?, href: String, zone: TimeZone, renderer: PageRenderer,
         language: PageLanguage) {
        self.init(id: record.id, href: href, volunteer: volunteer?.name ?? "", volunteerNumber: volunteer?.number ?? "",
                  activity: activity?.title ?? "", start: PageFormat.time(record.startAt, zone), end: PageFormat.time(record.endAt, zone),
                  hours: PageFormat.hours(record.minutes), source: renderer.text("source_\(record.source.rawValue)", language),
                  isLate: record.isLate, isVoid: record.isVoid, revision: record.revision)
    }
}

/// One revision of a record's history as a row.
struct RevisionRow {
    var revision: Int
    var kind: String
    var start: String
    var end: String
    var hours: String
    var note: String
    var reason: String
    var at: String

    static func rows(_ history: [RecordRevision], zone: TimeZone, renderer: PageRenderer, language: PageLanguage) -> [RevisionRow] {
        history.map { r in
            RevisionRow(revision: r.revision, kind: renderer.text("revision_\(r.kind.rawValue)", language),
                        start: PageFormat.time(r.startAt, zone), end: PageFormat.time(r.endAt, zone), hours: PageFormat.hours(r.minutes),
                        note: r.note, reason: r.reason, at: PageFormat.moment(r.at, zone))
        }
    }
}

/// Text escaped for HTML when it is made; a template writes it with `{{{…}}}` (with `{{…}}` it would be escaped twice).
struct EscapedHTML: MustacheCustomRenderable {
    let renderText: String
    var isNull: Bool { false }
    init(_ text: String) { renderText = HTMLText.escape(text) }
}

/// Hours per month as an SVG bar chart, drawn on the server: the template draws one `<rect>` a bar.
struct HoursChart {
    struct Bar {
        var x: Int
        var y: Int
        var height: Int
        var labelX: Int
        var label: String
        var hours: String
        var current: Bool
    }
    var bars: [Bar]
    var maxHours: String
    let width = 600, height = 200

    init(minutesByMonth: [Int], currentMonth: Int, monthLabel: (Int) -> String) {
        let top = max(minutesByMonth.max() ?? 0, 60)
        let plot = 160, barWidth = 36, step = 48, left = 24
        bars = minutesByMonth.enumerated().map { index, minutes in
            let h = minutes == 0 ? 0 : max(2, minutes * plot / top)
            return Bar(x: left + index * step, y: 10 + plot - h, height: h, labelX: left + index * step + barWidth / 2,
                       label: monthLabel(index + 1), hours: PageFormat.hours(minutes), current: index + 1 == currentMonth)
        }
        maxHours = PageFormat.hours(top)
    }
}

/// Rows are the hot loop of the list pages: their fields are looked up by name, not through `Mirror`, and the
/// table writes them as `{{{idHTML}}}`, `{{{volunteerHTML}}}`, ...: escaped here with `HTMLText.escape`, which
/// passes most values through untouched, instead of by the template library a character at a time.
/// Every other template reads the plain fields with `{{…}}`.
extension RecordRow: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "idHTML": EscapedHTML(String(id))
        case "hrefHTML": EscapedHTML(href)
        case "volunteerHTML": EscapedHTML(volunteer)
        case "volunteerNumberHTML": EscapedHTML(volunteerNumber)
        case "activityHTML": EscapedHTML(activity)
        case "startHTML": EscapedHTML(start)
        case "endHTML": EscapedHTML(end)
        case "hoursHTML": EscapedHTML(hours)
        case "sourceHTML": EscapedHTML(source)
        case "id": id
        case "href": href
        case "volunteer": volunteer
        case "volunteerNumber": volunteerNumber
        case "activity": activity
        case "start": start
        case "end": end
        case "hours": hours
        case "source": source
        // A false flag is no value: the template library tests a section's value against `any MustacheSequence`
        // first, a slow cast for a Bool, which nil skips (a section on nil renders as on false).
        case "isLate": isLate ? true : nil
        case "isVoid": isVoid ? true : nil
        case "revision": revision
        default: nil
        }
    }
}

/// The chart and its bars are looked up by name (each `{{…}}` in a section would otherwise reflect over them).
extension HoursChart: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "bars": bars
        case "maxHours": maxHours
        case "width": width
        case "height": height
        default: nil
        }
    }
}

extension HoursChart.Bar: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "x": x
        case "y": y
        case "height": height
        case "labelX": labelX
        case "label": label
        case "hours": hours
        case "current": current
        default: nil
        }
    }
}
