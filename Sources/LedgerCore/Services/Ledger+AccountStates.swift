import Foundation

extension Ledger {
    /// Disables or enables an account, with a reason (1 to 200 characters) kept in the security log. Platform admins
    /// change any account but their own; an organization admin changes their organization's staff and admins (not
    /// themselves). Disabling ends every session of the account at once, in the same transaction.
    public func setAccountDisabled(userId: Int64, disabled: Bool, reason typed: String, by principal: Principal,
                                   origin: RequestOrigin = .commandLine) async throws -> UserAccount {
        let reason = try InputCheck.required(typed, field: "reason", maxLength: 200)
        guard principal.role == .platformAdmin || principal.role == .organizationAdmin else {
            throw LedgerError.forbidden("只有管理员可以停用或启用账号 / only admins disable or enable accounts")
        }
        guard principal.userId != userId else {
            throw LedgerError.forbidden("不能停用或启用自己的账号 / you cannot disable or enable your own account")
        }
        let at = now
        return try await store.write { w in
            guard var account = try w.user(id: userId) else { throw LedgerError.notFound(entity: "account", key: String(userId)) }
            if principal.role == .organizationAdmin {
                guard let organizationId = account.organizationId,
                      account.role == .organizationStaff || account.role == .organizationAdmin,
                      AccessPolicy.canAdministerOrganization(principal, organizationId: organizationId) else {
                    // Another organization's accounts are not shown to exist.
                    throw LedgerError.notFound(entity: "account", key: String(userId))
                }
            }
            guard account.isDisabled != disabled else { return account }
            try w.setDisabled(userId: userId, disabled)
            if disabled { try w.revokeSessions(userId: userId, keeping: nil, at: at) }
            try Self.logSecurityEvent(w, disabled ? .accountDisabled : .accountEnabled, account: account, actor: principal,
                                      origin: origin, at: at, detail: reason)
            account.isDisabled = disabled
            return account
        }
    }
}
