import Foundation
import LedgerCore
import Testing

/// A confirmation is final: declining a confirmed sign-up is refused, so no decline leaves behind the membership the
/// confirmation created; pending and waiting sign-ups are still declined, and a declined one stays declined.
@Suite("Sign-up decisions are final")
struct SignUpDecisionFinalityTests {
    static let op = Principal.localOperator

    @Test(arguments: Backend.all)
    func declineAfterConfirmIsRefusedAndMembershipMatchesTheConfirmation(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let ledger = t.ledger()
            let s = try await SignUpTests.setting(ledger, volunteers: 0, capacity: 5, audience: .everyone)
            let other = try await ledger.createOrganization(Make.organizationInput(2), by: Self.op)
            let outsider = try await ledger.registerVolunteer(Make.registration(9), organizationId: other.id, by: Self.op).volunteer
            let principal = Principal(userId: nil, role: .volunteer, volunteerId: outsider.id)
            let signUp = try await ledger.signUp(activityId: s.activity.id, by: principal)
            let confirmed = try await ledger.decideSignUp(id: signUp.id, .confirm, reason: nil, by: Self.op)
            #expect(confirmed.state == .confirmed)
            #expect(try await t.store.read { try $0.isMember(volunteerId: outsider.id, of: s.organization.id) }, "the confirmation made a member")

            await expectLedgerError(.signUpNotActive(signUpId: signUp.id, state: .confirmed)) {
                _ = try await ledger.decideSignUp(id: signUp.id, .decline, reason: "改变主意", by: Self.op)
            }
            let after = try await ledger.signUp(id: signUp.id, by: Self.op)
            #expect(after.state == .confirmed && after.reason == nil, "the refusal changed nothing")
            #expect(try await ledger.decideSignUp(id: signUp.id, .confirm, reason: nil, by: Self.op).state == .confirmed, "repeating is harmless")
            let memberships = try await t.store.read { try $0.memberships(volunteerId: outsider.id) }
            #expect(Set(memberships.map(\.organizationId)) == [other.id, s.organization.id], "one membership, as confirmed")

            // A pending sign-up declined makes no member, and cannot be confirmed afterwards.
            let second = try await ledger.registerVolunteer(Make.registration(10), organizationId: other.id, by: Self.op).volunteer
            let secondSignUp = try await ledger.signUp(activityId: s.activity.id, by: Principal(userId: nil, role: .volunteer, volunteerId: second.id))
            #expect(try await ledger.decideSignUp(id: secondSignUp.id, .decline, reason: "名额调整", by: Self.op).state == .declined)
            await expectLedgerError(.signUpNotActive(signUpId: secondSignUp.id, state: .declined)) {
                _ = try await ledger.decideSignUp(id: secondSignUp.id, .confirm, reason: nil, by: Self.op)
            }
            #expect(try await t.store.read { try $0.isMember(volunteerId: second.id, of: s.organization.id) } == false)
        }
    }
}
