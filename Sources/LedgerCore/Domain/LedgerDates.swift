import Foundation

/// The span of dates the ledger accepts for activities, service records and periods. Volunteer service
/// records in China start in the 1990s; anything outside this span is a typo (a year 1062 or 9999), and
/// refusing it keeps every time printable as RFC 3339 with a whole-minute offset.
public enum LedgerDates {
    public static let earliest = LocalDate(year: 1990, month: 1, day: 1)!
    public static let latest = LocalDate(year: 2099, month: 12, day: 31)!

    /// The first and last instants accepted (in UTC; a day's slack either side covers every time zone).
    static let earliestInstant = earliest.adding(days: -1).startOfDay(in: TimeZone(identifier: "UTC")!)
    static let latestInstant = latest.adding(days: 2).startOfDay(in: TimeZone(identifier: "UTC")!)

    /// Refuses an instant outside the span.
    public static func check(_ instant: Date, field: String) throws(LedgerError) {
        guard instant >= earliestInstant, instant < latestInstant else { throw outOfRange(field) }
    }

    /// Refuses a day outside the span.
    public static func check(_ day: LocalDate, field: String) throws(LedgerError) {
        guard day >= earliest, day <= latest else { throw outOfRange(field) }
    }

    /// Checks a period's ends against the span and each other; `prefix` names the fields ("scope." for a campaign).
    public static func checkPeriod(from: LocalDate?, to: LocalDate?, prefix: String = "") throws(LedgerError) {
        if let from { try check(from, field: prefix + "from") }
        if let to { try check(to, field: prefix + "to") }
        if let from, let to, to < from {
            throw .invalidField(field: prefix + "to", reason: "结束日期早于开始日期 / the end date is before the start date")
        }
    }

    private static func outOfRange(_ field: String) -> LedgerError {
        .invalidField(field: field, reason: "日期须在 \(earliest) 至 \(latest) 之间 / the date must be between \(earliest) and \(latest)")
    }
}

/// RFC 3339 timestamps in a time zone, as the API and published files write them.
public enum RFC3339 {
    /// `2026-06-10T09:00:00+08:00`: whole seconds, and the zone's offset rounded to whole minutes (a
    /// local-mean-time offset such as +08:05:43 is not valid RFC 3339), the wall-clock time matching it.
    public static func string(_ instant: Date, in zone: TimeZone) -> String {
        let seconds = Int64(instant.timeIntervalSince1970.rounded(.down))
        let offsetMinutes = Int((Double(zone.secondsFromGMT(for: instant)) / 60).rounded())
        let wallClock = LocalDateTime(Date(timeIntervalSince1970: TimeInterval(seconds + Int64(offsetMinutes * 60))),
                                      in: TimeZone(identifier: "UTC")!)
        let day = wallClock.date
        var text = pad(day.year, 4) + "-" + pad(day.month, 2) + "-" + pad(day.day, 2)
        text += "T" + pad(wallClock.hour, 2) + ":" + pad(wallClock.minute, 2) + ":" + pad(wallClock.second, 2)
        if offsetMinutes == 0 { return text + "Z" }
        let sign = offsetMinutes < 0 ? "-" : "+"
        return text + sign + pad(abs(offsetMinutes) / 60, 2) + ":" + pad(abs(offsetMinutes) % 60, 2)
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
