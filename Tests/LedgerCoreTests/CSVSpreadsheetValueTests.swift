import Testing
@testable import LedgerCore

@Suite struct CSVSpreadsheetValueTests {
    @Test(arguments: [
        ("2026-03-01 09:00", "2026-03-01 09:00"),
        ("2026-03-01 09:00:00", "2026-03-01 09:00"),
        ("2026-03-01T09:00", "2026-03-01 09:00"),
        ("2026/3/1 9:00", "2026-03-01 09:00"),
        ("2026/03/01 09:00:00", "2026-03-01 09:00"),
        ("2026.3.1 9:00", "2026-03-01 09:00"),
        ("2026年3月1日 9:00", "2026-03-01 09:00"),
        ("2026年3月1日 9时30分", "2026-03-01 09:30"),
        ("2026年12月31日23时59分59秒", "2026-12-31 23:59:59"),
        ("2026年3月1日9:00", "2026-03-01 09:00"),
        ("2026年3月1日 14时", "2026-03-01 14:00"),
        ("2026-03-01    18:45:30", "2026-03-01 18:45:30"),
        (" 2026-3-1 9:05 ", "2026-03-01 09:05"),
        ("２０２６－０３－０１　０９：００", "2026-03-01 09:00"),
        ("2024-02-29 00:00", "2024-02-29 00:00"),
    ])
    func acceptsDateTimeFormats(text: String, expected: String) {
        #expect(SpreadsheetValue.localDateTime(text)?.description == expected)
    }

    @Test(arguments: [
        "2026-02-30 09:00",    // no such day
        "2025-02-29 09:00",    // not a leap year
        "2026-13-01 09:00",    // no such month
        "2026-03-01 24:00",    // hour out of range
        "2026-03-01 09:60",    // minute out of range
        "2026-03-01",          // missing time
        "2026年3月1日",          // missing time
        "2026-03-01 09:00 am", // trailing junk
        "2026-03-01 09:00:00.000",
        "2026-03/01 09:00",    // mixed separators
        "26-3-1 9:00",         // two-digit year
        "2026-03-0109:00",     // no separator between date and time
        "2026-03-01 9",        // hour only
        "2026-03-01 9:5",      // one-digit minutes
        "",
        "明天上午",
    ])
    func rejectsMalformedDateTimes(text: String) {
        #expect(SpreadsheetValue.localDateTime(text) == nil)
    }

    @Test(arguments: [
        ("2", 120), ("2.5", 150), ("2.50", 150), ("0.75", 45), ("２.５", 150), ("２．５", 150), ("0", 0),
        ("2:30", 150), ("0:05", 5), ("10:00", 600), ("2:30:00", 150), ("0:00:30", 1), ("0:00:29", 0), (".5", 30), (" 1.5 ", 90),
        ("0.01", 1),             // 0.6 minutes rounds up
        ("0.005", 0),            // 0.3 minutes rounds down
        ("1.0083333", 60),       // 60.49998 minutes
        ("1.0125", 61),          // 60.75 minutes
        ("0.3333333333333333333", 20),
    ])
    func parsesHoursToMinutes(text: String, minutes: Int) {
        #expect(SpreadsheetValue.hoursAsMinutes(text) == minutes)
    }

    @Test(arguments: ["-1", "-0.5", "2h", "2小时", "", "  ", "2.", "1,5", "2:5", "2:60", ":30", "2:30:5", "2:30:60", "abc", "1.2.3", "+2", "1e3"])
    func rejectsMalformedHours(text: String) {
        #expect(SpreadsheetValue.hoursAsMinutes(text) == nil)
    }
}
