import Foundation
import Synchronization

/// The answer to "is this certificate genuine?", as the verification page shows it in one glance.
public struct CertificateVerification: Sendable, Hashable {
    public enum Status: String, Sendable, Codable {
        /// 有效: signed by a good key, on record, not revoked, and its records still total what it says.
        case valid
        /// 已撤销: revoked by its issuer or the platform.
        case revoked
        /// 已更正: genuine, but a covered record was corrected or voided after issue.
        case superseded
        /// 无效: forged, damaged, or signed by a key that is no longer trusted.
        case invalid
    }

    public var status: Status
    /// Why an invalid certificate is invalid.
    public var reason: InvalidCertificateReason?
    /// The certificate as issued, when it is genuine (also when revoked or superseded).
    public var certificate: Certificate?
    /// Covered records changed since issue, for a superseded certificate.
    public var changes: [CertifiedRecordChange]
    /// The current total of the covered records (differs from the certificate's when superseded).
    public var currentMinutes: Int?
    /// When the signing key was marked compromised, for `compromisedKey`.
    public var keyCompromisedAt: Date?
    /// The index of the certificate's issuance in the transparency log, once sequenced.
    public var logIndex: Int?
    /// Whether the log's latest signed checkpoint covers that index.
    public var inSignedCheckpoint: Bool?
    /// Whether a checkpoint cosigned by the witness quorum (and at least one witness) covers it; nil without witnesses.
    public var inCosignedCheckpoint: Bool?

    public init(status: Status, reason: InvalidCertificateReason? = nil, certificate: Certificate? = nil,
                changes: [CertifiedRecordChange] = [], currentMinutes: Int? = nil, keyCompromisedAt: Date? = nil) {
        self.status = status
        self.reason = reason
        self.certificate = certificate
        self.changes = changes
        self.currentMinutes = currentMinutes
        self.keyCompromisedAt = keyCompromisedAt
    }

    public static func invalid(_ reason: InvalidCertificateReason, keyCompromisedAt: Date? = nil) -> CertificateVerification {
        CertificateVerification(status: .invalid, reason: reason, keyCompromisedAt: keyCompromisedAt)
    }

    /// Chinese first, then English, as the page's headline says it.
    public var headline: String {
        switch status {
        case .valid: "有效 / Valid"
        case .revoked: "已撤销 / Revoked"
        case .superseded: "已更正 / Superseded"
        case .invalid: "无效 / Invalid"
        }
    }

    /// One sentence saying why, in Chinese then English.
    public var explanation: String {
        switch status {
        case .valid:
            return "证明真实有效，所载服务时长与记录一致 / the certificate is genuine and its hours match the records"
        case .revoked:
            let reason = certificate?.revocation?.reason ?? ""
            return "出具单位已撤销此证明：\(reason) / the issuer revoked this certificate: \(reason)"
        case .superseded:
            return "证明真实，但其所列记录在出具后已被更正或作废，请以最新记录为准 / the certificate is genuine, but records it covers were corrected or voided after it was issued"
        case .invalid:
            return reason?.message ?? InvalidCertificateReason.malformed.message
        }
    }
}

/// Why a certificate is not accepted, with a stable code.
public enum InvalidCertificateReason: String, Sendable, Codable, CaseIterable {
    /// Not a token at all, damaged, truncated or too long.
    case malformed
    /// The signature does not match the content: a claim or the signature was changed.
    case badSignature = "bad-signature"
    /// Signed with a key this platform never published.
    case unknownKey = "unknown-key"
    /// Signed with a key that was marked compromised: nothing it signed can be trusted.
    case compromisedKey = "compromised-key"
    /// Correctly signed, but no certificate with this serial is on record (or a typed serial is unknown).
    case unknownCertificate = "unknown-certificate"
    /// Correctly signed, but the claims differ from the certificate on record with this serial.
    case claimsMismatch = "claims-mismatch"

