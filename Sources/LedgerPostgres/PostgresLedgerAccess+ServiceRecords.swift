import Foundation
import LedgerCore
import PostgresNIO

/// Service records, their revisions and the audit chains: `ServiceRecordReader` and `ServiceRecordWriter`.
extension PostgresLedgerAccess {
    static let recordColumns = """
        id, volunteer_id, activity_id, organization_id, start_at, end_at, minutes, source, note, recorded_by, recorded_at,
        is_late, is_void, revision
        """

    static func record(_ c: inout Columns) throws -> ServiceRecord {
        ServiceRecord(id: try c.next(), volunteerId: try c.next(), activityId: try c.next(), organizationId: try c.next(),
                      startAt: try c.next(), endAt: try c.next(), minutes: try c.next(),
                      source: try StoredValue.decode(try c.next(), column: "service_records.source"), note: try c.next(),
                      recordedBy: try c.next(), recordedAt: try c.next(), isLate: try c.next(), isVoid: try c.next(),
                      revision: try c.next())
    }

    static let revisionColumns = """
        v.record_id, v.revision, v.kind, v.start_at, v.end_at, v.minutes, v.note, v.reason, v.actor_id, v.at,
        v.chain_sequence, v.digest
        """

    static func revision(_ c: inout Columns) throws -> RecordRevision {
        RecordRevision(recordId: try c.next(), revision: try c.next(), kind: try StoredValue.decode(try c.next(), column: "record_revisions.kind"),
                       startAt: try c.next(), endAt: try c.next(), minutes: try c.next(), note: try c.next(),
                       reason: try c.next(), actorId: try c.next(), at: try c.next(), chainSequence: try c.next(),
                       digest: try c.next())
    }

    /// The WHERE clause of a filter; every value is bound.
    static func clause(_ filter: RecordFilter, into query: inout QueryText) {
        if let id = filter.organizationId { query.append(" AND organization_id = "); query.bind(id) }
        if let id = filter.volunteerId { query.append(" AND volunteer_id = "); query.bind(id) }
        if let id = filter.activityId { query.append(" AND activity_id = "); query.bind(id) }
        if let from = filter.startsFrom { query.append(" AND start_at >= "); query.bind(stored(from)) }
        if let before = filter.startsBefore { query.append(" AND start_at < "); query.bind(stored(before)) }
        if !filter.includeVoid { query.append(" AND NOT is_void") }
        if filter.onlyLate { query.append(" AND is_late") }
    }

    func record(id: Int64) throws -> ServiceRecord? {
        try row("SELECT \(unescaped: Self.recordColumns) FROM service_records WHERE id = \(id)", Self.record)
    }

    func records(_ filter: RecordFilter, after: Int64?, limit: Int) throws -> [ServiceRecord] {
        var query = QueryText("SELECT \(Self.recordColumns) FROM service_records WHERE id > ")
        query.bind(after ?? 0)
        Self.clause(filter, into: &query)
        query.append(" ORDER BY id LIMIT ")
        query.bind(limit)
        return try rows(query.query, Self.record)
    }

    func exportRows(_ filter: RecordFilter, after: Int64?, limit: Int) throws -> [RecordExportRow] {
        // The page of records is chosen first (an index range, by id), then each joins its volunteer and activity.
        var query = QueryText("SELECT r.*, v.number, v.name, v.document_number, a.title, a.category FROM (SELECT \(Self.recordColumns) FROM service_records WHERE id > ")
        query.bind(after ?? 0)
        Self.clause(filter, into: &query)
        query.append(" ORDER BY id LIMIT ")
        query.bind(limit)
        query.append("""
            ) r LEFT JOIN volunteers v ON v.id = r.volunteer_id LEFT JOIN activities a ON a.id = r.activity_id ORDER BY r.id
            """)
        return try rows(query.query) { c in
            let record = try Self.record(&c)
            let number: String? = try c.next()
            let name: String? = try c.next()
            let document: String? = try c.next()
            let title: String? = try c.next()
            let category: String? = try c.next()
            return RecordExportRow(record: record, volunteerNumber: number, volunteerName: name, documentNumber: document,
                                   activityTitle: title,
                                   activityCategory: try category.map { try StoredValue.decode($0, column: "activities.category") })
        }
    }

