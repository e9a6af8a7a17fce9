import Crypto
import Foundation

/// A new login account.
public struct AccountInput: Codable, Sendable {
    public var username: String
    public var password: String
    public var displayName: String?
    public var role: Role
    public var organizationId: Int64?
    public var volunteerId: Int64?

    public init(username: String, password: String, displayName: String? = nil, role: Role,
                organizationId: Int64? = nil, volunteerId: Int64? = nil) {
        self.username = username
        self.password = password
        self.displayName = displayName
        self.role = role
        self.organizationId = organizationId
        self.volunteerId = volunteerId
    }
}

/// A successful login: the bearer token (shown once, stored only hashed) and when it expires.
public struct LoginGrant: Sendable {
    public var token: String
    public var expiresAt: Date
    public var account: UserAccount
}

extension Ledger {
    /// Creates an account. The platform creates any; an organization admin creates staff and admins of
    /// their own organization.
    /// The security log records the creation, by whom and from where, in the same transaction.
    public func createAccount(_ input: AccountInput, by principal: Principal, origin: RequestOrigin = .commandLine) async throws -> UserAccount {
        let username = try Self.checkedCredentials(username: input.username, password: input.password)
        switch input.role {
        case .platformAdmin, .inspector:
            guard principal.role == .platformAdmin else {
                throw LedgerError.forbidden("只有平台管理员可以创建该角色 / only platform admins create this role")
            }
        case .organizationAdmin, .organizationStaff:
            guard let organizationId = input.organizationId else {
                throw LedgerError.invalidField(field: "organizationId", reason: "不能为空 / is required for this role")
            }
            guard AccessPolicy.canAdministerOrganization(principal, organizationId: organizationId) else {
                throw LedgerError.forbidden("只能为本组织创建账号 / you can only create accounts of your own organization")
            }
        case .volunteer:
            // A volunteer's login sees their full personal data and every organization's records of them,
            // so only the platform may open one, never an organization.
            guard principal.role == .platformAdmin else {
                throw LedgerError.forbidden("只有平台管理员可以开通志愿者账号 / only platform admins open volunteer accounts")
            }
            guard input.volunteerId != nil else {
                throw LedgerError.invalidField(field: "volunteerId", reason: "不能为空 / is required for this role")
            }
        }
        let hash = try await passwords.hash(input.password)
        let createdAt = now
        return try await store.write { w in
            if try w.user(username: username) != nil { throw LedgerError.duplicateUsername(username) }
            if let organizationId = input.organizationId, try w.organization(id: organizationId) == nil {
                throw LedgerError.notFound(entity: "organization", key: String(organizationId))
            }
            var organizationId = input.role == .organizationAdmin || input.role == .organizationStaff ? input.organizationId : nil
            var displayName = input.displayName ?? username
            if input.role == .volunteer, let volunteerId = input.volunteerId {
                guard let volunteer = try w.volunteer(id: volunteerId) else {
                    throw LedgerError.notFound(entity: "volunteer", key: String(volunteerId))
                }
                displayName = input.displayName ?? volunteer.name
                organizationId = nil
            }
            let account = try w.insert(UserAccount(
                id: 0, username: username, displayName: displayName, role: input.role, organizationId: organizationId,
                volunteerId: input.role == .volunteer ? input.volunteerId : nil, passwordHash: hash,
                createdAt: createdAt, isDisabled: false))
            try Self.logSecurityEvent(w, .accountCreated, account: account, actor: principal, origin: origin, at: createdAt,
                                      detail: input.role.rawValue)
            return account
        }
    }

