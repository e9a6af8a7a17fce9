import Foundation
import LedgerCore
import Testing

/// Hour claims (补录申请) on both stores: checked against every rule when submitted, counted nowhere until approved;
/// approval stores exactly one record, rejection none; a claim that breaks a rule by then cannot be approved.
@Suite("Hour claims")
struct HoursClaimTests {
    static let op = Principal.localOperator
    /// A PNG signature and IHDR declaring 640×480 pixels, and a little more: enough to be taken as an image.
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 2, 0x80, 0, 0, 1, 0xE0, 8, 2, 0, 0, 0] + Array(repeating: 7, count: 64)

    static func volunteer(_ v: Volunteer) -> Principal { Principal(userId: nil, role: .volunteer, volunteerId: v.id) }

    @Test(arguments: Backend.all)
    func approvalStoresOneRecordAndRejectionNone(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let ledger = t.ledger()
            let organization = try await ledger.createOrganization(Make.organizationInput(1), by: Self.op)
            let other = try await ledger.createOrganization(Make.organizationInput(2), by: Self.op)
            let activity = try await ledger.createActivity(Make.activityInput(day: 10), organizationId: organization.id, by: Self.op)
            let member = try await ledger.registerVolunteer(Make.registration(1), organizationId: organization.id, by: Self.op).volunteer
            let outsider = try await ledger.registerVolunteer(Make.registration(2), organizationId: other.id, by: Self.op).volunteer
            let staff = Principal(userId: nil, role: .organizationStaff, organizationId: organization.id)
            let foreignStaff = Principal(userId: nil, role: .organizationStaff, organizationId: other.id)

            // Refused before anything is stored: not a member, no reason, not an image, outside the activity's window.
            await expectLedgerErrorCode("forbidden") {
                _ = try await ledger.submitHoursClaim(HoursClaimInput(activityId: activity.id, start: Make.june(10, 9), end: Make.june(10, 11),
                                                                      note: "忘记签到"), by: Self.volunteer(outsider))
            }
            await expectLedgerErrorCode("invalid-field") {
                _ = try await ledger.submitHoursClaim(HoursClaimInput(activityId: activity.id, start: Make.june(10, 9), end: Make.june(10, 11),
                                                                      note: " "), by: Self.volunteer(member))
            }
            await expectLedgerErrorCode("invalid-field") {
                _ = try await ledger.submitHoursClaim(HoursClaimInput(activityId: activity.id, start: Make.june(10, 9), end: Make.june(10, 11),
                                                                      note: "纸质签到表", evidence: Array("%PDF-1.7".utf8)), by: Self.volunteer(member))
            }
            await expectLedgerErrorCode("outside-activity-window") {
                _ = try await ledger.submitHoursClaim(HoursClaimInput(activityId: activity.id, start: Make.june(10, 6), end: Make.june(10, 9),
                                                                      note: "忘记签到"), by: Self.volunteer(member))
            }

            let claim = try await ledger.submitHoursClaim(HoursClaimInput(activityId: activity.id, start: Make.june(10, 9), end: Make.june(10, 11),
                                                                          note: "纸质签到表", evidence: Self.png), by: Self.volunteer(member))
            #expect(claim.state == .pending && claim.minutes == 120 && claim.evidenceHash?.count == 64)
            // It counts nowhere yet, and a second claim over the same morning is refused.
            #expect(try await ledger.records(RecordFilter(volunteerId: member.id), after: nil, limit: nil, by: Self.op).items.isEmpty)
            await expectLedgerErrorCode("invalid-field") {
                _ = try await ledger.submitHoursClaim(HoursClaimInput(activityId: activity.id, start: Make.june(10, 10), end: Make.june(10, 12),
                                                                      note: "再次申请"), by: Self.volunteer(member))
            }
            let evidence = try await ledger.claimEvidence(claimId: claim.id, by: staff)
            #expect(evidence.bytes == Self.png && evidence.contentType == "image/png")
            await expectLedgerErrorCode("not-found") { _ = try await ledger.claimEvidence(claimId: claim.id, by: foreignStaff) }
            #expect(try await ledger.hoursClaims(state: .pending, after: nil, limit: nil, by: staff).items.map(\.id) == [claim.id])
            #expect(try await ledger.hoursClaims(state: nil, after: nil, limit: nil, by: foreignStaff).items.isEmpty)

            // Approval: one record, source `claim`; again changes nothing; rejecting it now is refused.
            await expectLedgerErrorCode("not-found") { _ = try await ledger.decideHoursClaim(id: claim.id, .approve, reason: nil, by: foreignStaff) }
            let approved = try await ledger.decideHoursClaim(id: claim.id, .approve, reason: nil, by: staff)
            let again = try await ledger.decideHoursClaim(id: claim.id, .approve, reason: nil, by: staff)
            #expect(approved.state == .approved && again.recordId == approved.recordId)
            let records = try await ledger.records(RecordFilter(volunteerId: member.id), after: nil, limit: nil, by: Self.op).items
            #expect(records.count == 1 && records[0].id == approved.recordId && records[0].source == .claim && records[0].minutes == 120)
            await expectLedgerError(.claimDecided(claimId: claim.id, state: .approved)) {
                _ = try await ledger.decideHoursClaim(id: claim.id, .reject, reason: "重复", by: staff)
            }
            #expect(try await ledger.verifyAuditChains(by: Self.op).isIntact)

            // Rejection needs a reason and stores nothing.
            let second = try await ledger.submitHoursClaim(HoursClaimInput(activityId: activity.id, start: Make.june(10, 13), end: Make.june(10, 14),
                                                                           note: "下午补录"), by: Self.volunteer(member))
            await expectLedgerError(.reasonRequired) { _ = try await ledger.decideHoursClaim(id: second.id, .reject, reason: nil, by: staff) }
            let rejected = try await ledger.decideHoursClaim(id: second.id, .reject, reason: "签到表上没有此人", by: staff)
            #expect(rejected.state == .rejected && rejected.recordId == nil)
            #expect(try await ledger.records(RecordFilter(volunteerId: member.id), after: nil, limit: nil, by: Self.op).items.count == 1)
        }
    }

    @Test(arguments: Backend.all)
    func aClaimThatBreaksARuleByThenCannotBeApproved(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let ledger = t.ledger()
            let organization = try await ledger.createOrganization(Make.organizationInput(1), by: Self.op)
            let activity = try await ledger.createActivity(Make.activityInput(day: 10), organizationId: organization.id, by: Self.op)
            let member = try await ledger.registerVolunteer(Make.registration(1), organizationId: organization.id, by: Self.op).volunteer
            let staff = Principal(userId: nil, role: .organizationStaff, organizationId: organization.id)
            let claim = try await ledger.submitHoursClaim(HoursClaimInput(activityId: activity.id, start: Make.june(10, 9), end: Make.june(10, 11),
                                                                          note: "忘记签到"), by: Self.volunteer(member))
            // Meanwhile staff recorded the same morning by hand.
            _ = try await ledger.recordService(RecordInput(volunteerNumber: member.number, activityId: activity.id,
                                                           start: Make.june(10, 10), end: Make.june(10, 12)), by: Self.op)
            await expectLedgerErrorCode("overlapping-record") { _ = try await ledger.decideHoursClaim(id: claim.id, .approve, reason: nil, by: staff) }
            #expect(try await ledger.hoursClaim(id: claim.id, by: staff).state == .pending)
            #expect(try await ledger.records(RecordFilter(volunteerId: member.id), after: nil, limit: nil, by: Self.op).items.count == 1)
        }
    }
}
