import Foundation
import LedgerCore
import Testing

/// The staff home's figures: this month and year in the organization's zone, reused until the next commit.
@Suite struct DashboardTests {
    @Test func theDashboardCountsTheMonthAndSeesTheNextRecordAtOnce() async throws {
        let fixture = try await APIFixture.make()
        let principal = Principal(userId: nil, role: .organizationStaff, organizationId: fixture.organizationA.id)
        let first = try await fixture.ledger.organizationDashboard(organizationId: fixture.organizationA.id, by: principal)
        #expect(first.month == 6 && first.year == 2026)
        #expect(first.thisMonth == MinuteTotal(minutes: 120, records: 1))
        #expect(first.minutesByMonth[5] == 120)
        #expect(first.activeVolunteers == 1)
        _ = try await fixture.ledger.recordService(Factory.record(fixture.volunteerA, fixture.activityA, day: 10, from: 13, to: 14),
                                                   by: .localOperator)
        let second = try await fixture.ledger.organizationDashboard(organizationId: fixture.organizationA.id, by: principal)
        #expect(second.thisMonth == MinuteTotal(minutes: 180, records: 2))
        await #expect(throws: LedgerError.self) {
            _ = try await fixture.ledger.organizationDashboard(organizationId: fixture.organizationB.id, by: principal)
        }
    }
}
