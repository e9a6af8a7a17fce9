import Foundation

/// Issued certificates (志愿服务记录证明) in the store (part of `LedgerReader` and `LedgerWriter`).
public protocol CertificateReader {
    func certificate(serial: String) throws -> Certificate?
    /// Certificates of a volunteer and/or issued by an organization (nil: any), by id.
    func certificates(volunteerId: Int64?, organizationId: Int64?, after: Int64?, limit: Int) throws -> [Certificate]
    /// The record revisions a certificate covers, by record id.
    func certifiedRecords(certificateId: Int64) throws -> [CertifiedRecord]
    /// Covered records whose current revision is no longer the certified one.
    func changedCertifiedRecords(certificateId: Int64) throws -> [CertifiedRecordChange]
    func certificateCount() throws -> Int
    func isCertificateStatusIndexTaken(_ index: Int64) throws -> Bool
    /// The largest status index in use, or nil before the first certificate.
    func maxCertificateStatusIndex() throws -> Int64?
    /// Status indexes of revoked certificates in [from, before).
    func revokedCertificateStatusIndexes(from: Int64, before: Int64) throws -> [Int64]
    /// Ids of the members of `filter.organizationId` (required) with current, non-void records matching `filter`,
    /// ascending, after `after`: whom a batch certifies, a page at a time.
    func membersWithRecords(_ filter: RecordFilter, after: Int64?, limit: Int) throws -> [Int64]
    /// The newest unrevoked certificate of the volunteer issued by the organization for exactly this period
    /// (nil ends: open), which a batch reuses while its records are unchanged.
    func latestCertificate(volunteerId: Int64, organizationId: Int64, periodFrom: LocalDate?, periodTo: LocalDate?) throws -> Certificate?
}

public protocol CertificateWriter {
    /// Stores an issued certificate and the revisions it covers; serials and status indexes are unique
    /// by database constraint.
    func insert(_ certificate: Certificate, covering records: [CertifiedRecord]) throws -> Certificate
    /// Marks a certificate revoked; a revocation is never undone.
    func revokeCertificate(id: Int64, _ revocation: CertificateRevocation) throws
    /// Keeps the id and the revocation, for copying a ledger between backends.
    func restore(_ certificate: Certificate, covering records: [CertifiedRecord]) throws
}
