import Crypto
import Foundation

/// A service-record certificate (志愿服务记录证明) as issued: everything it states is frozen at issue time,
/// so later corrections of the ledger show as differences instead of silently changing the certificate.
public struct Certificate: Sendable, Hashable, Codable {
    public var id: Int64
    /// 16 symbols without separators (see `CertificateSerial`).
    public var serial: String
    /// Position in the published revocation status lists (see `StatusListIndex`).
    public var statusIndex: Int64
    public var volunteerId: Int64
    /// The issuing organization, whose records it covers; nil when the platform issued it for all organizations.
    public var organizationId: Int64?
    public var volunteerName: String
    public var volunteerNumber: String
    public var maskedDocumentNumber: String
    public var issuerName: String
    /// The issuer's 统一社会信用代码 (empty for a platform without one configured).
    public var issuerCode: String
    /// The period covered; nil ends are open (nil and nil: all time).
    public var periodFrom: LocalDate?
    public var periodTo: LocalDate?
    public var minutes: Int
    public var recordCount: Int
    /// SHA-256 (hex) of exactly which record revisions it covers (`CertificateCoverage.digest`).
    public var coverageDigest: String
    /// The zone in which its dates are counted and shown: the issuer's.
    public var timeZoneIdentifier: String
    public var issuedAt: Date
    public var issuedBy: Int64?
    /// The `kid` of the signing key (RFC 7638 thumbprint).
    public var keyId: String
    /// The compact JWS printed in the QR code.
    public var token: String
    public var revocation: CertificateRevocation?

    public init(id: Int64, serial: String, statusIndex: Int64, volunteerId: Int64, organizationId: Int64?,
                volunteerName: String, volunteerNumber: String, maskedDocumentNumber: String, issuerName: String,
                issuerCode: String, periodFrom: LocalDate?, periodTo: LocalDate?, minutes: Int, recordCount: Int,
                coverageDigest: String, timeZoneIdentifier: String, issuedAt: Date, issuedBy: Int64?, keyId: String,
                token: String, revocation: CertificateRevocation?) {
        self.id = id
        self.serial = serial
        self.statusIndex = statusIndex
        self.volunteerId = volunteerId
        self.organizationId = organizationId
        self.volunteerName = volunteerName
        self.volunteerNumber = volunteerNumber
        self.maskedDocumentNumber = maskedDocumentNumber
        self.issuerName = issuerName
        self.issuerCode = issuerCode
        self.periodFrom = periodFrom
        self.periodTo = periodTo
        self.minutes = minutes
        self.recordCount = recordCount
        self.coverageDigest = coverageDigest
        self.timeZoneIdentifier = timeZoneIdentifier
        self.issuedAt = issuedAt
        self.issuedBy = issuedBy
        self.keyId = keyId
        self.token = token
        self.revocation = revocation
    }

    public var timeZone: TimeZone {
        // Most certificates are in the default zone; looking a zone up by name is not free.
        timeZoneIdentifier == TimeZone.ledgerDefault.identifier ? .ledgerDefault
            : TimeZone(identifier: timeZoneIdentifier) ?? .ledgerDefault
    }

    /// The serial grouped for people: `7Q4M-X2KD-9PTE-R5H3`.
    public var groupedSerial: String { CertificateSerial(serial)?.grouped ?? serial }

    /// Issued by the platform rather than one organization.
    public var isPlatformIssued: Bool { organizationId == nil }

    /// The period as people read it: `2026-01-01 至 2026-06-30`, `2026-01-01 起`, `全部 / all time`.
    public var periodText: String { Self.periodText(from: periodFrom, to: periodTo) }

    public static func periodText(from: LocalDate?, to: LocalDate?) -> String {
        switch (from, to) {
        case (nil, nil): "全部记录 / all records"
        case (let from?, nil): "\(from) 起 / from \(from)"
        case (nil, let to?): "截至 \(to) / until \(to)"
        case (let from?, let to?): "\(from) 至 \(to)"
        }
    }
}

/// Why and when a certificate was revoked, and by whom.
public struct CertificateRevocation: Sendable, Hashable, Codable {
    public var at: Date
    public var by: Int64?
    public var reason: String

    public init(at: Date, by: Int64?, reason: String) {
        self.at = at
        self.by = by
        self.reason = reason
    }
}

/// One record revision a certificate covers, with what the certificate prints about it.
public struct CertifiedRecord: Sendable, Hashable, Codable {
    public var recordId: Int64
    /// The revision current at issue time.
    public var revision: Int
    public var organizationId: Int64
    public var organizationName: String
    public var activityId: Int64
    public var activityTitle: String
    /// The day the service started, in the recording organization's zone.
    public var serviceDate: LocalDate
    public var startAt: Date
    public var minutes: Int

    public init(recordId: Int64, revision: Int, organizationId: Int64, organizationName: String, activityId: Int64,
                activityTitle: String, serviceDate: LocalDate, startAt: Date, minutes: Int) {
        self.recordId = recordId
        self.revision = revision
        self.organizationId = organizationId
        self.organizationName = organizationName
        self.activityId = activityId
        self.activityTitle = activityTitle
        self.serviceDate = serviceDate
        self.startAt = startAt
        self.minutes = minutes
    }
}

/// A covered record whose current revision is not the one certified.
public struct CertifiedRecordChange: Sendable, Hashable {
    public var certified: CertifiedRecord
    public var current: ServiceRecord

    public init(certified: CertifiedRecord, current: ServiceRecord) {
        self.certified = certified
        self.current = current
    }
}

/// The set of record revisions a certificate covers.
public enum CertificateCoverage {
    /// SHA-256 (hex) over `record:revision:minutes` lines in record order, so that the same revisions
    /// always give the same digest and any other set a different one.
    public static func digest(_ records: [CertifiedRecord]) -> String {
        let lines = records.sorted { $0.recordId < $1.recordId }
            .map { "\($0.recordId):\($0.revision):\($0.minutes)\n" }
            .joined()
        return SHA256.hash(data: Data(("vledger-certificate-coverage-v1\n" + lines).utf8)).hexString
    }
}

/// The identity the platform issues certificates under (for all organizations' records).
public struct CertificateIssuer: Sendable, Hashable {
    public var name: String
    /// 统一社会信用代码; empty when none is configured.
    public var creditCode: String

    public init(name: String, creditCode: String) {
        self.name = name
        self.creditCode = creditCode
    }

    public static let defaultPlatform = CertificateIssuer(name: "志愿服务信息平台", creditCode: "")
}
