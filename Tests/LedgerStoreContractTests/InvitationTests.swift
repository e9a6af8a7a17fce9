import Foundation
import LedgerCore
import Testing

/// Login invitations on both stores: staff invite a member without a login; the code, with the volunteer's document
/// number, opens the login once within seven days.
@Suite("Login invitations")
struct InvitationTests {
    static let op = Principal.localOperator

    @Test(arguments: Backend.all)
    func aCodeOpensTheMembersLoginOnceWithinSevenDays(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let ledger = t.ledger()
            let home = try await ledger.createOrganization(Make.organizationInput(1), by: Self.op)
            let other = try await ledger.createOrganization(Make.organizationInput(2), by: Self.op)
            let member = try await ledger.registerVolunteer(Make.registration(1), organizationId: home.id, by: Self.op).volunteer
            let staff = Principal(userId: nil, role: .organizationStaff, organizationId: home.id)
            let stranger = Principal(userId: nil, role: .organizationStaff, organizationId: other.id)

            await expectLedgerErrorCode("not-found") { _ = try await ledger.inviteVolunteer(volunteerId: member.id, by: stranger) }
            await expectLedgerErrorCode("forbidden") { _ = try await ledger.inviteVolunteer(volunteerId: member.id, by: Self.op) }
            let issued = try await ledger.inviteVolunteer(volunteerId: member.id, by: staff)
            #expect(issued.code.count == 19 && issued.url.hasSuffix("/invite?code=\(issued.code)"))
            #expect(issued.invitation.expiresAt == Make.now.addingTimeInterval(7 * 24 * 3600))
            // Only the hash is stored.
            let stored = try await t.store.read { try $0.invitations(after: nil, limit: 10) }
            #expect(stored.count == 1 && !stored[0].codeHash.contains(issued.code) && stored[0].usedAt == nil)

            // The code alone is not enough, and an expired code opens nothing.
            await expectLedgerErrorCode("invalid-field") {
                _ = try await ledger.redeemInvitation(code: issued.code, documentNumber: "110101199003070000", username: "yu-xuemei",
                                                      password: "a-long-password")
            }
            let eightDaysLater = t.ledger(clock: { Make.now.addingTimeInterval(8 * 24 * 3600) })
            await expectLedgerErrorCode("invalid-field") {
                _ = try await eightDaysLater.redeemInvitation(code: issued.code, documentNumber: member.documentNumber,
                                                              username: "yu-xuemei", password: "a-long-password")
            }

            // Typed leniently (lower case, no dashes), it opens the login, which signs in.
            let typed = issued.code.lowercased().replacingOccurrences(of: "-", with: " ")
            let account = try await ledger.redeemInvitation(code: typed, documentNumber: member.documentNumber.lowercased(),
                                                            username: "yu-xuemei", password: "a-long-password")
            #expect(account.role == .volunteer && account.volunteerId == member.id && account.displayName == member.name)
            let grant = try await ledger.login(username: "yu-xuemei", password: "a-long-password")
            #expect(grant.account.id == account.id)
            let used = try await t.store.read { try $0.invitations(after: nil, limit: 10) }
            #expect(used[0].usedAt == Make.now && used[0].userId == account.id)

            // Once only; and a member with a login is not invited again.
            await expectLedgerErrorCode("invalid-field") {
                _ = try await ledger.redeemInvitation(code: issued.code, documentNumber: member.documentNumber, username: "second",
                                                      password: "a-long-password")
            }
            await expectLedgerErrorCode("already-has-login") { _ = try await ledger.inviteVolunteer(volunteerId: member.id, by: staff) }
        }
    }
}
