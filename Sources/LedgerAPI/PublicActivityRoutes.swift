import Foundation
import Hummingbird
import LedgerCore

/// The public activity search (公开活动), without a login: open activities by category, district, dates and keyword,
/// and one activity's public view. No person's data.
struct PublicActivityRoutes {
    let ledger: Ledger

    func register(on api: RouterGroup<LedgerRequestContext>) {
        api.get("public/activities") { request, _ -> PublicActivityListBody in
            let filter = try Self.filter(request.uri.queryParameters)
            let cursor = try Self.cursor(request.uri.queryParameters.raw("after"))
            let page = try await ledger.publicActivities(filter, after: cursor, limit: try request.queryInt("limit"))
            return PublicActivityListBody(items: page.items.map(PublicActivityBody.init), nextCursor: page.next?.text)
        }
        api.get("public/activities/:id") { _, context -> PublicActivityBody in
            PublicActivityBody(try await ledger.publicActivity(id: try context.id()))
        }
    }

    /// The search's filter from query parameters, each checked with bounds (the same for the page `/activities`).
    static func filter(_ query: Parameters) throws -> PublicActivityFilter {
        let zone = TimeZone.ledgerDefault
        let category = try query.text("category").map { text -> ServiceCategory in
            guard let category = ServiceCategory(rawValue: text) else {
                throw LedgerError.invalidField(field: "category", reason: "未知的服务类别 / unknown service category")
            }
            return category
        }
        let from = try query.text("from").map { try Self.day($0, field: "from") }
        let to = try query.text("to").map { try Self.day($0, field: "to") }
        let available: Bool
        switch query.text("available")?.lowercased() {
        case nil, "false", "0": available = false
        case "true", "1", "on": available = true
        default: throw LedgerError.invalidField(field: "available", reason: "须为 true 或 false / must be true or false")
        }
        let keyword = query.raw("q").map { String($0.prefix(Ledger.maximumKeywordLength + 1)) }
        return PublicActivityFilter(now: Date(), category: category, regionPrefix: query.text("region"),
                                    startsFrom: from?.startOfDay(in: zone), startsBefore: to?.adding(days: 1).startOfDay(in: zone),
                                    keyword: keyword, onlyWithPlacesLeft: available)
    }

    /// A day between 2000 and 2100, as YYYY-MM-DD.
    static func day(_ text: String, field: String) throws -> LocalDate {
        guard text.count == 10, let day = LocalDate(iso: text), (2000...2100).contains(day.year) else {
            throw LedgerError.invalidField(field: field, reason: "日期格式应为 YYYY-MM-DD（2000 至 2100 年） / must be a date as YYYY-MM-DD, 2000 to 2100")
        }
        return day
    }

    static func cursor(_ text: String?) throws -> PublicActivityCursor? {
        guard let text, !text.isEmpty else { return nil }
        guard let cursor = PublicActivityCursor(text: text) else {
            throw LedgerError.invalidField(field: "after", reason: "无效的分页游标 / not a cursor returned by this API")
        }
        return cursor
    }
}

extension Parameters {
    /// The raw value of a query parameter, nil when absent.
    func raw(_ name: String) -> String? { get(name).map { String($0) } }

    /// The trimmed value (at most 100 characters), nil when absent or empty.
    func text(_ name: String) -> String? {
        guard let value = raw(name)?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        return String(value.prefix(100))
    }
}

extension PublicActivityFilter {
    /// The filter parsed from a page's or the API's query parameters (`category`, `region`, `from`, `to`, `q`, `available`).
    public static func parse(_ query: Parameters) throws -> PublicActivityFilter { try PublicActivityRoutes.filter(query) }
}

extension PublicActivityCursor {
    /// The `after` parameter, or nil; a malformed one is an invalid-field error.
    public static func parse(_ text: String?) throws -> PublicActivityCursor? { try PublicActivityRoutes.cursor(text) }
}

struct PublicActivityListBody: ResponseEncodable {
    var items: [PublicActivityBody]
    /// Pass as `after` to fetch the next page; absent on the last page.
    var nextCursor: String?
}

/// An activity as anyone may see it: times in its organization's zone, no person's data (not even the leader's name).
struct PublicActivityBody: ResponseEncodable {
    var id: Int64
    var organizationId: Int64
    var organizationName: String
    var title: String
    var content: String
    var category: ServiceCategory
    var categoryLabel: String
    var place: String
    var start: String
    var end: String
    var timeZone: String
    var audience: RecruitmentAudience
    var deadline: String
    var open: Bool
    var capacity: Int
    var placesLeft: Int
    var waiting: Int
    var requiredSkills: [String]

    init(_ p: PublicActivity) {
        let zone = p.timeZone
        id = p.activity.id
        organizationId = p.activity.organizationId
        organizationName = p.organizationName
        title = p.activity.title
        content = p.activity.content
        category = p.activity.category
        categoryLabel = p.activity.category.chineseLabel
        place = p.activity.place
        start = Wire.time(p.activity.startAt, zone)
        end = Wire.time(p.activity.endAt, zone)
        timeZone = p.timeZoneIdentifier
        audience = p.recruitment.audience
        deadline = Wire.time(p.recruitment.deadline, zone)
        open = p.openNow
        capacity = p.recruitment.capacity
        placesLeft = p.placesLeft
        waiting = p.waiting
        requiredSkills = p.recruitment.requiredSkills
    }
}
