import Foundation
import LedgerCore
import PostgresNIO

/// Certificates on PostgreSQL (tables of migration 2, `PostgresSchema.certificateStatements`).
extension PostgresLedgerAccess {
    private static let certificateColumns = """
        c.id, c.serial, c.status_index, c.volunteer_id, c.organization_id, c.volunteer_name, c.volunteer_number,
        c.masked_document_number, c.issuer_name, c.issuer_code, to_char(c.period_from, 'YYYY-MM-DD'),
        to_char(c.period_to, 'YYYY-MM-DD'), c.minutes, c.record_count, c.coverage_digest, c.time_zone, c.issued_at,
        c.issued_by, c.key_id, c.token, c.revoked_at, c.revoked_by, c.revocation_reason
        """

    private static func certificate(_ c: inout Columns) throws -> Certificate {
        var certificate = Certificate(
            id: try c.next(), serial: try c.next(), statusIndex: try c.next(), volunteerId: try c.next(),
            organizationId: try c.next(), volunteerName: try c.next(), volunteerNumber: try c.next(),
            maskedDocumentNumber: try c.next(), issuerName: try c.next(), issuerCode: try c.next(),
            periodFrom: try StoredValue.dateIfPresent(try c.next(), column: "certificates.period_from"),
            periodTo: try StoredValue.dateIfPresent(try c.next(), column: "certificates.period_to"),
            minutes: try c.next(), recordCount: try c.next(), coverageDigest: try c.next(), timeZoneIdentifier: try c.next(),
            issuedAt: try c.next(), issuedBy: try c.next(), keyId: try c.next(), token: try c.next(), revocation: nil)
        let revokedAt = try c.next(Date?.self)
        let revokedBy = try c.next(Int64?.self)
        let reason = try c.next(String?.self)
        if let revokedAt {
            certificate.revocation = CertificateRevocation(at: revokedAt, by: revokedBy, reason: reason ?? "")
        }
        return certificate
    }

    private static let certifiedRecordColumns = """
        cr.record_id, cr.revision, cr.organization_id, cr.organization_name, cr.activity_id, cr.activity_title,
        to_char(cr.service_date, 'YYYY-MM-DD'), cr.start_at, cr.minutes
        """

    private static func certifiedRecord(_ c: inout Columns) throws -> CertifiedRecord {
        CertifiedRecord(recordId: try c.next(), revision: try c.next(), organizationId: try c.next(),
                        organizationName: try c.next(), activityId: try c.next(), activityTitle: try c.next(),
                        serviceDate: try StoredValue.date(try c.next(), column: "certificate_records.service_date"),
                        startAt: try c.next(), minutes: try c.next())
    }

    func certificate(serial: String) throws -> Certificate? {
        try rows("""
            SELECT \(unescaped: Self.certificateColumns) FROM certificates c WHERE c.serial = \(serial)
            """, Self.certificate).first
    }

    func certificates(volunteerId: Int64?, organizationId: Int64?, after: Int64?, limit: Int) throws -> [Certificate] {
        try rows("""
            SELECT \(unescaped: Self.certificateColumns) FROM certificates c
            WHERE (\(volunteerId)::bigint IS NULL OR c.volunteer_id = \(volunteerId))
              AND (\(organizationId)::bigint IS NULL OR c.organization_id = \(organizationId))
              AND c.id > \(after ?? 0)
            ORDER BY c.id LIMIT \(limit)
            """, Self.certificate)
    }

    func certifiedRecords(certificateId: Int64) throws -> [CertifiedRecord] {
        try rows("""
            SELECT \(unescaped: Self.certifiedRecordColumns) FROM certificate_records cr
            WHERE cr.certificate_id = \(certificateId) ORDER BY cr.record_id
            """, Self.certifiedRecord)
    }

    func changedCertifiedRecords(certificateId: Int64) throws -> [CertifiedRecordChange] {
        try rows("""
            SELECT \(unescaped: Self.certifiedRecordColumns),
                   r.id, r.volunteer_id, r.activity_id, r.organization_id, r.start_at, r.end_at, r.minutes, r.source, r.note,
                   r.recorded_by, r.recorded_at, r.is_late, r.is_void, r.revision
            FROM certificate_records cr JOIN service_records r ON r.id = cr.record_id
            WHERE cr.certificate_id = \(certificateId) AND r.revision <> cr.revision
            ORDER BY cr.record_id
            """) { c in
            let certified = try Self.certifiedRecord(&c)
            let current = ServiceRecord(
                id: try c.next(), volunteerId: try c.next(), activityId: try c.next(), organizationId: try c.next(),
                startAt: try c.next(), endAt: try c.next(), minutes: try c.next(),
                source: try StoredValue.decode(try c.next(), column: "service_records.source"), note: try c.next(), recordedBy: try c.next(),
                recordedAt: try c.next(), isLate: try c.next(), isVoid: try c.next(), revision: try c.next())
            return CertifiedRecordChange(certified: certified, current: current)
        }
    }

    func certificateCount() throws -> Int {
        try rows("SELECT COUNT(*) FROM certificates") { try $0.next(Int.self) }.first ?? 0
    }

