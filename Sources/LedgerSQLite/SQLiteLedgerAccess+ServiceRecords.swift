import Foundation
import GRDB
import LedgerCore

/// Service records, their revisions and the audit chains: `ServiceRecordReader` and `ServiceRecordWriter`.
extension SQLiteLedgerAccess {
    static let recordColumns = """
        id, volunteer_id, activity_id, organization_id, start_at, end_at, minutes, source, note, recorded_by, recorded_at, is_late,
        is_void, revision
        """

    static func record(_ row: Row) throws -> ServiceRecord {
        try ServiceRecord(id: row[0], volunteerId: row[1], activityId: row[2], organizationId: row[3], startAt: date(row[4]),
                          endAt: date(row[5]), minutes: row[6], source: StoredValue.decode(row[7], column: "service_records.source"),
                          note: row[8], recordedBy: row[9], recordedAt: date(row[10]), isLate: row[11], isVoid: row[12],
                          revision: row[13])
    }

    /// Revision columns of the table aliased `v`.
    static let revisionColumns = """
        v.record_id, v.revision, v.kind, v.start_at, v.end_at, v.minutes, v.note, v.reason, v.actor_id, v.at, v.chain_sequence, v.digest
        """

    static func revision(_ row: Row) throws -> RecordRevision {
        try RecordRevision(recordId: row[0], revision: row[1], kind: StoredValue.decode(row[2], column: "record_revisions.kind"),
                           startAt: date(row[3]), endAt: date(row[4]), minutes: row[5], note: row[6], reason: row[7],
                           actorId: row[8], at: date(row[9]), chainSequence: row[10], digest: row[11])
    }

    /// The WHERE clause and arguments of a filter; every value is bound, never spliced. With a volunteer (or
    /// `perVolunteer`, for a subquery correlated on the volunteer) the organization is compared as `+organization_id`,
    /// which keeps SQLite from reading the organization's whole index range (`records_by_organization`, 194 k rows
    /// for a large organization) instead of the volunteer's few records (`records_by_volunteer`): without table
    /// statistics it otherwise prefers the index that also gives the `ORDER BY id`.
    static func clause(_ filter: RecordFilter, perVolunteer: Bool = false) -> (sql: String, arguments: StatementArguments) {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let id = filter.organizationId {
            conditions.append(perVolunteer || filter.volunteerId != nil ? "+organization_id = ?" : "organization_id = ?")
            arguments += [id]
        }
        if let id = filter.volunteerId { conditions.append("volunteer_id = ?"); arguments += [id] }
        if let id = filter.activityId { conditions.append("activity_id = ?"); arguments += [id] }
        if let from = filter.startsFrom { conditions.append("start_at >= ?"); arguments += [seconds(from)] }
        if let before = filter.startsBefore { conditions.append("start_at < ?"); arguments += [seconds(before)] }
        if !filter.includeVoid { conditions.append("is_void = 0") }
        if filter.onlyLate { conditions.append("is_late = 1") }
        return (conditions.isEmpty ? "1" : conditions.joined(separator: " AND "), arguments)
    }

    func record(id: Int64) throws -> ServiceRecord? {
        try row("SELECT \(Self.recordColumns) FROM service_records WHERE id = ?", [id]).map(Self.record)
    }

    func records(_ filter: RecordFilter, after: Int64?, limit: Int) throws -> [ServiceRecord] {
        let (condition, arguments) = Self.clause(filter)
        return try rows("SELECT \(Self.recordColumns) FROM service_records WHERE \(condition) AND id > ? ORDER BY id LIMIT ?",
                        arguments + [after ?? 0, limit]).map(Self.record)
    }

    func exportRows(_ filter: RecordFilter, after: Int64?, limit: Int) throws -> [RecordExportRow] {
        // The page of records is chosen first (an index range, by id), then each joins its volunteer and activity.
        let (condition, arguments) = Self.clause(filter)
        let statement = try db.cachedStatement(sql: """
            SELECT r.*, v.number, v.name, v.document_number, a.title, a.category
            FROM (SELECT \(Self.recordColumns) FROM service_records WHERE \(condition) AND id > ? ORDER BY id LIMIT ?) r
            LEFT JOIN volunteers v ON v.id = r.volunteer_id LEFT JOIN activities a ON a.id = r.activity_id
            ORDER BY r.id
            """)
        var rows: [RecordExportRow] = []
        rows.reserveCapacity(min(limit, 10_000))
        let cursor = try Row.fetchCursor(statement, arguments: arguments + [after ?? 0, limit])
        while let row = try cursor.next() {
            let category: String? = row[18]
            rows.append(RecordExportRow(
                record: try Self.record(row), volunteerNumber: row[14], volunteerName: row[15], documentNumber: row[16],
                activityTitle: row[17],
                activityCategory: try category.map { try StoredValue.decode($0, column: "activities.category") }))
        }
        return rows
    }

