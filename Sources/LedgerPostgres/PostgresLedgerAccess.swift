import Foundation
import LedgerCore
import Logging
import PostgresNIO

/// `LedgerReader` and `LedgerWriter` over the one connection of a transaction. Runs on a thread of the
/// store's blocking pool and waits for each statement; every value is a bind parameter (`\(value)` in a
/// `PostgresQuery` becomes `$n`), never spliced into the SQL text.
final class PostgresLedgerAccess: LedgerWriter {
    let connection: WatchedConnection
    let logger: Logger
    /// The first statement failure of the transaction; PostgreSQL refuses every later statement.
    private(set) var failure: PostgresStoreError?
    /// Volunteers locked in this transaction; the lock is held until it ends, so one request suffices.
    var lockedVolunteers: Set<Int64> = []

    init(connection: WatchedConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    // MARK: Helpers

    /// Runs one statement and waits for all its rows.
    @discardableResult
    func run(_ query: PostgresQuery) throws -> PostgresQueryResult {
        if let failure { throw failure.isRetryable ? failure : PostgresStoreError.transactionAborted }
        let reply = connection.send(query, logger: logger)
        do {
            try confirmSent()
            return try connection.wait(reply)
        } catch {
            let mapped = PostgresStoreError(error)
            failure = mapped
            throw mapped
        }
    }

    /// Streams rows into a table with COPY, as one statement of the transaction.
    func copy(into table: String, columns: [String], data: [ByteBuffer]) throws {
        if let failure { throw failure.isRetryable ? failure : PostgresStoreError.transactionAborted }
        do {
            try confirmSent()
            try connection.copy(into: table, columns: columns, data: data, logger: logger)
        } catch {
            let mapped = PostgresStoreError(error)
            failure = mapped
            throw mapped
        }
    }

    /// Sends a statement without waiting for its reply (BEGIN, the COMMIT of a read). The connection runs
    /// statements in order, so its outcome is known when the next statement's reply is; waiting for each
    /// would cost a hand-off between this thread and the event loop.
    func send(_ query: PostgresQuery) {
        unconfirmed.append(connection.send(query, logger: logger))
    }

    /// Sends a statement of the transaction whose reply nobody reads (a lock, an append) without waiting for
    /// it; a failure is reported by the next statement that waits, or by COMMIT, and fails the transaction.
    func pipeline(_ query: PostgresQuery) {
        if failure != nil { return }
        send(query)
    }

    /// Statements sent without waiting, not yet known to have succeeded.
    private var unconfirmed: [EventLoopFuture<PostgresQueryResult>] = []

    private func confirmSent() throws {
        let sent = unconfirmed
        unconfirmed = []
        for reply in sent { _ = try connection.wait(reply) }
    }

    /// Runs a query and decodes each row, columns in order.
    func rows<T>(_ query: PostgresQuery, _ transform: (inout Columns) throws -> T) throws -> [T] {
        try run(query).rows.map { row in
            var columns = Columns(row)
            do {
                return try transform(&columns)
            } catch let error as PostgresDecodingError {
                throw PostgresStoreError(error)
            }
        }
    }

    func row<T>(_ query: PostgresQuery, _ transform: (inout Columns) throws -> T) throws -> T? {
        try rows(query, transform).first
    }

    /// Times are kept in whole seconds, as in the SQLite store.
    static func stored(_ date: Date) -> Date {
        Date(timeIntervalSince1970: TimeInterval(Int64(date.timeIntervalSince1970)))
    }

    // MARK: Organizations

    private static let organizationColumns = "id, credit_code, name, region_code, contact_name, contact_phone, time_zone, created_at"

    private static func organization(_ c: inout Columns) throws -> Organization {
        Organization(id: try c.next(), creditCode: try c.next(), name: try c.next(), regionCode: try c.next(),
                     contactName: try c.next(), contactPhone: try c.next(), timeZoneIdentifier: try c.next(),
                     createdAt: try c.next())
    }

    func organization(id: Int64) throws -> Organization? {
        try row("SELECT \(unescaped: Self.organizationColumns) FROM organizations WHERE id = \(id)", Self.organization)
    }

    func organization(creditCode: String) throws -> Organization? {
        try row("SELECT \(unescaped: Self.organizationColumns) FROM organizations WHERE credit_code = \(creditCode)",
                Self.organization)
    }

    func organizations(after: Int64?, limit: Int) throws -> [Organization] {
        try rows("""
            SELECT \(unescaped: Self.organizationColumns) FROM organizations WHERE id > \(after ?? 0) ORDER BY id LIMIT \(limit)
            """, Self.organization)
    }

    func insert(_ organization: Organization) throws -> Organization {
        try store(organization, id: nil)
    }

    func restore(_ organization: Organization) throws {
        _ = try store(organization, id: organization.id)
    }

    /// The one INSERT of `insert` (id nil: a new one) and `restore` (the given id).
    private func store(_ organization: Organization, id: Int64?) throws -> Organization {
        let id = try row("""
            INSERT INTO organizations (id, credit_code, name, region_code, contact_name, contact_phone, time_zone, created_at)
            VALUES (COALESCE(\(id)::bigint, nextval(pg_get_serial_sequence('organizations', 'id'))),
                    \(organization.creditCode), \(organization.name), \(organization.regionCode),
                    \(organization.contactName), \(organization.contactPhone), \(organization.timeZoneIdentifier),
                    \(Self.stored(organization.createdAt)))
            RETURNING id
            """) { try $0.next(Int64.self) }
        var stored = organization
        stored.id = try Self.require(id)
        return stored
    }

    // MARK: Volunteers

    static let volunteerColumns = """
        v.id, v.number, v.name, v.sex, to_char(v.birth_date, 'YYYY-MM-DD'), v.document_type, v.document_number,
        v.residence_area, v.phone, v.skills, v.service_categories, v.registered_at
        """

    static func volunteer(_ c: inout Columns) throws -> Volunteer {
        Volunteer(id: try c.next(), number: try c.next(), name: try c.next(),
                  sex: try StoredValue.decode(try c.next(), column: "volunteers.sex"),
                  birthDate: try StoredValue.date(try c.next(), column: "volunteers.birth_date"),
                  documentType: try StoredValue.decode(try c.next(), column: "volunteers.document_type"),
                  documentNumber: try c.next(), residenceArea: try c.next(), phone: try c.next(),
                  skills: try c.next(),
                  serviceCategories: try StoredValue.decode(try c.next([String].self), column: "volunteers.service_categories"),
                  registeredAt: try c.next())
    }

    /// The volunteers with these ids in one statement (a page of records names up to a few hundred).
    func volunteers(ids: [Int64]) throws -> [Volunteer] {
        guard !ids.isEmpty else { return [] }
        return try rows("SELECT \(unescaped: Self.volunteerColumns) FROM volunteers v WHERE v.id = ANY(\(ids))", Self.volunteer)
    }

    func volunteer(id: Int64) throws -> Volunteer? {
        try row("SELECT \(unescaped: Self.volunteerColumns) FROM volunteers v WHERE v.id = \(id)", Self.volunteer)
    }

    func volunteer(number: String) throws -> Volunteer? {
        try row("SELECT \(unescaped: Self.volunteerColumns) FROM volunteers v WHERE v.number = \(number)", Self.volunteer)
    }

    func volunteer(documentType: DocumentType, documentNumber: String) throws -> Volunteer? {
        try row("""
            SELECT \(unescaped: Self.volunteerColumns) FROM volunteers v
            WHERE v.document_type = \(documentType.rawValue) AND v.document_number = \(documentNumber)
            """, Self.volunteer)
    }

    func volunteers(after: Int64?, limit: Int) throws -> [Volunteer] {
        try rows("""
            SELECT \(unescaped: Self.volunteerColumns) FROM volunteers v WHERE v.id > \(after ?? 0) ORDER BY v.id LIMIT \(limit)
            """, Self.volunteer)
    }

    func members(organizationId: Int64, after: Int64?, limit: Int) throws -> [Volunteer] {
        try rows("""
            SELECT \(unescaped: Self.volunteerColumns) FROM memberships m JOIN volunteers v ON v.id = m.volunteer_id
            WHERE m.organization_id = \(organizationId) AND m.volunteer_id > \(after ?? 0) ORDER BY m.volunteer_id LIMIT \(limit)
            """, Self.volunteer)
    }

    func searchMembers(organizationId: Int64, text: String, limit: Int) throws -> [Volunteer] {
        let escaped = LikePattern.escaped(text)
        let pattern = "%" + escaped + "%", suffix = "%" + escaped, number = text.uppercased()
        let digits = text.count >= 4 && text.allSatisfy(\.isASCII) && text.allSatisfy(\.isNumber)
        return try rows("""
            SELECT \(unescaped: Self.volunteerColumns) FROM memberships m JOIN volunteers v ON v.id = m.volunteer_id
            WHERE m.organization_id = \(organizationId)
              AND (v.name LIKE \(pattern) OR v.number = \(number) OR (\(digits) AND v.phone LIKE \(suffix)))
            ORDER BY v.id LIMIT \(limit)
            """, Self.volunteer)
    }

    private static func membership(_ c: inout Columns) throws -> Membership {
        Membership(volunteerId: try c.next(), organizationId: try c.next(), joinedAt: try c.next())
    }

    func memberships(volunteerId: Int64) throws -> [Membership] {
        try rows("""
            SELECT volunteer_id, organization_id, joined_at FROM memberships WHERE volunteer_id = \(volunteerId)
            ORDER BY organization_id
            """, Self.membership)
    }

    func memberships(organizationId: Int64, after volunteerId: Int64?, limit: Int) throws -> [Membership] {
        try rows("""
            SELECT volunteer_id, organization_id, joined_at FROM memberships
            WHERE organization_id = \(organizationId) AND volunteer_id > \(volunteerId ?? 0) ORDER BY volunteer_id LIMIT \(limit)
            """, Self.membership)
    }

    func insert(_ volunteer: Volunteer) throws -> Volunteer {
        try store(volunteer, id: nil)
    }

    func restore(_ volunteer: Volunteer) throws {
        _ = try store(volunteer, id: volunteer.id)
    }

    /// The one INSERT of `insert` (id nil: a new one) and `restore` (the given id).
    private func store(_ volunteer: Volunteer, id: Int64?) throws -> Volunteer {
        let id = try row("""
            INSERT INTO volunteers (id, number, name, sex, birth_date, document_type, document_number, residence_area, phone,
                                    skills, service_categories, registered_at)
            VALUES (COALESCE(\(id)::bigint, nextval(pg_get_serial_sequence('volunteers', 'id'))),
                    \(volunteer.number), \(volunteer.name), \(volunteer.sex.rawValue),
                    \(volunteer.birthDate.description)::date, \(volunteer.documentType.rawValue), \(volunteer.documentNumber),
                    \(volunteer.residenceArea), \(volunteer.phone), \(volunteer.skills),
                    \(volunteer.serviceCategories.map(\.rawValue)), \(Self.stored(volunteer.registeredAt)))
            RETURNING id
            """) { try $0.next(Int64.self) }
        var stored = volunteer
        stored.id = try Self.require(id)
        return stored
    }

    func insert(_ membership: Membership) throws -> Bool {
        let result = try run("""
            INSERT INTO memberships (organization_id, volunteer_id, joined_at)
            VALUES (\(membership.organizationId), \(membership.volunteerId), \(Self.stored(membership.joinedAt)))
            ON CONFLICT DO NOTHING
            """)
        return (result.metadata.rows ?? 0) > 0
    }

    // MARK: Activities

    private static let activityColumns = "id, organization_id, title, content, category, place, start_at, end_at, leader, created_at"

    private static func activity(_ c: inout Columns) throws -> Activity {
        Activity(id: try c.next(), organizationId: try c.next(), title: try c.next(), content: try c.next(),
                 category: try StoredValue.decode(try c.next(), column: "activities.category"), place: try c.next(),
                 startAt: try c.next(), endAt: try c.next(), leader: try c.next(), createdAt: try c.next())
    }

    /// The activities with these ids in one statement.
    func activities(ids: [Int64]) throws -> [Activity] {
        guard !ids.isEmpty else { return [] }
        return try rows("SELECT \(unescaped: Self.activityColumns) FROM activities WHERE id = ANY(\(ids))", Self.activity)
    }

    func activity(id: Int64) throws -> Activity? {
        try row("SELECT \(unescaped: Self.activityColumns) FROM activities WHERE id = \(id)", Self.activity)
    }

    func activities(organizationId: Int64, title: String) throws -> [Activity] {
        try rows("""
            SELECT \(unescaped: Self.activityColumns) FROM activities WHERE organization_id = \(organizationId) AND title = \(title)
            ORDER BY id
            """, Self.activity)
    }

    func activities(organizationId: Int64?, after: Int64?, limit: Int) throws -> [Activity] {
        if let organizationId {
            return try rows("""
                SELECT \(unescaped: Self.activityColumns) FROM activities
                WHERE organization_id = \(organizationId) AND id > \(after ?? 0) ORDER BY id LIMIT \(limit)
                """, Self.activity)
        }
        return try rows("""
            SELECT \(unescaped: Self.activityColumns) FROM activities WHERE id > \(after ?? 0) ORDER BY id LIMIT \(limit)
            """, Self.activity)
    }

    func insert(_ activity: Activity) throws -> Activity {
        try store(activity, id: nil)
    }

    func restore(_ activity: Activity) throws {
        _ = try store(activity, id: activity.id)
    }

    /// The one INSERT of `insert` (id nil: a new one) and `restore` (the given id).
    private func store(_ activity: Activity, id: Int64?) throws -> Activity {
        let id = try row("""
            INSERT INTO activities (id, organization_id, title, content, category, place, start_at, end_at, leader, created_at)
            VALUES (COALESCE(\(id)::bigint, nextval(pg_get_serial_sequence('activities', 'id'))),
                    \(activity.organizationId), \(activity.title), \(activity.content),
                    \(activity.category.rawValue), \(activity.place), \(Self.stored(activity.startAt)),
                    \(Self.stored(activity.endAt)), \(activity.leader), \(Self.stored(activity.createdAt)))
            RETURNING id
            """) { try $0.next(Int64.self) }
        var stored = activity
        stored.id = try Self.require(id)
        return stored
    }

    // MARK: Records

    private static let recordColumns = """
        id, volunteer_id, activity_id, organization_id, start_at, end_at, minutes, source, note, recorded_by, recorded_at,
        is_late, is_void, revision
        """

    private static func record(_ c: inout Columns) throws -> ServiceRecord {
        ServiceRecord(id: try c.next(), volunteerId: try c.next(), activityId: try c.next(), organizationId: try c.next(),
                      startAt: try c.next(), endAt: try c.next(), minutes: try c.next(),
                      source: try StoredValue.decode(try c.next(), column: "service_records.source"), note: try c.next(),
                      recordedBy: try c.next(), recordedAt: try c.next(), isLate: try c.next(), isVoid: try c.next(),
                      revision: try c.next())
    }

    private static let revisionColumns = """
        v.record_id, v.revision, v.kind, v.start_at, v.end_at, v.minutes, v.note, v.reason, v.actor_id, v.at,
        v.chain_sequence, v.digest
        """

    private static func revision(_ c: inout Columns) throws -> RecordRevision {
        RecordRevision(recordId: try c.next(), revision: try c.next(), kind: try StoredValue.decode(try c.next(), column: "record_revisions.kind"),
                       startAt: try c.next(), endAt: try c.next(), minutes: try c.next(), note: try c.next(),
                       reason: try c.next(), actorId: try c.next(), at: try c.next(), chainSequence: try c.next(),
                       digest: try c.next())
    }

    /// The WHERE clause of a filter; every value is bound.
    private static func clause(_ filter: RecordFilter, into query: inout QueryText) {
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

    private func totals(_ filter: RecordFilter, by column: String, after: Int64? = nil, limit: Int? = nil) throws -> [KeyedMinuteTotal] {
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
    private func overlapError(_ record: ServiceRecord) throws -> any Error {
        guard let other = try overlappingRecord(volunteerId: record.volunteerId, start: record.startAt, end: record.endAt,
                                                excluding: nil) else {
            return PostgresStoreError.conflict(constraint: "service_records_no_overlap",
                                               detail: "record of volunteer \(record.volunteerId) conflicts with a concurrent write")
        }
        let zone = try organization(id: other.organizationId)?.timeZone ?? .ledgerDefault
        return LedgerError.overlapsRecord(recordId: other.id, start: LocalDateTime(other.startAt, in: zone).description,
                                          end: LocalDateTime(other.endAt, in: zone).description)
    }

    func restore(_ record: ServiceRecord) throws {
        _ = try store(record, id: record.id)
    }

    /// The one INSERT of `insert` (id nil: a new one) and `restore` (the given id). ON CONFLICT DO NOTHING covers
    /// the exclusion constraint: a record that overlaps one committed by another process is refused as a rule
    /// violation, and the transaction stays usable.
    private func store(_ record: ServiceRecord, id: Int64?) throws -> ServiceRecord {
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

    func lockVolunteer(id: Int64) throws {
        // A transaction-scoped advisory lock, released at COMMIT or ROLLBACK; it serializes the overlap and
        // daily-limit checks of one volunteer across every process. Ids past 2^31 share locks, which only
        // serializes more.
        // Sent without waiting: the next statement queues behind the lock on the server.
        guard !lockedVolunteers.contains(id) else { return }
        pipeline("SELECT pg_advisory_xact_lock(\(PostgresSchema.LockNamespace.volunteer), \(Int32(truncatingIfNeeded: id & 0x7FFF_FFFF)))")
        lockedVolunteers.insert(id)
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

    // MARK: Accounts

    private static let userColumns = "id, username, display_name, role, organization_id, volunteer_id, password_hash, created_at, is_disabled"

    private static func user(_ c: inout Columns) throws -> UserAccount {
        UserAccount(id: try c.next(), username: try c.next(), displayName: try c.next(),
                    role: try StoredValue.decode(try c.next(), column: "users.role"), organizationId: try c.next(),
                    volunteerId: try c.next(), passwordHash: try c.next(), createdAt: try c.next(), isDisabled: try c.next())
    }

    func user(id: Int64) throws -> UserAccount? {
        try row("SELECT \(unescaped: Self.userColumns) FROM users WHERE id = \(id)", Self.user)
    }

    func user(username: String) throws -> UserAccount? {
        try row("SELECT \(unescaped: Self.userColumns) FROM users WHERE username = \(username)", Self.user)
    }

    func users(after: Int64?, limit: Int) throws -> [UserAccount] {
        try rows("SELECT \(unescaped: Self.userColumns) FROM users WHERE id > \(after ?? 0) ORDER BY id LIMIT \(limit)", Self.user)
    }

    func insert(_ user: UserAccount) throws -> UserAccount {
        try store(user, id: nil)
    }

    func restore(_ user: UserAccount) throws {
        _ = try store(user, id: user.id)
    }

    /// The one INSERT of `insert` (id nil: a new one) and `restore` (the given id).
    private func store(_ user: UserAccount, id: Int64?) throws -> UserAccount {
        let id = try row("""
            INSERT INTO users (id, username, display_name, role, organization_id, volunteer_id, password_hash, created_at, is_disabled)
            VALUES (COALESCE(\(id)::bigint, nextval(pg_get_serial_sequence('users', 'id'))),
                    \(user.username), \(user.displayName), \(user.role.rawValue), \(user.organizationId),
                    \(user.volunteerId), \(user.passwordHash), \(Self.stored(user.createdAt)), \(user.isDisabled))
            RETURNING id
            """) { try $0.next(Int64.self) }
        var stored = user
        stored.id = try Self.require(id)
        return stored
    }

    private static let sessionColumns = "token_hash, user_id, created_at, expires_at, revoked_at"

    private static func session(_ c: inout Columns) throws -> AccessSession {
        AccessSession(tokenHash: try c.next(), userId: try c.next(), createdAt: try c.next(), expiresAt: try c.next(),
                      revokedAt: try c.next())
    }

    func sessionAccount(tokenHash: String) throws -> (session: AccessSession, account: UserAccount)? {
        try row("""
            SELECT \(unescaped: Self.sessionColumns.split(separator: ",").map { "s." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", ")),
                   \(unescaped: Self.userColumns.split(separator: ",").map { "u." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", "))
            FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = \(tokenHash)
            """) { (try Self.session(&$0), try Self.user(&$0)) }
    }

    func session(tokenHash: String) throws -> AccessSession? {
        try row("SELECT \(unescaped: Self.sessionColumns) FROM sessions WHERE token_hash = \(tokenHash)", Self.session)
    }

    func sessions(after tokenHash: String?, limit: Int) throws -> [AccessSession] {
        try rows("""
            SELECT \(unescaped: Self.sessionColumns) FROM sessions WHERE token_hash COLLATE "C" > \(tokenHash ?? "")
            ORDER BY token_hash COLLATE "C" LIMIT \(limit)
            """, Self.session)
    }

    func insert(_ session: AccessSession) throws {
        try run("""
            INSERT INTO sessions (token_hash, user_id, created_at, expires_at, revoked_at)
            VALUES (\(session.tokenHash), \(session.userId), \(Self.stored(session.createdAt)), \(Self.stored(session.expiresAt)), NULL)
            """)
    }

    func restore(_ session: AccessSession) throws {
        try run("""
            INSERT INTO sessions (token_hash, user_id, created_at, expires_at, revoked_at)
            VALUES (\(session.tokenHash), \(session.userId), \(Self.stored(session.createdAt)), \(Self.stored(session.expiresAt)),
                    \(session.revokedAt.map(Self.stored)))
            """)
    }

    func revokeSession(tokenHash: String, at: Date) throws {
        try run("UPDATE sessions SET revoked_at = \(Self.stored(at)) WHERE token_hash = \(tokenHash) AND revoked_at IS NULL")
    }

    // MARK: Calendar

    func holidays() throws -> [HolidayEntry] {
        try rows("SELECT to_char(date, 'YYYY-MM-DD'), is_workday FROM holidays ORDER BY date") { c in
            HolidayEntry(date: try StoredValue.date(try c.next(), column: "holidays.date"), isWorkday: try c.next())
        }
    }

    func setHoliday(_ entry: HolidayEntry) throws {
        try run("""
            INSERT INTO holidays (date, is_workday) VALUES (\(entry.date.description)::date, \(entry.isWorkday))
            ON CONFLICT (date) DO UPDATE SET is_workday = EXCLUDED.is_workday
            """)
    }

    // MARK: Whole-ledger copies

    func rowCounts() throws -> LedgerRowCounts {
        var counts = try row("""
            SELECT (SELECT COUNT(*) FROM organizations), (SELECT COUNT(*) FROM volunteers), (SELECT COUNT(*) FROM memberships),
                   (SELECT COUNT(*) FROM activities), (SELECT COUNT(*) FROM service_records),
                   (SELECT COUNT(*) FROM record_revisions), (SELECT COUNT(*) FROM chain_heads WHERE sequence > 0),
                   (SELECT COUNT(*) FROM users), (SELECT COUNT(*) FROM sessions), (SELECT COUNT(*) FROM holidays)
            """) { c in
            var counts = LedgerRowCounts()
            counts.organizations = try c.next()
            counts.volunteers = try c.next()
            counts.memberships = try c.next()
            counts.activities = try c.next()
            counts.serviceRecords = try c.next()
            counts.recordRevisions = try c.next()
            counts.chainHeads = try c.next()
            counts.users = try c.next()
            counts.sessions = try c.next()
            counts.holidays = try c.next()
            return counts
        } ?? LedgerRowCounts()
        let others = try rows("""
            SELECT table_name::text FROM information_schema.tables
            WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> 'vledger_schema_migrations'
            ORDER BY table_name
            """) { try $0.next(String.self) }.filter { !LedgerRowCounts.coreTables.contains($0) }
        for table in others {
            // The name comes from the catalog; quote_ident makes it an identifier.
            let identifier = try row("SELECT quote_ident(\(table))") { try $0.next(String.self) } ?? table
            let count = try row("SELECT COUNT(*) FROM \(unescaped: identifier)") { try $0.next(Int.self) } ?? 0
            if count > 0 { counts.otherTables[table] = count }
        }
        return counts
    }

    func resetIdSequences() throws {
        for table in PostgresSchema.tablesWithIdentity {
            // Table names are constants of the schema, not input.
            try run("""
                SELECT setval(pg_get_serial_sequence('\(unescaped: table)', 'id'),
                              COALESCE((SELECT MAX(id) FROM \(unescaped: table)), 0) + 1, false)
                """)
        }
    }

    private static func require(_ id: Int64?) throws -> Int64 {
        guard let id else { throw PostgresStoreError.decoding("INSERT ... RETURNING id returned no row") }
        return id
    }
}

/// Reads the columns of a row left to right.
struct Columns {
    private let cells: PostgresRandomAccessRow
    private var index = 0

    init(_ row: PostgresRow) {
        cells = row.makeRandomAccess()
    }

    mutating func next<T: PostgresDecodable>(_ type: T.Type = T.self) throws -> T {
        defer { index += 1 }
        return try cells[index].decode(T.self)
    }
}

/// SQL text built piece by piece, with values appended as bind parameters.
struct QueryText {
    private var sql: String
    private var binds = PostgresBindings()

    init(_ sql: String) {
        self.sql = sql
    }

    mutating func append(_ text: String) {
        sql += text
    }

    mutating func bind<Value: PostgresNonThrowingEncodable>(_ value: Value) {
        binds.append(value)
        sql += "$\(binds.count)"
    }

    var query: PostgresQuery { PostgresQuery(unsafeSQL: sql, binds: binds) }
}
