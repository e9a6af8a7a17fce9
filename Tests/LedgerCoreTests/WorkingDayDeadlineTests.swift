import Testing
@testable import LedgerCore

struct WorkingDayDeadlineTests {
    let date = RulesFixtures.date

    /// 2025 National Day and Mid-Autumn: 10-01 to 10-08 off; Sunday 09-28 and Saturday 10-11 are workdays.
    func nationalDay2025() -> WorkingDayCalendar {
        let holidays = Set((0..<8).map { date("2025-10-01").adding(days: $0) })
        return WorkingDayCalendar(holidays: holidays, adjustedWorkdays: RulesFixtures.dates("2025-09-28", "2025-10-11"))
    }

    @Test func weekdaysWorkAndWeekendsRest() {
        let calendar = WorkingDayCalendar()
        #expect(calendar.isWorkingDay(date("2026-03-06")))  // Friday
        #expect(!calendar.isWorkingDay(date("2026-03-07")))  // Saturday
        #expect(!calendar.isWorkingDay(date("2026-03-08")))  // Sunday
    }

    @Test func holidaysRestAndMakeUpWeekendsWork() {
        let calendar = nationalDay2025()
        #expect(!calendar.isWorkingDay(date("2025-10-08")))  // Wednesday, holiday
        #expect(calendar.isWorkingDay(date("2025-10-11")))  // Saturday, make-up workday
        #expect(calendar.isWorkingDay(date("2025-09-28")))  // Sunday, make-up workday
        #expect(!calendar.isWorkingDay(date("2025-10-12")))  // an ordinary Sunday
    }

    @Test func deadlineSkipsTheWeekend() {
        let calendar = WorkingDayCalendar()
        #expect(calendar.deadline(after: date("2026-03-06"), workingDays: 1) == date("2026-03-09"))
        #expect(calendar.deadline(after: date("2026-03-06"), workingDays: 10) == date("2026-03-20"))
        #expect(calendar.deadline(after: date("2026-03-07"), workingDays: 1) == date("2026-03-09"))
    }

    @Test func deadlineAcrossNationalDayCountsTheMakeUpSaturday() {
        let calendar = nationalDay2025()
        #expect(calendar.deadline(after: date("2025-09-30"), workingDays: 3) == date("2025-10-11"))
        #expect(calendar.deadline(after: date("2025-09-30"), workingDays: WorkingDayCalendar.recordingWindowInWorkingDays)
            == date("2025-10-21"))
        // Without the make-up Saturday the deadline would be a day later.
        let withoutMakeUp = WorkingDayCalendar(holidays: calendar.holidays)
        #expect(withoutMakeUp.deadline(after: date("2025-09-30"), workingDays: 10) == date("2025-10-22"))
    }

    @Test func deadlineStartsStrictlyAfterTheEnd() {
        let calendar = nationalDay2025()
        // 09-26 is a Friday; the next working day is the make-up Sunday 09-28.
        #expect(calendar.deadline(after: date("2025-09-26"), workingDays: 1) == date("2025-09-28"))
        #expect(calendar.deadline(after: date("2025-09-28"), workingDays: 1) == date("2025-09-29"))
    }

    @Test func zeroWorkingDaysIsTheEndItself() {
        #expect(WorkingDayCalendar().deadline(after: date("2026-03-07"), workingDays: 0) == date("2026-03-07"))
    }
}
