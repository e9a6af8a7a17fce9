import Foundation
import LedgerCore
import Testing

@Suite("Disabling and enabling accounts: with a reason, sessions ended at once, organization admins only for their staff")
struct AccountDisablingTests {
    @Test(arguments: Backend.all)
    func aDisabledAccountLosesItsSessionsAndCannotSignIn(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let ledger = t.ledger()
            let (a, b) = try await t.store.write { w in (try w.insert(Make.organization(1)), try w.insert(Make.organization(2))) }
            let root = try await ledger.createAccount(AccountInput(username: "root", password: "long-enough-1", role: .platformAdmin),
                                                      by: .localOperator)
            let aAdmin = try await ledger.createAccount(AccountInput(username: "a-admin", password: "long-enough-1", role: .organizationAdmin,
                                                                     organizationId: a.id), by: .localOperator)
            let aStaff = try await ledger.createAccount(AccountInput(username: "a-staff", password: "long-enough-1", role: .organizationStaff,
                                                                     organizationId: a.id), by: .localOperator)
            let bStaff = try await ledger.createAccount(AccountInput(username: "b-staff", password: "long-enough-1", role: .organizationStaff,
                                                                     organizationId: b.id), by: .localOperator)
            let first = try await ledger.login(username: "a-staff", password: "long-enough-1")
            let second = try await ledger.login(username: "a-staff", password: "long-enough-1")

            // An organization admin: not another organization's staff (as if it did not exist), not themselves, not without a reason.
            await expectLedgerError(.notFound(entity: "account", key: String(bStaff.id))) {
                _ = try await ledger.setAccountDisabled(userId: bStaff.id, disabled: true, reason: "离职", by: Principal(aAdmin))
            }
            await #expect(throws: LedgerError.self) {
                _ = try await ledger.setAccountDisabled(userId: aAdmin.id, disabled: true, reason: "离职", by: Principal(aAdmin))
            }
            await #expect(throws: LedgerError.self) {
                _ = try await ledger.setAccountDisabled(userId: aStaff.id, disabled: true, reason: "  ", by: Principal(aAdmin))
            }
            await #expect(throws: LedgerError.self) {
                _ = try await ledger.setAccountDisabled(userId: aStaff.id, disabled: true, reason: "离职", by: Principal(aStaff))
            }
            _ = try await ledger.authenticate(token: first.token)

            let origin = RequestOrigin(clientAddress: "203.0.113.9", userAgent: "test")
            let disabled = try await ledger.setAccountDisabled(userId: aStaff.id, disabled: true, reason: "已离职", by: Principal(aAdmin),
                                                               origin: origin)
            #expect(disabled.isDisabled)
            for token in [first.token, second.token] {
                await expectLedgerError(.unauthenticated) { _ = try await ledger.authenticate(token: token) }
            }
            let open = try await t.store.read { r in try r.sessions(after: nil, limit: 10).filter { $0.userId == aStaff.id && $0.revokedAt == nil } }
            #expect(open.isEmpty)
            await expectLedgerError(.forbidden(Ledger.accountDisabledMessage)) {
                _ = try await ledger.login(username: "a-staff", password: "long-enough-1")
            }
            await expectLedgerError(.invalidCredentials) { _ = try await ledger.login(username: "a-staff", password: "wrong-password") }

            let enabled = try await ledger.setAccountDisabled(userId: aStaff.id, disabled: false, reason: "返聘", by: Principal(root))
            #expect(!enabled.isDisabled)
            _ = try await ledger.login(username: "a-staff", password: "long-enough-1")

            let log = try await ledger.securityEvents(SecurityEventFilter(), username: "a-staff", beforeId: nil, limit: 20, by: Principal(root))
            #expect(log.items.prefix(5).map(\.kind) == [.signInSucceeded, .accountEnabled, .signInFailed, .signInFailed, .accountDisabled])
            #expect(log.items[1].actorId == root.id && log.items[1].detail == "返聘")
            #expect(log.items[3].detail == "account-disabled" && log.items[2].detail == "wrong-password")
            #expect(log.items[4].actorId == aAdmin.id && log.items[4].detail == "已离职" && log.items[4].clientAddress == "203.0.113.9")
        }
    }
}
