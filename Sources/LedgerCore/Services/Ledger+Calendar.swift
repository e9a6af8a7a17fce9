import Foundation

extension Ledger {
    /// Loads a holiday file (public holidays and make-up working days) into the platform calendar.
    @discardableResult
    public func loadHolidays(fileText: String, by principal: Principal) async throws -> Int {
        guard principal.role == .platformAdmin else {
            throw LedgerError.forbidden("只有平台管理员可以维护节假日 / only platform admins maintain holidays")
        }
        let parsed: (holidays: Set<LocalDate>, adjustedWorkdays: Set<LocalDate>)
        do { parsed = try HolidayFile.parse(fileText) } catch {
            throw LedgerError.invalidField(field: "holidays", reason: "\(error)")
        }
        let entries = parsed.holidays.map { HolidayEntry(date: $0, isWorkday: false) }
            + parsed.adjustedWorkdays.map { HolidayEntry(date: $0, isWorkday: true) }
        try await store.write { w in
            for entry in entries { try w.setHoliday(entry) }
        }
        return entries.count
    }
}
