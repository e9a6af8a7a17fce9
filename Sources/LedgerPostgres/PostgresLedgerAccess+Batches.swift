import Foundation
import LedgerCore
import PostgresNIO

/// The set-wise forms of the store's requests that a bulk import makes for each batch of rows: one round
/// trip for a batch's lookups, locks and checks, arrays bound as parameters, and the records and revisions
/// streamed with COPY.
extension PostgresLedgerAccess {
    func volunteers(numbers: [String]) throws -> [Volunteer] {
        guard !numbers.isEmpty else { return [] }
        return try rows("SELECT \(unescaped: Self.volunteerColumns) FROM volunteers v WHERE v.number = ANY(\(numbers))",
                        Self.volunteer)
    }

    func volunteers(documents: [DocumentKey]) throws -> [Volunteer] {
        guard !documents.isEmpty else { return [] }
        return try rows("""
            SELECT \(unescaped: Self.volunteerColumns)
            FROM unnest(\(documents.map(\.type.rawValue))::text[], \(documents.map(\.number))::text[]) AS d(type, number)
            JOIN volunteers v ON v.document_type = d.type AND v.document_number = d.number
            """, Self.volunteer)
    }

    func lockVolunteers(ids: [Int64]) throws {
        let keys = ids.filter { !lockedVolunteers.contains($0) }.map { Int32(truncatingIfNeeded: $0 & 0x7FFF_FFFF) }
        guard !keys.isEmpty else { return }
        // In the order given, as `lockVolunteer` one by one would take them.
        try run("""
            SELECT pg_advisory_xact_lock(\(PostgresSchema.LockNamespace.volunteer), k.key)
            FROM unnest(\(keys)::integer[]) WITH ORDINALITY AS k(key, n) ORDER BY k.n
            """)
        lockedVolunteers.formUnion(ids)
    }

    func insert(_ memberships: [Membership]) throws -> Int {
        guard !memberships.isEmpty else { return 0 }
        let result = try run("""
            INSERT INTO memberships (organization_id, volunteer_id, joined_at)
            SELECT m.organization_id, m.volunteer_id, m.joined_at
            FROM unnest(\(memberships.map(\.organizationId))::bigint[], \(memberships.map(\.volunteerId))::bigint[],
                        \(memberships.map { Self.stored($0.joinedAt) })::timestamptz[]) AS m(organization_id, volunteer_id, joined_at)
            ON CONFLICT DO NOTHING
            """)
        return result.metadata.rows ?? 0
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
