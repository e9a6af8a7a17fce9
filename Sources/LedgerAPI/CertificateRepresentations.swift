import Foundation
import Hummingbird
import LedgerCore

/// A certificate as its holder and its issuer's staff see it.
struct CertificateBody: ResponseEncodable {
    struct Links: Codable, Sendable {
        var pdf: String
        var html: String
        var qrSvg: String
        var qrPng: String
        var verification: String
    }

    struct ActivityLine: Codable, Sendable {
        var recordId: Int64
        var revision: Int
        var organizationId: Int64
        var organizationName: String
        var activityId: Int64
        var activityTitle: String
        var date: LocalDate
        var minutes: Int
        var hours: String
    }

    var serial: String
    var volunteerId: Int64
    var volunteerName: String
    var volunteerNumber: String
    var maskedDocumentNumber: String
    /// The issuing organization; absent when the platform issued it.
    var organizationId: Int64?
    var issuerName: String
    var issuerCode: String
    var from: LocalDate?
    var to: LocalDate?
    var minutes: Int
    var hours: String
    var records: Int
    var coverageDigest: String
    var issuedAt: String
    var keyId: String
    var token: String
    var verificationUrl: String
    var serialUrl: String
    var revoked: Bool
    var revokedAt: String?
    var revocationReason: String?
    var links: Links
    /// The covered records, in the single-certificate answers only.
    var activities: [ActivityLine]?

    init(_ c: Certificate, verificationURL: String, serialURL: String, records: [CertifiedRecord]?) {
        let zone = c.timeZone
        serial = c.groupedSerial
        volunteerId = c.volunteerId
        volunteerName = c.volunteerName
        volunteerNumber = c.volunteerNumber
        maskedDocumentNumber = c.maskedDocumentNumber
        organizationId = c.organizationId
        issuerName = c.issuerName
        issuerCode = c.issuerCode
        from = c.periodFrom
        to = c.periodTo
        minutes = c.minutes
        hours = HoursFormat.hours(fromMinutes: c.minutes)
        self.records = c.recordCount
        coverageDigest = c.coverageDigest
        issuedAt = Wire.time(c.issuedAt, zone)
        keyId = c.keyId
        token = c.token
        verificationUrl = verificationURL
        serialUrl = serialURL
        revoked = c.revocation != nil
        revokedAt = c.revocation.map { Wire.time($0.at, zone) }
        revocationReason = c.revocation?.reason
        let base = "/api/v1/certificates/\(c.groupedSerial)"
        links = Links(pdf: base + "/pdf", html: base + "/html", qrSvg: base + "/qr.svg", qrPng: base + "/qr.png",
                      verification: "/v/\(c.groupedSerial)")
        activities = records?.map {
            ActivityLine(recordId: $0.recordId, revision: $0.revision, organizationId: $0.organizationId,
                         organizationName: $0.organizationName, activityId: $0.activityId, activityTitle: $0.activityTitle,
                         date: $0.serviceDate, minutes: $0.minutes, hours: HoursFormat.hours(fromMinutes: $0.minutes))
        }
    }

    init(_ issued: IssuedCertificate) {
        self.init(issued.certificate, verificationURL: issued.verificationURL, serialURL: issued.serialURL,
                  records: issued.records)
    }
}

/// The answer of `/v/{token}` (as JSON) and `/api/v1/verify`: what anyone may learn about a certificate.
struct VerificationBody: ResponseEncodable {
    struct PublicCertificate: Codable, Sendable {
        var serial: String
        /// Masked: the first character of a Chinese name.
        var volunteerName: String
        var volunteerNumber: String
        var issuerName: String
        var issuerCode: String
        var from: LocalDate?
        var to: LocalDate?
        var minutes: Int
        var hours: String
        var records: Int
        var issuedOn: LocalDate
        var keyId: String
    }

    struct Revocation: Codable, Sendable {
        var revokedOn: LocalDate
        var reason: String
    }

    struct Change: Codable, Sendable {
        var recordId: Int64
        var activityTitle: String
        var date: LocalDate
        var certifiedMinutes: Int
        var certifiedHours: String
        /// Absent when the record was voided.
        var currentMinutes: Int?
        var currentHours: String?
        var void: Bool
    }

    var status: CertificateVerification.Status
    var headline: String
    var message: String
    var reason: InvalidCertificateReason?
    var keyCompromisedOn: LocalDate?
    var certificate: PublicCertificate?
    var revocation: Revocation?
    var changes: [Change]?
    var currentMinutes: Int?
    var currentHours: String?
    var logIndex: Int?
    var inSignedCheckpoint: Bool?
    var inCosignedCheckpoint: Bool?

    init(_ v: CertificateVerification) {
        status = v.status
        headline = v.headline
        message = v.explanation
        reason = v.reason
        keyCompromisedOn = v.keyCompromisedAt.map { LocalDate($0, in: .ledgerDefault) }
        certificate = v.certificate.map { c in
            PublicCertificate(serial: c.groupedSerial, volunteerName: Masking.name(c.volunteerName),
                              volunteerNumber: c.volunteerNumber, issuerName: c.issuerName, issuerCode: c.issuerCode,
                              from: c.periodFrom, to: c.periodTo, minutes: c.minutes,
                              hours: HoursFormat.hours(fromMinutes: c.minutes), records: c.recordCount,
                              issuedOn: LocalDate(c.issuedAt, in: c.timeZone), keyId: c.keyId)
        }
        revocation = v.certificate?.revocation.map {
            Revocation(revokedOn: LocalDate($0.at, in: v.certificate?.timeZone ?? .ledgerDefault), reason: $0.reason)
        }
        changes = v.status == .superseded ? v.changes.map {
            Change(recordId: $0.certified.recordId, activityTitle: $0.certified.activityTitle, date: $0.certified.serviceDate,
                   certifiedMinutes: $0.certified.minutes, certifiedHours: HoursFormat.hours(fromMinutes: $0.certified.minutes),
                   currentMinutes: $0.current.isVoid ? nil : $0.current.minutes,
                   currentHours: $0.current.isVoid ? nil : HoursFormat.hours(fromMinutes: $0.current.minutes),
                   void: $0.current.isVoid)
        } : nil
        currentMinutes = v.status == .invalid ? nil : v.currentMinutes
        currentHours = currentMinutes.map(HoursFormat.hours(fromMinutes:))
        logIndex = v.logIndex
        inSignedCheckpoint = v.inSignedCheckpoint
        inCosignedCheckpoint = v.inCosignedCheckpoint
    }
}
