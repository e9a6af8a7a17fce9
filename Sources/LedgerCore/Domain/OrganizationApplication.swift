import Crypto
import Foundation

/// How an applying organization is registered (登记类型).
public enum OrganizationRegistrationType: String, Codable, Sendable, CaseIterable {
    /// 社会团体
    case socialGroup = "social_group"
    /// 民办非企业单位（社会服务机构）
    case socialService = "social_service"
    /// 基金会
    case foundation
    /// 未登记的社区志愿服务团队 (filed with a street office or community committee, 备案)
    case communityTeam = "community_team"

    public var label: (zh: String, en: String) {
        switch self {
        case .socialGroup: ("社会团体", "social group")
        case .socialService: ("民办非企业单位（社会服务机构）", "private non-enterprise unit (social service agency)")
        case .foundation: ("基金会", "foundation")
        case .communityTeam: ("未登记的社区志愿服务团队（备案）", "community volunteer team (filed, not registered)")
        }
    }
}

/// Where an organization's application stands.
public enum OrganizationApplicationState: String, Codable, Sendable, CaseIterable {
    /// Waiting for the bureau's platform admins.
    case pending
    /// Returned with a reason; the applicant may apply again.
    case returned
    /// Approved: the organization and its first admin account exist.
    case approved
}

/// An organization's application to the platform (组织入驻申请): what it registers, its contact (phone proven by a code),
/// its registration certificate and its first admin's login. Approval registers the organization as a platform admin
/// would, with the account, in one transaction.
public struct OrganizationApplication: Sendable, Hashable, Codable {
    public var id: Int64
    public var name: String
    public var creditCode: String
    public var regionCode: String
    public var registrationType: OrganizationRegistrationType
    public var contactName: String
    /// Normalized (`MessageRecipient.phone`), proven by a one-time code.
    public var contactPhone: String
    public var adminUsername: String
    /// The first admin's password, bcrypt, as an account keeps it; moved to the account on approval.
    public var adminPasswordHash: String
    /// The SHA-256 (hex) of the registration certificate, stored once in its own table.
    public var certificateHash: String
    /// The SHA-256 (hex) of the secret status token shown once to the applicant.
    public var statusTokenHash: String
    public var state: OrganizationApplicationState
    public var submittedAt: Date
    public var decidedAt: Date?
    public var decidedBy: Int64?
    /// Why it was returned.
    public var reason: String?
    /// The organization its approval registered.
    public var organizationId: Int64?

    public static let maximumReasonLength = 500

    public init(id: Int64, name: String, creditCode: String, regionCode: String, registrationType: OrganizationRegistrationType,
                contactName: String, contactPhone: String, adminUsername: String, adminPasswordHash: String, certificateHash: String,
                statusTokenHash: String, state: OrganizationApplicationState = .pending, submittedAt: Date, decidedAt: Date? = nil,
                decidedBy: Int64? = nil, reason: String? = nil, organizationId: Int64? = nil) {
        self.id = id
        self.name = name
        self.creditCode = creditCode
        self.regionCode = regionCode
        self.registrationType = registrationType
        self.contactName = contactName
        self.contactPhone = contactPhone
        self.adminUsername = adminUsername
        self.adminPasswordHash = adminPasswordHash
        self.certificateHash = certificateHash
        self.statusTokenHash = statusTokenHash
        self.state = state
        self.submittedAt = submittedAt
        self.decidedAt = decidedAt
        self.decidedBy = decidedBy
        self.reason = reason
        self.organizationId = organizationId
    }
}

/// An application's registration certificate (登记证书): a PDF, JPEG or PNG, checked by its bytes, stored once by its hash.
public struct RegistrationCertificateFile: Sendable, Hashable {
    public var hash: String
    public var contentType: String
    public var bytes: [UInt8]

    /// At most 5 MiB.
    public static let maximumSize = 5 << 20

    public init(hash: String, contentType: String, bytes: [UInt8]) {
        self.hash = hash
        self.contentType = contentType
        self.bytes = bytes
    }

    /// An uploaded certificate: a PDF by its `%PDF-` header, or a PNG or JPEG image checked as claim evidence is (type by
    /// its first bytes, sane dimensions); at most `maximumSize` bytes, whatever the name or declared type says.
    public static func checked(_ bytes: [UInt8]) throws(LedgerError) -> RegistrationCertificateFile {
        guard !bytes.isEmpty else {
            throw LedgerError.invalidField(field: "certificate", reason: "请上传登记证书 / upload the registration certificate")
        }
        guard bytes.count <= maximumSize else { throw LedgerError.uploadTooLarge(limitBytes: maximumSize) }
        if bytes.starts(with: Array("%PDF-".utf8)) {
            return RegistrationCertificateFile(hash: SHA256.hash(data: bytes).hexString, contentType: "application/pdf", bytes: bytes)
        }
        let isImage = bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) || bytes.starts(with: [0xFF, 0xD8, 0xFF])
        guard isImage else {
            throw LedgerError.invalidField(field: "certificate", reason: "须为 PDF、JPEG 或 PNG 文件 / must be a PDF, JPEG or PNG file")
        }
        // Images pass the claim photo's checks (dimensions); the claim's smaller size limit does not apply here.
        let image: ClaimEvidence
        do {
            image = try ClaimEvidence.checked(Array(bytes.prefix(ClaimEvidence.maximumSize)))
        } catch .invalidField(_, let reason) {
            throw LedgerError.invalidField(field: "certificate", reason: reason)
        }
        return RegistrationCertificateFile(hash: SHA256.hash(data: bytes).hexString, contentType: image.contentType, bytes: bytes)
    }

}