    /// Checks a password and opens a session. Unknown users cost as much time as wrong passwords; repeated
    /// failures for the account or from `clientAddress` must wait (`loginThrottled`, before the password is read).
    /// Each checked attempt goes to the security log (a success in the transaction that opens the session).
    public func login(username: String, password: String, clientAddress: String? = nil, userAgent: String? = nil) async throws -> LoginGrant {
        let origin = RequestOrigin(clientAddress: clientAddress, userAgent: userAgent)
        let name = String(username.trimmingCharacters(in: .whitespaces).prefix(64))
        if let wait = loginThrottle.delay(account: name, address: clientAddress, now: clock()) {
            LedgerMetrics.loginThrottled()
            throw LedgerError.loginThrottled(retryAfterSeconds: wait)
        }
        let account = try await store.read { try $0.user(username: name) }
        let verified = try await passwords.verify(password, hash: account?.passwordHash)
        if verified, let account, account.isDisabled {
            // Only the holder of the right password learns that the account is disabled.
            loginThrottle.recordFailure(account: name, address: clientAddress, now: clock())
            let at = now
            try await store.write { w in
                try Self.logSecurityEvent(w, .signInFailed, account: account, origin: origin, at: at, detail: "account-disabled")
            }
            throw LedgerError.forbidden(Self.accountDisabledMessage)
        }
        guard verified, let account else {
            loginThrottle.recordFailure(account: name, address: clientAddress, now: clock())
            LedgerMetrics.loginFailed()
            let at = now
            try await store.write { w in
                try Self.logSecurityEvent(w, .signInFailed, account: account, username: name, origin: origin, at: at,
                                          detail: account == nil ? "unknown-username" : "wrong-password")
            }
            throw LedgerError.invalidCredentials
        }
        loginThrottle.recordSuccess(account: name)
        let token = Self.base64URL(random.bytes(32))
        let createdAt = now
        let session = AccessSession(tokenHash: Self.tokenHash(token), userId: account.id, createdAt: createdAt,
                                    expiresAt: createdAt.addingTimeInterval(sessionLifetime), revokedAt: nil)
        try await store.write { w in
            try w.insert(session)
            try Self.logSecurityEvent(w, .signInSucceeded, account: account, origin: origin, at: createdAt)
        }
        return LoginGrant(token: token, expiresAt: session.expiresAt, account: account)
    }

    /// What a disabled account's holder is told at sign-in.
    public static let accountDisabledMessage = "该账号已停用，请联系所在组织或平台管理员 / this account is disabled; ask your organization's or the platform's admin"

    /// The account behind a bearer token, if the session is open and unexpired.
    public func authenticate(token: String) async throws -> UserAccount {
        let hash = Self.tokenHash(token)
        let now = self.now
        let account = try await store.read { r -> UserAccount? in
            guard let (session, account) = try r.sessionAccount(tokenHash: hash), session.revokedAt == nil,
                  session.expiresAt > now, !account.isDisabled else { return nil }
            return account
        }
        guard let account else { throw LedgerError.unauthenticated }
        return account
    }

    /// Revokes the session of a token (logout); an open session's end goes to the security log.
    public func revoke(token: String, origin: RequestOrigin = .commandLine) async throws {
        let hash = Self.tokenHash(token)
        let now = self.now
        try await store.write { w in
            guard let (session, account) = try w.sessionAccount(tokenHash: hash), session.revokedAt == nil else { return }
            try w.revokeSession(tokenHash: hash, at: now)
            try Self.logSecurityEvent(w, .sessionEnded, account: account, origin: origin, at: now, detail: "sign-out")
        }
    }

    /// The username, trimmed, once it and the password meet the rules of every account.
    static func checkedCredentials(username typed: String, password: String) throws -> String {
        let username = try InputCheck.required(typed, field: "username", maxLength: 64)
        guard username.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-@".contains($0)) }) else {
            throw LedgerError.invalidField(field: "username",
                reason: "只能包含字母、数字和 . _ - @ / may contain only letters, digits and . _ - @")
        }
        guard password.count >= 8, password.count <= 72 else {
            throw LedgerError.invalidField(field: "password", reason: "长度须为 8 到 72 个字符 / must be 8 to 72 characters")
        }
        return username
    }

    static func tokenHash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).hexString
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
