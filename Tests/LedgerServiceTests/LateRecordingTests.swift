import Foundation
import LedgerCore
import Testing

/// Records entered more than 10 working days after the activity ends are accepted but flagged late.
@Suite struct LateRecordingTests {
    /// Activity on Wednesday 2026-06-10. Ten working days after it: 06-11 … 06-24 (weekends skipped) = 2026-06-24.
    @Test func theTenthWorkingDayIsOnTimeAndTheNextIsLate() async throws {
        let bed = try await Testbed()
        let org = try await bed.organization()
        let activity = try await bed.activity(org)
        bed.clock.set(At.june(24, 23))
        let onTime = try await bed.record(try await bed.volunteer(1, in: org), activity, from: At.june(10, 9), to: At.june(10, 10))
        #expect(onTime.isLate == false)
        bed.clock.set(At.june(25, 9))
        let late = try await bed.record(try await bed.volunteer(2, in: org), activity, from: At.june(10, 9), to: At.june(10, 10))
        #expect(late.isLate == true)
        let lateOnly = try await bed.ledger.records(RecordFilter(onlyLate: true), after: nil, limit: 10, by: Testbed.op)
        #expect(lateOnly.items.map(\.id) == [late.id])
    }

    /// National Day 2026: 10-01..10-07 are holidays and Saturday 10-10 is a make-up working day.
    /// From an activity on 09-30 the working days are 10-08, 10-09, 10-10, 10-12 … 10-16, 10-19, 10-20: the 10th is 10-20.
    @Test func holidaysAreSkippedAndMakeUpWorkdaysCount() async throws {
        let bed = try await Testbed()
        try await bed.ledger.loadHolidays(fileText: """
            # National Day 2026
            2026-10-01 休
            2026-10-02 休
            2026-10-03 休
            2026-10-04 休
            2026-10-05 休
            2026-10-06 休
            2026-10-07 休
            2026-10-10 班
            """, by: Testbed.op)
        let org = try await bed.organization()
        let activity = try await bed.activity(org, from: At.on(2026, 9, 30, 8), to: At.on(2026, 9, 30, 18))
        bed.clock.set(At.on(2026, 10, 20, 20))
        let onTime = try await bed.record(try await bed.volunteer(1, in: org), activity,
                                          from: At.on(2026, 9, 30, 9), to: At.on(2026, 9, 30, 10))
        #expect(onTime.isLate == false)
        bed.clock.set(At.on(2026, 10, 21, 8))
        let late = try await bed.record(try await bed.volunteer(2, in: org), activity,
                                        from: At.on(2026, 9, 30, 9), to: At.on(2026, 9, 30, 10))
        #expect(late.isLate == true)
    }

    @Test func aBadHolidayFileIsRefusedAndChangesNothing() async throws {
        let bed = try await Testbed()
        await #expect(throws: LedgerError.self) {
            try await bed.ledger.loadHolidays(fileText: "2026-10-01 休\n2026-13-01 休\n", by: Testbed.op)
        }
        #expect(try await bed.store.read { try $0.holidays() }.isEmpty)
    }
}
