import Foundation
import LedgerCore
import Testing

/// An approval repeated with other minutes than the first is refused naming both, on both stores; the same approval
/// again still changes nothing.
@Suite("Hour claim re-approval")
struct HoursClaimReapprovalTests {
    @Test(arguments: Backend.all)
    func aSecondApprovalWithOtherMinutesIsAConflictNamingBoth(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let ledger = t.ledger()
            let organization = try await ledger.createOrganization(Make.organizationInput(1), by: .localOperator)
            let activity = try await ledger.createActivity(Make.activityInput(day: 10), organizationId: organization.id, by: .localOperator)
            let member = try await ledger.registerVolunteer(Make.registration(1), organizationId: organization.id, by: .localOperator).volunteer
            let staff = Principal(userId: nil, role: .organizationStaff, organizationId: organization.id)
            let claim = try await ledger.submitHoursClaim(HoursClaimInput(activityId: activity.id, start: Make.june(10, 9), end: Make.june(10, 11),
                                                                          note: "纸质签到表"), by: HoursClaimTests.volunteer(member))
            let approved = try await ledger.decideHoursClaim(id: claim.id, .approve, reason: nil, minutes: 90, by: staff)
            #expect(approved.state == .approved)

            // The same minutes again: unchanged, the same record.
            let again = try await ledger.decideHoursClaim(id: claim.id, .approve, reason: nil, minutes: 90, by: staff)
            #expect(again.recordId == approved.recordId && again.decidedAt == approved.decidedAt)
            // Other minutes, given or left to the claim's 120: refused, naming both.
            await expectLedgerError(.claimApprovedWithOtherMinutes(claimId: claim.id, approvedMinutes: 90, askedMinutes: 60)) {
                _ = try await ledger.decideHoursClaim(id: claim.id, .approve, reason: nil, minutes: 60, by: staff)
            }
            await expectLedgerError(.claimApprovedWithOtherMinutes(claimId: claim.id, approvedMinutes: 90, askedMinutes: 120)) {
                _ = try await ledger.decideHoursClaim(id: claim.id, .approve, reason: nil, by: staff)
            }
            let error = LedgerError.claimApprovedWithOtherMinutes(claimId: claim.id, approvedMinutes: 90, askedMinutes: 60)
            #expect(error.kind == .conflict && error.field == "minutes" && error.message.contains("90") && error.message.contains("60"))
            let records = try await ledger.records(RecordFilter(volunteerId: member.id), after: nil, limit: nil, by: .localOperator).items
            #expect(records.count == 1 && records[0].minutes == 90, "the first approval stands")

            // Approved as claimed, a retry without minutes stays idempotent.
            let second = try await ledger.submitHoursClaim(HoursClaimInput(activityId: activity.id, start: Make.june(10, 13), end: Make.june(10, 14),
                                                                           note: "下午补录"), by: HoursClaimTests.volunteer(member))
            let plain = try await ledger.decideHoursClaim(id: second.id, .approve, reason: nil, by: staff)
            #expect(try await ledger.decideHoursClaim(id: second.id, .approve, reason: nil, by: staff).recordId == plain.recordId)
            #expect(try await ledger.decideHoursClaim(id: second.id, .approve, reason: nil, minutes: 60, by: staff).recordId == plain.recordId)
        }
    }
}