    func totals(volunteerIds: [Int64]) throws -> [Int64: MinuteTotal] {
        guard !volunteerIds.isEmpty else { return [:] }
        var totals: [Int64: MinuteTotal] = [:]
        for (id, minutes, records) in try rows("""
            SELECT volunteer_id, SUM(minutes)::bigint, COUNT(*) FROM service_records
            WHERE volunteer_id = ANY(\(volunteerIds)) AND NOT is_void GROUP BY volunteer_id
            """, { (try $0.next(Int64.self), try $0.next(Int.self), try $0.next(Int.self)) }) {
            totals[id] = MinuteTotal(minutes: minutes, records: records)
        }
        return totals
    }

    func revisions(recordId: Int64) throws -> [RecordRevision] {
        try rows("""
            SELECT \(unescaped: Self.revisionColumns) FROM record_revisions v WHERE v.record_id = \(recordId) ORDER BY v.revision
            """, Self.revision)
    }

    func chainEntries(organizationId: Int64, after sequence: Int64, limit: Int) throws -> [ChainEntry] {
        try rows("""
            SELECT \(unescaped: Self.revisionColumns), r.volunteer_id, r.activity_id
            FROM record_revisions v LEFT JOIN service_records r ON r.id = v.record_id
            WHERE v.organization_id = \(organizationId) AND v.chain_sequence > \(sequence)
            ORDER BY v.chain_sequence LIMIT \(limit)
            """) { c in
            let revision = try Self.revision(&c)
            return ChainEntry(organizationId: organizationId, volunteerId: try c.next(Int64?.self) ?? -1,
                              activityId: try c.next(Int64?.self) ?? -1, revision: revision)
        }
    }

    func chainHead(organizationId: Int64) throws -> ChainHead {
        try row("SELECT sequence, digest FROM chain_heads WHERE organization_id = \(organizationId)") {
            ChainHead(sequence: try $0.next(), digest: try $0.next())
        } ?? .genesis
    }

    func overlappingRecord(volunteerId: Int64, start: Date, end: Date, excluding recordId: Int64?) throws -> ServiceRecord? {
        try row("""
            SELECT \(unescaped: Self.recordColumns) FROM service_records
            WHERE volunteer_id = \(volunteerId) AND start_at < \(Self.stored(end)) AND end_at > \(Self.stored(start))
              AND NOT is_void AND id <> \(recordId ?? 0)
            ORDER BY start_at LIMIT 1
            """, Self.record)
    }

    func minutesStarting(volunteerId: Int64, from: Date, to: Date, excluding recordId: Int64?) throws -> Int {
        try row("""
            SELECT COALESCE(SUM(minutes), 0) FROM service_records
            WHERE volunteer_id = \(volunteerId) AND start_at >= \(Self.stored(from)) AND start_at < \(Self.stored(to))
              AND NOT is_void AND id <> \(recordId ?? 0)
            """) { try $0.next(Int.self) } ?? 0
    }

