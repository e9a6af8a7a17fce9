import Foundation

/// Working days (工作日) under the State Council's holiday arrangements: Monday to Friday,
/// except public holidays, plus the make-up working weekends (调休上班日).
public struct WorkingDayCalendar: Hashable, Sendable {
    /// The 2020 Measures (《志愿服务记录与证明出具办法（试行）》) require hours to be recorded
    /// within this many working days after an activity ends.
    public static let recordingWindowInWorkingDays = 10

    public let holidays: Set<LocalDate>
    public let adjustedWorkdays: Set<LocalDate>

    public init(holidays: Set<LocalDate> = [], adjustedWorkdays: Set<LocalDate> = []) {
        self.holidays = holidays
        self.adjustedWorkdays = adjustedWorkdays
    }

    /// A calendar read from a holiday file (see `HolidayFile`).
    public init(holidayFile text: String) throws(HolidayFileError) {
        let parsed = try HolidayFile.parse(text)
        self.init(holidays: parsed.holidays, adjustedWorkdays: parsed.adjustedWorkdays)
    }

    /// Monday to Friday unless a holiday; any day listed as a make-up workday.
    public func isWorkingDay(_ d: LocalDate) -> Bool {
        if adjustedWorkdays.contains(d) { return true }
        return d.isoWeekday <= 5 && !holidays.contains(d)
    }

    /// The `workingDays`-th working day strictly after `end`; `end` itself when `workingDays` is 0 or less.
    public func deadline(after end: LocalDate, workingDays: Int) -> LocalDate {
        var day = end
        var remaining = workingDays
        while remaining > 0 {
            day = day.adding(days: 1)
            if isWorkingDay(day) { remaining -= 1 }
        }
        return day
    }
}