    func totals(volunteerIds: [Int64]) throws -> [Int64: MinuteTotal] {
        var totals: [Int64: MinuteTotal] = [:]
        // Each volunteer's own range of records_by_volunteer.
        for row in try rows("""
            SELECT volunteer_id, SUM(minutes), COUNT(*) FROM service_records WHERE is_void = 0 AND volunteer_id IN
            """, ids: volunteerIds, suffix: "GROUP BY volunteer_id") {
            totals[row[0]] = MinuteTotal(minutes: row[1], records: row[2])
        }
        return totals
    }

    func revisions(recordId: Int64) throws -> [RecordRevision] {
        try rows("SELECT \(Self.revisionColumns) FROM record_revisions v WHERE record_id = ? ORDER BY revision", [recordId]).map(Self.revision)
    }

    func chainEntries(organizationId: Int64, after sequence: Int64, limit: Int) throws -> [ChainEntry] {
        try rows("""
            SELECT \(Self.revisionColumns), r.volunteer_id, r.activity_id
            FROM record_revisions v LEFT JOIN service_records r ON r.id = v.record_id
            WHERE v.organization_id = ? AND v.chain_sequence > ? ORDER BY v.chain_sequence LIMIT ?
            """, [organizationId, sequence, limit]).map {
            ChainEntry(organizationId: organizationId, volunteerId: $0[12] ?? -1, activityId: $0[13] ?? -1,
                       revision: try Self.revision($0))
        }
    }

    func chainHead(organizationId: Int64) throws -> ChainHead {
        guard let row = try row("SELECT sequence, digest FROM chain_heads WHERE organization_id = ?", [organizationId]) else {
            return .genesis
        }
        return ChainHead(sequence: row["sequence"], digest: row["digest"])
    }

    func overlappingRecord(volunteerId: Int64, start: Date, end: Date, excluding recordId: Int64?) throws -> ServiceRecord? {
        // A volunteer's current records never overlap each other, so sorted by start they are sorted by
        // end too: if any record overlaps [start, end), the last one starting before `end` does. One index
        // seek instead of a scan of the volunteer's history, answering only an id (the import runs this per
        // row, and nearly always there is nothing to decode).
        let statement = try db.cachedStatement(sql: """
            SELECT CASE WHEN end_at > ? THEN id END FROM service_records
            WHERE volunteer_id = ? AND start_at < ? AND is_void = 0 AND id <> ?
            ORDER BY start_at DESC LIMIT 1
            """)
        let id = try Int64?.fetchOne(statement, arguments: [Self.seconds(start), volunteerId, Self.seconds(end), recordId ?? 0]) ?? nil
        return try id.flatMap { try record(id: $0) }
    }

    func minutesStarting(volunteerId: Int64, from: Date, to: Date, excluding recordId: Int64?) throws -> Int {
        let statement = try db.cachedStatement(sql: """
            SELECT COALESCE(SUM(minutes), 0) FROM service_records
            WHERE volunteer_id = ? AND start_at >= ? AND start_at < ? AND is_void = 0 AND id <> ?
            """)
        return try Int.fetchOne(statement, arguments: [volunteerId, Self.seconds(from), Self.seconds(to), recordId ?? 0]) ?? 0
    }

    func total(_ filter: RecordFilter) throws -> MinuteTotal {
        var current = filter
        current.includeVoid = false
        let (condition, arguments) = Self.clause(current)
        let row = try row("SELECT COALESCE(SUM(minutes), 0) AS minutes, COUNT(*) AS records FROM service_records WHERE \(condition)", arguments)
        return MinuteTotal(minutes: row?["minutes"] ?? 0, records: row?["records"] ?? 0)
    }

    func volunteerCount(_ filter: RecordFilter) throws -> Int {
        var current = filter
        current.includeVoid = false
        let (condition, arguments) = Self.clause(current)
        return try row("SELECT COUNT(DISTINCT volunteer_id) AS count FROM service_records WHERE \(condition)", arguments)?["count"] ?? 0
    }