    func existingService(volunteerId: Int64, start: Date, end: Date, dayStart: Date, dayEnd: Date,
                         excluding recordId: Int64?) throws -> ExistingService {
        let excluded = recordId ?? 0
        let found = try row("""
            SELECT (SELECT id FROM service_records
                    WHERE volunteer_id = \(volunteerId) AND start_at < \(Self.stored(end)) AND end_at > \(Self.stored(start))
                      AND NOT is_void AND id <> \(excluded)
                    ORDER BY start_at LIMIT 1),
                   (SELECT COALESCE(SUM(minutes), 0) FROM service_records
                    WHERE volunteer_id = \(volunteerId) AND start_at >= \(Self.stored(dayStart)) AND start_at < \(Self.stored(dayEnd))
                      AND NOT is_void AND id <> \(excluded))
            """) { (try $0.next(Int64?.self), try $0.next(Int.self)) }
        guard let (overlappingId, minutes) = found else { return ExistingService(overlapping: nil, minutesOnDay: 0) }
        // An overlap is the exception: its record is read only then.
        return ExistingService(overlapping: try overlappingId.flatMap { try record(id: $0) }, minutesOnDay: minutes)
    }

    func total(_ filter: RecordFilter) throws -> MinuteTotal {
        var current = filter
        current.includeVoid = false
        var query = QueryText("SELECT COALESCE(SUM(minutes), 0), COUNT(*) FROM service_records WHERE TRUE")
        Self.clause(current, into: &query)
        return try row(query.query) { MinuteTotal(minutes: try $0.next(), records: try $0.next()) }
            ?? MinuteTotal(minutes: 0, records: 0)
    }

    func volunteerCount(_ filter: RecordFilter) throws -> Int {
        var current = filter
        current.includeVoid = false
        var query = QueryText("SELECT COUNT(DISTINCT volunteer_id) FROM service_records WHERE TRUE")
        Self.clause(current, into: &query)
        return try row(query.query) { try $0.next() as Int } ?? 0
    }