    public var message: String {
        switch self {
        case .malformed: "证明数据格式错误或已损坏 / the certificate data is malformed or damaged"
        case .badSignature: "签名校验失败，内容可能被篡改 / the signature does not match: the content was altered"
        case .unknownKey: "签名密钥未知 / signed with an unknown key"
        case .compromisedKey: "签名密钥已泄露并作废，其签发的证明一律无效 / the signing key was compromised; nothing it signed is valid"
        case .unknownCertificate: "查无此证明 / no certificate with this serial is on record"
        case .claimsMismatch: "证明内容与存档不符 / the certificate differs from the one on record"
        }
    }
}

/// The outcome of checking a token's form, key and signature (no database involved).
public enum TokenCheck: Sendable, Equatable {
    case verified(CertificateClaims, keyId: String)
    case rejected(InvalidCertificateReason, keyId: String?, keyCompromisedAt: Date?)
}

/// Signs certificate claims and status lists and checks tokens: the platform's key file.
/// Implemented by `LedgerCertificates.CertificateKeyring` (jwt-kit, Ed25519).
public protocol CertificateAuthority: Sendable {
    /// Signs `claims` with the active key; returns the compact JWS and the key id.
    func sign(_ claims: CertificateClaims) async throws -> (token: String, keyId: String)
    /// Checks a token's form, its key's status and its signature.
    func check(_ token: String) async -> TokenCheck
    /// The signed W3C Bitstring Status List credential (a JWS) of `snapshot`, served at `url`.
    func signStatusList(_ snapshot: StatusListSnapshot, url: String, issuer: String, at: Date) async throws -> String
    /// The public keys as a JSON Web Key Set document.
    func publicKeySet() async throws -> [UInt8]
    /// Whether `keyId` is a trusted key according to keys read recently, without waiting: nil when the
    /// key is unknown or the keys are due to be re-read (then `check` answers).
    func isTrustedRecently(keyId: String) -> Bool?
}

/// Everything the ledger needs to issue and check certificates.
public struct CertificateSettings: Sendable {
    public var authority: any CertificateAuthority
    /// Where the verification pages are served, e.g. `https://volunteer.example.gov.cn` (no trailing slash).
    public var publicBaseURL: String
    /// The identity certificates for all organizations' records are issued under.
    public var platformIssuer: CertificateIssuer
    /// Results of verifications, reused until the next commit (where the store can tell).
    public let verificationCache: CertificateVerificationCache

    public init(authority: any CertificateAuthority, publicBaseURL: String,
                platformIssuer: CertificateIssuer = .defaultPlatform,
                verificationCache: CertificateVerificationCache = CertificateVerificationCache()) {
        self.authority = authority
        self.publicBaseURL = QRCodeBudget.trimmedBase(publicBaseURL)
        self.platformIssuer = platformIssuer
        self.verificationCache = verificationCache
    }

    public func verificationURL(token: String) -> String {
        QRCodeBudget.verificationURL(base: publicBaseURL, token: token)
    }

    public func serialURL(serial: String) -> String {
        QRCodeBudget.serialURL(base: publicBaseURL, serial: serial)
    }

    public func statusListURL(list: Int64) -> String {
        "\(publicBaseURL)/api/v1/status-lists/\(list)"
    }
}

/// Verification results by token, each valid while the store's change stamp stays the same (no commit by
/// any process since). Bounded: when full it starts over.
public final class CertificateVerificationCache: Sendable {
    private struct Entry {
        var stamp: Int64
        var result: CertificateVerification
    }

    private let capacity: Int
    private let entries = Mutex<[String: Entry]>([:])

    public init(capacity: Int = 10_000) {
        self.capacity = capacity
    }

    func result(for key: String, stamp: Int64) -> CertificateVerification? {
        entries.withLock { entries in
            guard let entry = entries[key], entry.stamp == stamp else { return nil }
            return entry.result
        }
    }

    func remember(_ result: CertificateVerification, for key: String, stamp: Int64) {
        guard capacity > 0 else { return }
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = Entry(stamp: stamp, result: result)
        }
    }
}
