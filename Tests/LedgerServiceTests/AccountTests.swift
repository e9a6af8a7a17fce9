import Foundation
import LedgerCore
import Testing

/// Who may open which account, and what a session is worth.
@Suite struct AccountTests {
    @Test func organizationAdminsOpenStaffAccountsOnlyForTheirOwnOrganization() async throws {
        let bed = try await Testbed()
        let a = try await bed.organization(1)
        let b = try await bed.organization(2)
        let adminOfA = Principal(userId: 1, role: .organizationAdmin, organizationId: a.id)
        let staff = try await bed.ledger.createAccount(
            AccountInput(username: "a-staff", password: "long-enough", role: .organizationStaff, organizationId: a.id), by: adminOfA)
        #expect(staff.organizationId == a.id)
        await #expect(throws: LedgerError.self) {
            _ = try await bed.ledger.createAccount(
                AccountInput(username: "b-staff", password: "long-enough", role: .organizationStaff, organizationId: b.id), by: adminOfA)
        }
        await #expect(throws: LedgerError.self) {
            _ = try await bed.ledger.createAccount(AccountInput(username: "i", password: "long-enough", role: .inspector), by: adminOfA)
        }
    }

    /// A volunteer's login shows their full ID number and every organization's records of them.
    @Test func onlyThePlatformOpensVolunteerAccounts() async throws {
        let bed = try await Testbed()
        let org = try await bed.organization()
        let volunteer = try await bed.volunteer(1, in: org)
        let input = AccountInput(username: "v1", password: "long-enough", role: .volunteer, volunteerId: volunteer.id)
        await expectLedgerError(.forbidden("只有平台管理员可以开通志愿者账号 / only platform admins open volunteer accounts")) {
            _ = try await bed.ledger.createAccount(input, by: Principal(userId: 1, role: .organizationAdmin, organizationId: org.id))
        }
        let account = try await bed.ledger.createAccount(input, by: Testbed.op)
        #expect(account.volunteerId == volunteer.id)
        #expect(account.displayName == "志愿者1")
    }

    @Test func sessionsExpireAndCanBeRevoked() async throws {
        let bed = try await Testbed()
        _ = try await bed.ledger.createAccount(AccountInput(username: "root", password: "long-enough", role: .platformAdmin), by: Testbed.op)
        let grant = try await bed.ledger.login(username: "root", password: "long-enough")
        #expect(try await bed.ledger.authenticate(token: grant.token).username == "root")
        bed.clock.set(grant.expiresAt.addingTimeInterval(1))
        await expectLedgerError(.unauthenticated) { _ = try await bed.ledger.authenticate(token: grant.token) }
        let second = try await bed.ledger.login(username: "root", password: "long-enough")
        try await bed.ledger.revoke(token: second.token)
        await expectLedgerError(.unauthenticated) { _ = try await bed.ledger.authenticate(token: second.token) }
        await expectLedgerError(.invalidCredentials) { _ = try await bed.ledger.login(username: "root", password: "wrong-one!") }
        await expectLedgerError(.invalidCredentials) { _ = try await bed.ledger.login(username: "nobody", password: "long-enough") }
    }

    @Test func passwordsAreStoredAsBcryptHashes() async throws {
        let bed = try await Testbed()
        let account = try await bed.ledger.createAccount(AccountInput(username: "root", password: "long-enough", role: .platformAdmin), by: Testbed.op)
        #expect(account.passwordHash.hasPrefix("$2"))
        #expect(!account.passwordHash.contains("long-enough"))
        await #expect(throws: LedgerError.self) {
            _ = try await bed.ledger.createAccount(AccountInput(username: "short", password: "short", role: .platformAdmin), by: Testbed.op)
        }
    }
}
