import Foundation
import GRDB
import GRDBSQLite
import LedgerCore

/// Certificates on SQLite (tables of migration `v2-certificates`).
extension SQLiteLedgerAccess {
    private func fetchAll(_ sql: String, _ arguments: StatementArguments = []) throws -> [Row] {
        try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
    }

    private func fetchOne(_ sql: String, _ arguments: StatementArguments = []) throws -> Row? {
        try Row.fetchOne(db.cachedStatement(sql: sql), arguments: arguments)
    }

    /// The columns of `certificate(_:)`, read by position: a verification reads one row per scan, and
    /// looking 23 columns up by name costs more than the query.
    private static let certificateColumns = """
        id, serial, status_index, volunteer_id, organization_id, volunteer_name, volunteer_number, masked_document_number,
        issuer_name, issuer_code, period_from, period_to, minutes, record_count, coverage_digest, time_zone, issued_at,
        issued_by, key_id, token, revoked_at, revoked_by, revocation_reason
        """

    private static let certificateBySerial = "SELECT \(certificateColumns) FROM certificates WHERE serial = ?"

    private static func certificate(_ row: Row) throws -> Certificate {
        let revokedAt: Int64? = row[20]
        return try Certificate(
            id: row[0], serial: row[1], statusIndex: row[2], volunteerId: row[3], organizationId: row[4],
            volunteerName: row[5], volunteerNumber: row[6], maskedDocumentNumber: row[7], issuerName: row[8],
            issuerCode: row[9], periodFrom: StoredValue.dateIfPresent(row[10], column: "certificates.period_from"),
            periodTo: StoredValue.dateIfPresent(row[11], column: "certificates.period_to"), minutes: row[12], recordCount: row[13],
            coverageDigest: row[14], timeZoneIdentifier: row[15],
            issuedAt: Date(timeIntervalSince1970: TimeInterval(row[16] as Int64)), issuedBy: row[17], keyId: row[18],
            token: row[19],
            revocation: revokedAt.map {
                CertificateRevocation(at: Date(timeIntervalSince1970: TimeInterval($0)), by: row[21], reason: row[22] ?? "")
            })
    }

    private static func certifiedRecord(_ row: Row) throws -> CertifiedRecord {
        try CertifiedRecord(recordId: row["record_id"], revision: row["revision"], organizationId: row["organization_id"],
                        organizationName: row["organization_name"], activityId: row["activity_id"],
                        activityTitle: row["activity_title"],
                        serviceDate: StoredValue.date(row["service_date"], column: "certificate_records.service_date"),
                        startAt: Date(timeIntervalSince1970: TimeInterval(row["start_at"] as Int64)), minutes: row["minutes"])
    }

    func certificate(serial: String) throws -> Certificate? {
        try fetchOne(Self.certificateBySerial, [serial]).map(Self.certificate)
    }

    func certificates(volunteerId: Int64?, organizationId: Int64?, after: Int64?, limit: Int) throws -> [Certificate] {
        try fetchAll("""
            SELECT \(Self.certificateColumns) FROM certificates
            WHERE (?1 IS NULL OR volunteer_id = ?1) AND (?2 IS NULL OR organization_id = ?2) AND id > ?3
            ORDER BY id LIMIT ?4
            """, [volunteerId, organizationId, after ?? 0, limit]).map(Self.certificate)
    }

    func certifiedRecords(certificateId: Int64) throws -> [CertifiedRecord] {
        try fetchAll("SELECT certificate_id, record_id, revision, organization_id, organization_name, activity_id, activity_title, service_date, start_at, minutes FROM certificate_records WHERE certificate_id = ? ORDER BY record_id",
                     [certificateId]).map(Self.certifiedRecord)
    }

    func changedCertifiedRecords(certificateId: Int64) throws -> [CertifiedRecordChange] {
        try fetchAll("""
            SELECT c.certificate_id, c.record_id, c.revision, c.organization_id, c.organization_name, c.activity_id, c.activity_title, c.service_date, c.start_at, c.minutes,
                   r.id AS r_id, r.volunteer_id AS r_volunteer_id, r.activity_id AS r_activity_id,
                   r.organization_id AS r_organization_id, r.start_at AS r_start_at, r.end_at AS r_end_at,
                   r.minutes AS r_minutes, r.source AS r_source, r.note AS r_note, r.recorded_by AS r_recorded_by,
                   r.recorded_at AS r_recorded_at, r.is_late AS r_is_late, r.is_void AS r_is_void, r.revision AS r_revision
            FROM certificate_records c JOIN service_records r ON r.id = c.record_id
            WHERE c.certificate_id = ? AND r.revision <> c.revision
            ORDER BY c.record_id
            """, [certificateId]).map { row in
            let current = try ServiceRecord(
                id: row["r_id"], volunteerId: row["r_volunteer_id"], activityId: row["r_activity_id"],
                organizationId: row["r_organization_id"],
                startAt: Date(timeIntervalSince1970: TimeInterval(row["r_start_at"] as Int64)),
                endAt: Date(timeIntervalSince1970: TimeInterval(row["r_end_at"] as Int64)),
                minutes: row["r_minutes"], source: StoredValue.decode(row["r_source"], column: "service_records.source"), note: row["r_note"],
                recordedBy: row["r_recorded_by"],
                recordedAt: Date(timeIntervalSince1970: TimeInterval(row["r_recorded_at"] as Int64)),
                isLate: row["r_is_late"], isVoid: row["r_is_void"], revision: row["r_revision"])
            return CertifiedRecordChange(certified: try Self.certifiedRecord(row), current: current)
        }
    }