    func totals(_ filter: RecordFilter, by column: String, after: Int64? = nil, limit: Int? = nil) throws -> [KeyedMinuteTotal] {
        var current = filter
        current.includeVoid = false
        let (condition, arguments) = Self.clause(current)
        var sql = "SELECT \(column) AS key, SUM(minutes) AS minutes, COUNT(*) AS records FROM service_records WHERE \(condition)"
        var allArguments = arguments
        if let after { sql += " AND \(column) > ?"; allArguments += [after] }
        sql += " GROUP BY \(column) ORDER BY \(column)"
        if let limit { sql += " LIMIT ?"; allArguments += [limit] }
        return try rows(sql, allArguments).map {
            KeyedMinuteTotal(key: $0["key"], total: MinuteTotal(minutes: $0["minutes"], records: $0["records"]))
        }
    }

    func totalsByOrganization(_ filter: RecordFilter) throws -> [KeyedMinuteTotal] {
        try totals(filter, by: "organization_id")
    }

    func totalsByVolunteer(_ filter: RecordFilter, after: Int64?, limit: Int) throws -> [KeyedMinuteTotal] {
        try totals(filter, by: "volunteer_id", after: after ?? 0, limit: limit)
    }

    func totalsByActivity(_ filter: RecordFilter) throws -> [KeyedMinuteTotal] {
        try totals(filter, by: "activity_id")
    }

    func insert(_ record: ServiceRecord) throws -> ServiceRecord {
        try store(record, id: nil)
    }

    func newRecordIds(count: Int) throws -> [Int64] {
        // Write transactions are serialized, so the ids after the largest one handed out are this transaction's.
        let last = try row("""
            SELECT MAX(n) FROM (SELECT seq AS n FROM sqlite_sequence WHERE name = 'service_records'
                                UNION ALL SELECT MAX(id) FROM service_records)
            """).flatMap { $0[0] as Int64? } ?? 0
        return (0..<Int64(count)).map { last + 1 + $0 }
    }

    func updateCurrentState(_ record: ServiceRecord) throws {
        try execute("""
            UPDATE service_records SET start_at = ?, end_at = ?, minutes = ?, note = ?, is_void = ?, revision = ?
            WHERE id = ?
            """, [Self.seconds(record.startAt), Self.seconds(record.endAt), record.minutes, record.note, record.isVoid,
                  record.revision, record.id])
    }

    func append(_ revision: RecordRevision, organizationId: Int64) throws {
        try execute("""
            INSERT INTO record_revisions (record_id, revision, organization_id, kind, start_at, end_at, minutes, note, reason,
                                          actor_id, at, chain_sequence, digest)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [revision.recordId, revision.revision, organizationId, revision.kind.rawValue, Self.seconds(revision.startAt),
                  Self.seconds(revision.endAt), revision.minutes, revision.note, revision.reason, revision.actorId,
                  Self.seconds(revision.at), revision.chainSequence, revision.digest])
    }

    func lockChain(organizationId: Int64) throws -> ChainHead {
        try chainHead(organizationId: organizationId)
    }

    func advanceChain(organizationId: Int64, to head: ChainHead) throws {
        try execute("""
            INSERT INTO chain_heads (organization_id, sequence, digest) VALUES (?, ?, ?)
            ON CONFLICT (organization_id) DO UPDATE SET sequence = excluded.sequence, digest = excluded.digest
            """, [organizationId, head.sequence, head.digest])
    }

    func restore(_ record: ServiceRecord) throws {
        _ = try store(record, id: record.id)
    }

    /// The one INSERT of `insert` (id nil: a new one) and `restore` (the given id).
    func store(_ record: ServiceRecord, id: Int64?) throws -> ServiceRecord {
        try execute("""
            INSERT INTO service_records (id, volunteer_id, activity_id, organization_id, start_at, end_at, minutes, source, note,
                                         recorded_by, recorded_at, is_late, is_void, revision)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [id, record.volunteerId, record.activityId, record.organizationId, Self.seconds(record.startAt),
                  Self.seconds(record.endAt), record.minutes, record.source.rawValue, record.note, record.recordedBy,
                  Self.seconds(record.recordedAt), record.isLate, record.isVoid, record.revision])
        var stored = record
        stored.id = db.lastInsertedRowID
        return stored
    }
}
