import Crypto
import Foundation

/// What a one-time code proves: that the person holds the phone or mailbox, for one operation only. A code issued for
/// one purpose is never accepted by another.
public enum VerificationPurpose: String, Sendable, Hashable, CaseIterable, Codable {
    /// Self-registration (`/register`): the phone of the new account.
    case register
    /// A new phone number on my profile.
    case changePhone = "change-phone"
    /// A volunteer resetting a forgotten password by the verified phone.
    case resetPassword = "reset-password"
    /// The contact phone of an organization's application.
    case organizationApply = "organization-apply"

    /// What the message says the code is for.
    func label(_ language: MessageLanguage) -> String {
        switch (self, language) {
        case (.register, .zh): "注册账号"
        case (.register, .en): "registering your account"
        case (.changePhone, .zh): "更换手机号码"
        case (.changePhone, .en): "changing your phone number"
        case (.resetPassword, .zh): "重置密码"
        case (.resetPassword, .en): "resetting your password"
        case (.organizationApply, .zh): "组织入驻申请"
        case (.organizationApply, .en): "your organization's application"
        }
    }
}

/// A one-time code as stored: only its keyed hash, bound to its purpose and destination (`MessageRecipient.key`). One
/// code at a time per purpose and destination: issuing another replaces it.
public struct StoredVerificationCode: Sendable, Hashable {
    public var purpose: VerificationPurpose
    /// `phone:NUMBER` or `email:ADDRESS`.
    public var destination: String
    /// HMAC-SHA-256 of purpose, destination and code under the server's secret, hex.
    public var codeHash: String
    public var issuedAt: Date
    public var expiresAt: Date
    /// Tries made with this code so far, right or wrong.
    public var attempts: Int

    public init(purpose: VerificationPurpose, destination: String, codeHash: String, issuedAt: Date, expiresAt: Date, attempts: Int = 0) {
        self.purpose = purpose
        self.destination = destination
        self.codeHash = codeHash
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.attempts = attempts
    }
}

/// How one-time codes are made and checked: six digits, valid five minutes, five tries, stored as a keyed hash (a
/// database dump alone cannot be searched for the million possible codes), issued and checked under throttles kept in
/// this process.
public struct VerificationCodeSettings: Sendable {
    /// The key of the stored hashes (kept outside the database: derived from the key file's secret).
    public var key: SymmetricKey
    /// The platform's name, shown in messages.
    public var platformName: String
    public var lifetime: TimeInterval = 5 * 60
    public var maxAttempts = 5
    /// Codes sent per destination (account slot) and per client address (address slot).
    public let issueThrottle: LoginThrottle
    /// Wrong codes per destination and per client address.
    public let verifyThrottle: LoginThrottle

    public init(key: SymmetricKey, platformName: String,
                issueThrottle: LoginThrottle = LoginThrottle(perAccount: .codesSentPerDestination, perAddress: .codesSentPerAddress),
                verifyThrottle: LoginThrottle = LoginThrottle(perAccount: .wrongCodesPerDestination, perAddress: .wrongCodesPerAddress)) {
        self.key = key
        self.platformName = platformName
        self.issueThrottle = issueThrottle
        self.verifyThrottle = verifyThrottle
    }

    /// The stored form of `code` for `purpose` and `destination`.
    public func hash(code: String, purpose: VerificationPurpose, destination: String) -> String {
        let input = Data("\(purpose.rawValue)\n\(destination)\n\(code)".utf8)
        return HMAC<SHA256>.authenticationCode(for: input, using: key).map { String(format: "%02x", $0) }.joined()
    }
}

extension LoginThrottle.Policy {
    /// Codes sent to one phone or address: three free, then 60 s doubling up to an hour (each send counts).
    public static let codesSentPerDestination = LoginThrottle.Policy(freeAttempts: 3, firstDelay: 60, maxDelay: 3600, forgetAfter: 3600)
    /// Codes sent from one client address, to anyone: ten free, then 30 s doubling up to an hour.
    public static let codesSentPerAddress = LoginThrottle.Policy(freeAttempts: 10, firstDelay: 30, maxDelay: 3600, forgetAfter: 3600)
    /// Wrong codes for one destination: ten free (two codes' tries), then 2 s doubling up to 15 minutes.
    public static let wrongCodesPerDestination = LoginThrottle.Policy(freeAttempts: 10, firstDelay: 2, maxDelay: 15 * 60, forgetAfter: 3600)
    /// Wrong codes from one client address: twenty free, then 1 s doubling up to 15 minutes.
    public static let wrongCodesPerAddress = LoginThrottle.Policy(freeAttempts: 20, firstDelay: 1, maxDelay: 15 * 60, forgetAfter: 3600)
}

/// A code sent: when it expires (the code itself is only in the message).
public struct VerificationCodeSent: Sendable, Hashable {
    public var purpose: VerificationPurpose
    /// Masked (`138****5678`).
    public var maskedDestination: String
    public var expiresAt: Date
}