    func certificateCount() throws -> Int {
        // Certificates are never deleted and ids only grow, so the largest id counts them with one seek of the
        // table's b-tree, where COUNT(*) reads a whole index: once per certificate issued, quadratic over a city's
        // years of certificates. (After a copy from a store with gaps in its ids it is an upper bound, which is
        // all that sizing the status lists needs.)
        try fetchOne("SELECT COALESCE(MAX(id), 0) AS n FROM certificates")?["n"] ?? 0
    }

    func isCertificateStatusIndexTaken(_ index: Int64) throws -> Bool {
        try fetchOne("SELECT 1 AS taken FROM certificates WHERE status_index = ?", [index]) != nil
    }

    func maxCertificateStatusIndex() throws -> Int64? {
        try fetchOne("SELECT MAX(status_index) AS m FROM certificates")?["m"]
    }

    func revokedCertificateStatusIndexes(from: Int64, before: Int64) throws -> [Int64] {
        try fetchAll("""
            SELECT status_index FROM certificates
            WHERE status_index >= ? AND status_index < ? AND revoked_at IS NOT NULL ORDER BY status_index
            """, [from, before]).map { $0["status_index"] }
    }

    func membersWithRecords(_ filter: RecordFilter, after: Int64?, limit: Int) throws -> [Int64] {
        guard let organizationId = filter.organizationId else { return [] }
        var current = filter
        current.includeVoid = false
        // Unqualified columns of the subquery are service_records'.
        let (condition, arguments) = Self.clause(current, perVolunteer: true)
        return try fetchAll("""
            SELECT m.volunteer_id FROM memberships m
            WHERE m.organization_id = ? AND m.volunteer_id > ?
              AND EXISTS (SELECT 1 FROM service_records WHERE volunteer_id = m.volunteer_id AND \(condition))
            ORDER BY m.volunteer_id LIMIT ?
            """, StatementArguments([organizationId, after ?? 0]) + arguments + [limit]).map { $0[0] }
    }

    func latestCertificate(volunteerId: Int64, organizationId: Int64, periodFrom: LocalDate?, periodTo: LocalDate?) throws -> Certificate? {
        // `+organization_id`: the volunteer's few certificates (certificates_by_volunteer), not a walk back through
        // the organization's (certificates_by_organization gives the ORDER BY, and a batch is quadratic on it).
        try fetchOne("""
            SELECT \(Self.certificateColumns) FROM certificates
            WHERE volunteer_id = ? AND +organization_id = ? AND period_from IS ? AND period_to IS ? AND revoked_at IS NULL
            ORDER BY id DESC LIMIT 1
            """, [volunteerId, organizationId, periodFrom?.description, periodTo?.description]).map(Self.certificate)
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
        try db.cachedStatement(sql: """
            INSERT INTO certificates (id, serial, status_index, volunteer_id, organization_id, volunteer_name, volunteer_number,
                masked_document_number, issuer_name, issuer_code, period_from, period_to, minutes, record_count,
                coverage_digest, time_zone, issued_at, issued_by, key_id, token)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [
                id, certificate.serial, certificate.statusIndex, certificate.volunteerId, certificate.organizationId,
                certificate.volunteerName, certificate.volunteerNumber, certificate.maskedDocumentNumber,
                certificate.issuerName, certificate.issuerCode, certificate.periodFrom?.description,
                certificate.periodTo?.description, certificate.minutes, certificate.recordCount, certificate.coverageDigest,
                certificate.timeZoneIdentifier, Int64(certificate.issuedAt.timeIntervalSince1970), certificate.issuedBy,
                certificate.keyId, certificate.token])
        var stored = certificate
        stored.id = db.lastInsertedRowID
        let insertRecord = try db.cachedStatement(sql: """
            INSERT INTO certificate_records (certificate_id, record_id, revision, organization_id, organization_name,
                activity_id, activity_title, service_date, start_at, minutes)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for record in records {
            try insertRecord.execute(arguments: [
                stored.id, record.recordId, record.revision, record.organizationId, record.organizationName,
                record.activityId, record.activityTitle, record.serviceDate.description,
                Int64(record.startAt.timeIntervalSince1970), record.minutes])
        }
        return stored
    }

    func revokeCertificate(id: Int64, _ revocation: CertificateRevocation) throws {
        try db.cachedStatement(sql: """
            UPDATE certificates SET revoked_at = ?, revoked_by = ?, revocation_reason = ? WHERE id = ? AND revoked_at IS NULL
            """).execute(arguments: [Int64(revocation.at.timeIntervalSince1970), revocation.by, revocation.reason, id])
    }
}

extension SQLiteLedgerStore: LedgerChangeStamping {}

/// A read-only SQLite connection of its own that runs `PRAGMA data_version`: a value that changes when
/// another connection (of any process) commits. Plain SQLite calls, as this runs on every verification;
/// used under the store's lock only.
final class DataVersionProbe {
    private var connection: OpaquePointer?
    private var statement: OpaquePointer?

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    init(path: String) throws {
        guard sqlite3_open_v2(path, &connection, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK,
              sqlite3_busy_timeout(connection, 10_000) == SQLITE_OK,
              sqlite3_prepare_v2(connection, "PRAGMA data_version", -1, &statement, nil) == SQLITE_OK else {
            let message = connection.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_finalize(statement)
            sqlite3_close_v2(connection)
            throw Failure(description: "\(path): \(message)")
        }
    }

    func read() throws -> Int64 {
        defer { sqlite3_reset(statement) }
        guard sqlite3_step(statement) == SQLITE_ROW else {
            throw Failure(description: String(cString: sqlite3_errmsg(connection)))
        }
        return sqlite3_column_int64(statement, 0)
    }

    deinit {
        sqlite3_finalize(statement)
        sqlite3_close_v2(connection)
    }
}
