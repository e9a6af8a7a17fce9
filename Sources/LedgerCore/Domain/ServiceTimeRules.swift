import Foundation

/// The rules a service record's times must satisfy on their own, before the ledger is consulted.
public enum ServiceTimeRules {
    /// At most this many minutes of service per volunteer per calendar day.
    public static let dailyLimitMinutes = 24 * 60

    /// Whole minutes between `start` and `end`.
    public static func spanMinutes(start: Date, end: Date) -> Int {
        Int((end.timeIntervalSince(start) / 60).rounded(.down))
    }

    /// Checks order, duration, the activity window and that the service is not in the future.
    public static func check(start: Date, end: Date, minutes: Int, activity: Activity, timeZone: TimeZone,
                             now: Date) throws(LedgerError) {
        try LedgerDates.check(start, field: "start")
        try LedgerDates.check(end, field: "end")
        guard end > start else { throw .endNotAfterStart }
        guard minutes > 0 else { throw .minutesNotPositive }
        let span = spanMinutes(start: start, end: end)
        guard minutes <= span else { throw .minutesExceedSpan(minutes: minutes, spanMinutes: span) }
        guard start >= activity.startAt, end <= activity.endAt else {
            throw .outsideActivityWindow(activityStart: LocalDateTime(activity.startAt, in: timeZone).description,
                                         activityEnd: LocalDateTime(activity.endAt, in: timeZone).description)
        }
        guard end <= now else { throw .inFuture }
    }
}