    func totals(_ filter: RecordFilter, by column: String, after: Int64? = nil, limit: Int? = nil) throws -> [KeyedMinuteTotal] {
        var current = filter
        current.includeVoid = false
        var query = QueryText("SELECT \(column), SUM(minutes), COUNT(*) FROM service_records WHERE TRUE")
        Self.clause(current, into: &query)
        if let after { query.append(" AND \(column) > "); query.bind(after) }
        query.append(" GROUP BY \(column) ORDER BY \(column)")
        if let limit { query.append(" LIMIT "); query.bind(limit) }
        return try rows(query.query) {
            KeyedMinuteTotal(key: try $0.next(), total: MinuteTotal(minutes: try $0.next(), records: try $0.next()))
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

    /// The rule error for a record the exclusion constraint refused.
    func overlapError(_ record: ServiceRecord) throws -> any Error {
        guard let other = try overlappingRecord(volunteerId: record.volunteerId, start: record.startAt, end: record.endAt,
                                                excluding: nil) else {
            return PostgresStoreError.conflict(constraint: "service_records_no_overlap",
                                               detail: "record of volunteer \(record.volunteerId) conflicts with a concurrent write")
        }
        let zone = try organization(id: other.organizationId)?.timeZone ?? .ledgerDefault
        return LedgerError.overlapsRecord(recordId: other.id, start: LocalDateTime(other.startAt, in: zone).description,
                                          end: LocalDateTime(other.endAt, in: zone).description)
    }

    /// Copies a record of another ledger (`migrate-data`), after giving its year and the years since their
    /// partitions: the target is not in use yet, so the lock that creating a partition takes costs nothing.
    func restore(_ record: ServiceRecord) throws {
        let year = Self.utcYear(record.startAt)
        if year < partitionsFromYear ?? .max {
            let through = partitionsFromYear.map { $0 - 1 } ?? Self.utcYear(Date())
            try run("SELECT vledger_create_year_partitions(\(year)::integer, \(max(year, through))::integer)")
            partitionsFromYear = year
        }
        _ = try store(record, id: record.id)
    }

    /// The UTC year of an instant, as the partitions count years.
    static func utcYear(_ instant: Date) -> Int {
        LocalDate(instant, in: utc).year
    }

    private static let utc = TimeZone(identifier: "UTC")!

    /// The one INSERT of `insert` (id nil: a new one) and `restore` (the given id). ON CONFLICT DO NOTHING covers
    /// the exclusion constraint: a record that overlaps one committed by another process is refused as a rule
    /// violation, and the transaction stays usable.
    func store(_ record: ServiceRecord, id: Int64?) throws -> ServiceRecord {
        let id = try row("""
            INSERT INTO service_records (id, volunteer_id, activity_id, organization_id, start_at, end_at, minutes, source, note,
                                         recorded_by, recorded_at, is_late, is_void, revision)
            VALUES (COALESCE(\(id)::bigint, nextval(pg_get_serial_sequence('service_records', 'id'))),
                    \(record.volunteerId), \(record.activityId), \(record.organizationId),
                    \(Self.stored(record.startAt)), \(Self.stored(record.endAt)), \(record.minutes), \(record.source.rawValue),
                    \(record.note), \(record.recordedBy), \(Self.stored(record.recordedAt)), \(record.isLate),
                    \(record.isVoid), \(record.revision))
            ON CONFLICT DO NOTHING
            RETURNING id
            """) { try $0.next(Int64.self) }
        guard let id else { throw try overlapError(record) }
        var stored = record
        stored.id = id
        return stored
    }

    func updateCurrentState(_ record: ServiceRecord) throws {
        try run("""
            UPDATE service_records
            SET start_at = \(Self.stored(record.startAt)), end_at = \(Self.stored(record.endAt)), minutes = \(record.minutes),
                note = \(record.note), is_void = \(record.isVoid), revision = \(record.revision)
            WHERE id = \(record.id)
            """)
    }

    func append(_ revision: RecordRevision, organizationId: Int64) throws {
        pipeline("""
            INSERT INTO record_revisions (record_id, revision, organization_id, kind, start_at, end_at, minutes, note, reason,
                                          actor_id, at, chain_sequence, digest)
            VALUES (\(revision.recordId), \(revision.revision), \(organizationId), \(revision.kind.rawValue),
                    \(Self.stored(revision.startAt)), \(Self.stored(revision.endAt)), \(revision.minutes), \(revision.note),
                    \(revision.reason), \(revision.actorId), \(Self.stored(revision.at)), \(revision.chainSequence),
                    \(revision.digest))
            """)
    }

    func lockChain(organizationId: Int64) throws -> ChainHead {
        let select: PostgresQuery = "SELECT sequence, digest FROM chain_heads WHERE organization_id = \(organizationId) FOR UPDATE"
        if let head = try row(select, { ChainHead(sequence: try $0.next(), digest: try $0.next()) }) {
            return head
        }
        try run("""
            INSERT INTO chain_heads (organization_id, sequence, digest)
            VALUES (\(organizationId), \(ChainHead.genesis.sequence), \(ChainHead.genesis.digest))
            ON CONFLICT DO NOTHING
            """)
        guard let head = try row(select, { ChainHead(sequence: try $0.next(), digest: try $0.next()) }) else {
            throw PostgresStoreError.conflict(constraint: "chain_heads_pkey", detail: "the chain head of organization \(organizationId) vanished")
        }
        return head
    }

    func advanceChain(organizationId: Int64, to head: ChainHead) throws {
        pipeline("""
            INSERT INTO chain_heads (organization_id, sequence, digest) VALUES (\(organizationId), \(head.sequence), \(head.digest))
            ON CONFLICT (organization_id) DO UPDATE SET sequence = EXCLUDED.sequence, digest = EXCLUDED.digest
            """)
    }

    func existingServices(_ spans: [ServiceSpan]) throws -> [ExistingService] {
        guard !spans.isEmpty else { return [] }
        // Only spans with an overlap or minutes on their day come back; the overlap test is the exclusion
        // constraint's own (its GiST index answers it).
        let found = try rows("""
            SELECT s.n,
                   (SELECT r.id FROM service_records r
                    WHERE r.volunteer_id = s.volunteer_id AND NOT r.is_void
                      AND tstzrange(r.start_at, r.end_at) && tstzrange(s.start_at, s.end_at)
                    ORDER BY r.start_at LIMIT 1) AS overlapping,
                   (SELECT COALESCE(SUM(r.minutes), 0) FROM service_records r
                    WHERE r.volunteer_id = s.volunteer_id AND NOT r.is_void
                      AND r.start_at >= s.day_start AND r.start_at < s.day_end) AS minutes
            FROM unnest(\(spans.map(\.volunteerId))::bigint[], \(spans.map { Self.stored($0.start) })::timestamptz[],
                        \(spans.map { Self.stored($0.end) })::timestamptz[], \(spans.map { Self.stored($0.dayStart) })::timestamptz[],
                        \(spans.map { Self.stored($0.dayEnd) })::timestamptz[])
                 WITH ORDINALITY AS s(volunteer_id, start_at, end_at, day_start, day_end, n)
            """) { (try $0.next(Int64.self), try $0.next(Int64?.self), try $0.next(Int.self)) }
        var answers = Array(repeating: ExistingService(overlapping: nil, minutesOnDay: 0), count: spans.count)
        for (n, overlapping, minutes) in found where overlapping != nil || minutes > 0 {
            // An overlap is the exception: its record is read only then.
            answers[Int(n) - 1] = ExistingService(overlapping: try overlapping.flatMap { try record(id: $0) }, minutesOnDay: minutes)
        }
        return answers
    }

    func newRecordIds(count: Int) throws -> [Int64] {
        guard count > 0 else { return [] }
        return try rows("""
            SELECT nextval(pg_get_serial_sequence('service_records', 'id')) FROM generate_series(1, \(count))
            """) { try $0.next(Int64.self) }.sorted()
    }

    func insert(_ records: [ServiceRecord], revisions: [RecordRevision]) throws {
        guard !records.isEmpty else { return }
        var recordRows = PostgresCopyText()
        for record in records { Self.encode(record, into: &recordRows) }
        try copy(into: "service_records", columns: Self.recordColumnNames, data: recordRows.finish())
        var revisionRows = PostgresCopyText()
        for (record, revision) in zip(records, revisions) {
            revisionRows.int(revision.recordId)
            revisionRows.int(revision.revision)
            revisionRows.int(record.organizationId)
            revisionRows.text(revision.kind.rawValue)
            revisionRows.time(revision.startAt)
            revisionRows.time(revision.endAt)
            revisionRows.int(revision.minutes)
            revisionRows.text(revision.note)
            revisionRows.text(revision.reason)
            revisionRows.int(revision.actorId)
            revisionRows.time(revision.at)
            revisionRows.int(revision.chainSequence)
            revisionRows.text(revision.digest)
            revisionRows.endRow()
        }
        try copy(into: "record_revisions", columns: Self.revisionColumnNames, data: revisionRows.finish())
    }

    /// A record as a row of `recordColumnNames`.
    static func encode(_ record: ServiceRecord, into rows: inout PostgresCopyText) {
        rows.int(record.id)
        rows.int(record.volunteerId)
        rows.int(record.activityId)
        rows.int(record.organizationId)
        rows.time(record.startAt)
        rows.time(record.endAt)
        rows.int(record.minutes)
        rows.text(record.source.rawValue)
        rows.text(record.note)
        rows.int(record.recordedBy)
        rows.time(record.recordedAt)
        rows.bool(record.isLate)
        rows.bool(record.isVoid)
        rows.int(record.revision)
        rows.endRow()
    }

    static let recordColumnNames = ["id", "volunteer_id", "activity_id", "organization_id", "start_at", "end_at", "minutes",
                                    "source", "note", "recorded_by", "recorded_at", "is_late", "is_void", "revision"]

    static let revisionColumnNames = ["record_id", "revision", "organization_id", "kind", "start_at", "end_at", "minutes", "note",
                                      "reason", "actor_id", "at", "chain_sequence", "digest"]
}
