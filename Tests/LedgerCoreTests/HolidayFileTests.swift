import Foundation
import Testing
@testable import LedgerCore

struct HolidayFileTests {
    let date = RulesFixtures.date

    func error(parsing text: String) -> HolidayFileError? {
        do {
            _ = try HolidayFile.parse(text)
            return nil
        } catch {
            return error
        }
    }

    @Test func readsEverySpelling() throws {
        let file = try HolidayFile.parse("""
            2026-10-01 holiday
            2026-10-02 休
            2026-10-05,holiday
            2026-10-06 , HOLIDAY
            2026-09-20 workday
            2026-10-10 班
            """)
        #expect(file.holidays == RulesFixtures.dates("2026-10-01", "2026-10-02", "2026-10-05", "2026-10-06"))
        #expect(file.adjustedWorkdays == RulesFixtures.dates("2026-09-20", "2026-10-10"))
    }

    @Test func ignoresCommentsBlankLinesAndWindowsLineEnds() throws {
        let file = try HolidayFile.parse("# 国庆节\r\n\r\n   \r\n2026-10-01 休  # 周四\r\n")
        #expect(file.holidays == RulesFixtures.dates("2026-10-01"))
        #expect(file.adjustedWorkdays.isEmpty)
    }

    @Test func repeatingAnEntryIsHarmless() throws {
        #expect(try HolidayFile.parse("2026-10-01 休\n2026-10-01 holiday").holidays.count == 1)
    }

    @Test(arguments: [
        ("2026-10-01 休\n# ok\n2026-02-30 休", HolidayFileError(line: 3, reason: .invalidDate("2026-02-30"))),
        ("2026/10/01 休", HolidayFileError(line: 1, reason: .invalidDate("2026/10/01"))),
        ("\n2026-10-01", HolidayFileError(line: 2, reason: .missingKind)),
        ("2026-10-01 假日", HolidayFileError(line: 1, reason: .unknownKind("假日"))),
        ("2026-10-01 休 国庆节", HolidayFileError(line: 1, reason: .unexpectedText("国庆节"))),
        ("2026-10-01 休\n2026-10-09 班", HolidayFileError(line: 2, reason: .workdayNotOnWeekend(RulesFixtures.date("2026-10-09")))),
        ("2026-10-10 班\n\n2026-10-10 休", HolidayFileError(line: 3, reason: .conflictsWithLine(1, RulesFixtures.date("2026-10-10")))),
    ])
    func reportsTheLineAndReason(_ text: String, _ expected: HolidayFileError) {
        #expect(error(parsing: text) == expected)
    }

    @Test func messageNamesTheLineInBothLanguages() throws {
        let failure = try #require(error(parsing: "2026-10-01 休\n\n2026-13-01 休"))
        #expect(failure.message.hasPrefix("节假日文件第 3 行："))
        #expect(failure.message.contains(" / holiday file line 3: \"2026-13-01\" is not a valid date"))
    }

    @Test func bundledSampleFileParses() throws {
        let samples = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("samples/holidays-cn.txt")
        let text = try String(contentsOf: samples, encoding: .utf8)
        let calendar = try WorkingDayCalendar(holidayFile: text)
        // 2025: 1 + 8 + 3 + 5 + 3 + 8 days; 2026: 3 + 9 + 3 + 5 + 3 + 3 + 7 days.
        #expect(calendar.holidays.count == 28 + 33)
        #expect(calendar.adjustedWorkdays.count == 5 + 6)
        #expect(calendar.holidays.contains(date("2025-01-28")))  // 2025 Spring Festival eve
        #expect(calendar.adjustedWorkdays.contains(date("2026-10-10")))
        #expect(calendar.deadline(after: date("2026-09-30"), workingDays: 10) == date("2026-10-20"))
        #expect(calendar.deadline(after: date("2026-02-13"), workingDays: 1) == date("2026-02-14"))
    }
}
