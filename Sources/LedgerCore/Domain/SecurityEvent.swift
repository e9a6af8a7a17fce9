import Foundation

/// What happened to an account, as the security log (安全日志) keeps it.
public enum SecurityEventKind: String, Codable, Sendable, CaseIterable {
    case accountCreated = "account-created"
    case passwordChanged = "password-changed"
    case resetIssued = "reset-issued"
    case resetUsed = "reset-used"
    case accountDisabled = "account-disabled"
    case accountEnabled = "account-enabled"
    case mfaEnrolled = "mfa-enrolled"
    case mfaRemoved = "mfa-removed"
    case signInFailed = "sign-in-failed"
    case signInSucceeded = "sign-in-succeeded"
    case sessionEnded = "session-ended"

    /// The Chinese label, then the English one.
    public var label: String {
        switch self {
        case .accountCreated: "创建账号 / account created"
        case .passwordChanged: "修改密码 / password changed"
        case .resetIssued: "签发重置码 / reset issued"
        case .resetUsed: "使用重置码 / reset used"
        case .accountDisabled: "停用账号 / account disabled"
        case .accountEnabled: "启用账号 / account enabled"
        case .mfaEnrolled: "启用双因素 / two-factor enrolled"
        case .mfaRemoved: "移除双因素 / two-factor removed"
        case .signInFailed: "登录失败 / sign-in failed"
        case .signInSucceeded: "登录成功 / sign-in succeeded"
        case .sessionEnded: "会话结束 / session ended"
        }
    }
}

/// Where a request came from: the client address and its user agent, both cut short for storage.
public struct RequestOrigin: Sendable, Hashable {
    public var clientAddress: String?
    public var userAgent: String?

    public static let maxAddressLength = 64
    public static let maxUserAgentLength = 200

    public init(clientAddress: String? = nil, userAgent: String? = nil) {
        self.clientAddress = clientAddress.map { String($0.prefix(Self.maxAddressLength)) }
        self.userAgent = userAgent.map { String($0.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.prefix(Self.maxUserAgentLength)) }
            .flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The command line: no address.
    public static let commandLine = RequestOrigin()
}

/// One row of the append-only security log: what happened to which account, who did it, when and from where.
public struct SecurityEvent: Sendable, Hashable, Codable {
    public var id: Int64
    public var kind: SecurityEventKind
    public var at: Date
    /// The account the event is about; nil for a failed sign-in under an unknown name.
    public var accountId: Int64?
    /// The name typed or the account's username (at most 64 characters).
    public var username: String
    /// Who acted, when someone other than the account did (an admin disabling it); nil for the account itself
    /// or the command line.
    public var actorId: Int64?
    public var clientAddress: String?
    public var userAgent: String?
    /// A short reason or note (at most 200 characters), never a secret.
    public var detail: String?

    public init(id: Int64 = 0, kind: SecurityEventKind, at: Date, accountId: Int64?, username: String, actorId: Int64? = nil,
                origin: RequestOrigin = .commandLine, detail: String? = nil) {
        self.id = id
        self.kind = kind
        self.at = at
        self.accountId = accountId
        self.username = String(username.prefix(64))
        self.actorId = actorId
        self.clientAddress = origin.clientAddress
        self.userAgent = origin.userAgent
        self.detail = detail.map { String($0.prefix(200)) }
    }
}

/// Which security events a query covers; nil fields do not filter.
public struct SecurityEventFilter: Sendable, Hashable {
    public var kind: SecurityEventKind?
    public var accountId: Int64?
    /// Events at or after this instant.
    public var from: Date?
    /// Events before this instant.
    public var before: Date?

    public init(kind: SecurityEventKind? = nil, accountId: Int64? = nil, from: Date? = nil, before: Date? = nil) {
        self.kind = kind
        self.accountId = accountId
        self.from = from
        self.before = before
    }
}

extension SecurityEventFilter {
    /// The events of whole days from `fromDay` to `toDay` (both included) in the platform's zone, of one kind if
    /// `kind` names one (an unknown name is an error naming `field`).
    public static func days(kind: String?, fromDay: LocalDate?, toDay: LocalDate?, field: String = "kind") throws -> SecurityEventFilter {
        var parsed: SecurityEventKind?
        if let kind, !kind.isEmpty {
            guard let known = SecurityEventKind(rawValue: kind) else {
                throw LedgerError.invalidField(field: field, reason: "未知的事件类型“\(kind.prefix(30))” / unknown event kind \"\(kind.prefix(30))\"")
            }
            parsed = known
        }
        if let fromDay, let toDay, toDay < fromDay {
            throw LedgerError.invalidField(field: "to", reason: "不能早于开始日期 / must not be before the start date")
        }
        return SecurityEventFilter(kind: parsed, from: fromDay?.startOfDay(in: .ledgerDefault),
                                   before: toDay?.adding(days: 1).startOfDay(in: .ledgerDefault))
    }
}