    func isCertificateStatusIndexTaken(_ index: Int64) throws -> Bool {
        try !rows("SELECT 1 FROM certificates WHERE status_index = \(index)") { try $0.next(Int32.self) }.isEmpty
    }

    func maxCertificateStatusIndex() throws -> Int64? {
        try rows("SELECT MAX(status_index) FROM certificates") { try $0.next(Int64?.self) }.first ?? nil
    }

    func revokedCertificateStatusIndexes(from: Int64, before: Int64) throws -> [Int64] {
        try rows("""
            SELECT status_index FROM certificates
            WHERE status_index >= \(from) AND status_index < \(before) AND revoked_at IS NOT NULL ORDER BY status_index
            """) { try $0.next(Int64.self) }
    }

    func membersWithRecords(_ filter: RecordFilter, after: Int64?, limit: Int) throws -> [Int64] {
        guard let organizationId = filter.organizationId else { return [] }
        var current = filter
        current.includeVoid = false
        // Unqualified columns of the subquery are service_records'.
        var query = QueryText("SELECT m.volunteer_id FROM memberships m WHERE m.organization_id = ")
        query.bind(organizationId)
        query.append(" AND m.volunteer_id > ")
        query.bind(after ?? 0)
        query.append(" AND EXISTS (SELECT 1 FROM service_records WHERE volunteer_id = m.volunteer_id")
        Self.clause(current, into: &query)
        query.append(") ORDER BY m.volunteer_id LIMIT ")
        query.bind(limit)
        return try rows(query.query) { try $0.next(Int64.self) }
    }

    func latestCertificate(volunteerId: Int64, organizationId: Int64, periodFrom: LocalDate?, periodTo: LocalDate?) throws -> Certificate? {
        try rows("""
            SELECT \(unescaped: Self.certificateColumns) FROM certificates c
            WHERE c.volunteer_id = \(volunteerId) AND c.organization_id = \(organizationId)
              AND c.period_from IS NOT DISTINCT FROM \(periodFrom?.description)::date
              AND c.period_to IS NOT DISTINCT FROM \(periodTo?.description)::date
              AND c.revoked_at IS NULL
            ORDER BY c.id DESC LIMIT 1
            """, Self.certificate).first
    }

    func insert(_ certificate: Certificate, covering records: [CertifiedRecord]) throws -> Certificate {
        try store(certificate, id: nil, covering: records)
    }

    func restore(_ certificate: Certificate, covering records: [CertifiedRecord]) throws {
        let stored = try store(certificate, id: certificate.id, covering: records)
        if let revocation = certificate.revocation { try revokeCertificate(id: stored.id, revocation) }
    }

    /// The one INSERT of `insert` (a new id) and `restore` (the given id).
    private func store(_ certificate: Certificate, id: Int64?, covering records: [CertifiedRecord]) throws -> Certificate {
        let id = try rows("""
            INSERT INTO certificates (id, serial, status_index, volunteer_id, organization_id, volunteer_name, volunteer_number,
                masked_document_number, issuer_name, issuer_code, period_from, period_to, minutes, record_count,
                coverage_digest, time_zone, issued_at, issued_by, key_id, token)
            VALUES (COALESCE(\(id)::bigint, nextval(pg_get_serial_sequence('certificates', 'id'))),
                    \(certificate.serial), \(certificate.statusIndex), \(certificate.volunteerId), \(certificate.organizationId),
                    \(certificate.volunteerName), \(certificate.volunteerNumber), \(certificate.maskedDocumentNumber),
                    \(certificate.issuerName), \(certificate.issuerCode), \(certificate.periodFrom?.description)::date,
                    \(certificate.periodTo?.description)::date, \(certificate.minutes), \(certificate.recordCount),
                    \(certificate.coverageDigest), \(certificate.timeZoneIdentifier), \(Self.stored(certificate.issuedAt)),
                    \(certificate.issuedBy), \(certificate.keyId), \(certificate.token))
            RETURNING id
            """) { try $0.next(Int64.self) }.first
        guard let id else { throw PostgresStoreError.decoding("INSERT INTO certificates ... RETURNING id returned no row") }
        var stored = certificate
        stored.id = id
        for record in records {
            try run("""
                INSERT INTO certificate_records (certificate_id, record_id, revision, organization_id, organization_name,
                    activity_id, activity_title, service_date, start_at, minutes)
                VALUES (\(id), \(record.recordId), \(record.revision), \(record.organizationId), \(record.organizationName),
                        \(record.activityId), \(record.activityTitle), \(record.serviceDate.description)::date,
                        \(Self.stored(record.startAt)), \(record.minutes))
                """)
        }
        return stored
    }

    func revokeCertificate(id: Int64, _ revocation: CertificateRevocation) throws {
        try run("""
            UPDATE certificates SET revoked_at = \(Self.stored(revocation.at)), revoked_by = \(revocation.by),
                   revocation_reason = \(revocation.reason)
            WHERE id = \(id) AND revoked_at IS NULL
            """)
    }
}

