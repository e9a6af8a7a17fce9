import Foundation
import LedgerCore

/// How pages show times, hours and form values: in the organization's zone, hours with two decimals.
enum PageFormat {
    /// `2026-03-01 09:00` (with `:SS` when the seconds are not zero), as `LocalDateTime` writes it; built
    /// without `String(format:)`, which dominated a list page's time.
    static func time(_ instant: Date, _ zone: TimeZone) -> String {
        write(LocalDateTime(instant, in: zone), separator: " ")
    }

    /// When something was done (a revision, an issue, a check-in): always to the second, `2026-03-01 09:00:00`,
    /// so that the times of one list line up.
    static func moment(_ instant: Date, _ zone: TimeZone) -> String {
        write(LocalDateTime(instant, in: zone), separator: " ", seconds: true)
    }

    /// The value of an `<input type="datetime-local">`: `2026-03-01T09:00`.
    static func inputTime(_ instant: Date, _ zone: TimeZone) -> String {
        let local = LocalDateTime(instant, in: zone)
        return write(LocalDateTime(date: local.date, hour: local.hour, minute: local.minute) ?? local, separator: "T")
    }

    private static func write(_ local: LocalDateTime, separator: Character, seconds: Bool = false) -> String {
        func two(_ n: Int) -> String { n < 10 ? "0" + String(n) : String(n) }
        let year = local.date.year
        var text = (year < 1000 ? String(repeating: "0", count: year < 10 ? 3 : year < 100 ? 2 : 1) : "") + String(year)
        text += "-" + two(local.date.month) + "-" + two(local.date.day)
        text.append(separator)
        text += two(local.hour) + ":" + two(local.minute)
        if seconds || local.second != 0 { text += ":" + two(local.second) }
        return text
    }

    /// An activity's time, `2026-03-01 09:00 – 2026-03-01 12:00`.
    static func span(_ activity: Activity, _ zone: TimeZone) -> String {
        "\(time(activity.startAt, zone)) – \(time(activity.endAt, zone))"
    }

    static func hours(_ minutes: Int) -> String { HoursFormat.hours(fromMinutes: minutes) }

    /// Parses `2026-03-01T09:00` or `2026-03-01 09:00` as a time in `zone`; nil when it is not one.
    static func parseTime(_ text: String?, _ zone: TimeZone) -> Date? {
        guard let text = text?.trimmingCharacters(in: .whitespaces), text.count >= 16, text.count <= 19 else { return nil }
        let normalized = text.replacingOccurrences(of: "T", with: " ")
        let parts = normalized.split(separator: " ")
        guard parts.count == 2, let date = LocalDate(iso: String(parts[0])) else { return nil }
        let clock = parts[1].split(separator: ":")
        guard clock.count >= 2, let hour = Int(clock[0]), let minute = Int(clock[1]),
              let local = LocalDateTime(date: date, hour: hour, minute: minute) else { return nil }
        return local.instant(in: zone)
    }

    /// Parses hours typed as `2.5` or `2:30` into whole minutes.
    static func parseHours(_ text: String?) -> Int?? {
        guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return .some(nil) }
        if let minutes = SpreadsheetValue.hoursAsMinutes(text) { return .some(minutes) }
        return nil
    }
}

/// A field error shown beside its field.
struct FieldErrors {
    private(set) var messages: [String: String] = [:]
    var isEmpty: Bool { messages.isEmpty }

    mutating func add(_ field: String, _ message: String) {
        if messages[field] == nil { messages[field] = message }
    }

    /// The error of a use case, put beside its field (or at the top of the form).
    mutating func add(_ error: LedgerError, _ language: PageLanguage, defaultField: String = "form") {
        // Beside its field the field's name is not repeated.
        if case .invalidField(let field, let reason) = error {
            add(field, BilingualText.pick(reason, language))
        } else {
            add(error.field ?? defaultField, BilingualText.pick(error.message, language))
        }
    }

    subscript(_ field: String) -> String? { messages[field] }
    var dictionary: [String: String] { messages }
}
