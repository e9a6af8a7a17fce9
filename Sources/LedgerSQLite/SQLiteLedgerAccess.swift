import Foundation
import GRDB
import LedgerCore

/// `LedgerReader` and `LedgerWriter` over one GRDB connection inside a read or a transaction.
/// Every statement is parameterized and cached.
struct SQLiteLedgerAccess: LedgerWriter {
    let db: Database

    // MARK: Helpers

    private func rows(_ sql: String, _ arguments: StatementArguments = []) throws -> [Row] {
        try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
    }

    private func row(_ sql: String, _ arguments: StatementArguments = []) throws -> Row? {
        try Row.fetchOne(db.cachedStatement(sql: sql), arguments: arguments)
    }

    /// Rows of `select` (ending in `IN`) for these ids, 500 bound parameters a statement.
    private func rows(_ select: String, ids: [Int64]) throws -> [Row] {
        var found: [Row] = []
        for start in stride(from: 0, to: ids.count, by: 500) {
            let chunk = Array(ids[start..<min(start + 500, ids.count)])
            found += try rows("\(select) (\(Array(repeating: "?", count: chunk.count).joined(separator: ",")))",
                              StatementArguments(chunk))
        }
        return found
    }

    private func execute(_ sql: String, _ arguments: StatementArguments) throws {
        try db.cachedStatement(sql: sql).execute(arguments: arguments)
    }

    private static func seconds(_ date: Date) -> Int64 { Int64(date.timeIntervalSince1970) }
    private static func date(_ seconds: Int64) -> Date { Date(timeIntervalSince1970: TimeInterval(seconds)) }

    // MARK: Organizations

    // Rows are read by position from explicit column lists: looking a column up by name costs more than
    // the query on a list page, and a column added later cannot shift what is read.

    private static let organizationColumns = "id, credit_code, name, region_code, contact_name, contact_phone, time_zone, created_at"

    private static func organization(_ row: Row) -> Organization {
        Organization(id: row[0], creditCode: row[1], name: row[2], regionCode: row[3], contactName: row[4], contactPhone: row[5],
                     timeZoneIdentifier: row[6], createdAt: date(row[7]))
    }

    func organization(id: Int64) throws -> Organization? {
        try row("SELECT \(Self.organizationColumns) FROM organizations WHERE id = ?", [id]).map(Self.organization)
    }

    func organization(creditCode: String) throws -> Organization? {
        try row("SELECT \(Self.organizationColumns) FROM organizations WHERE credit_code = ?", [creditCode]).map(Self.organization)
    }

    func organizations(after: Int64?, limit: Int) throws -> [Organization] {
        try rows("SELECT \(Self.organizationColumns) FROM organizations WHERE id > ? ORDER BY id LIMIT ?", [after ?? 0, limit]).map(Self.organization)
    }

    func insert(_ organization: Organization) throws -> Organization {
        try store(organization, id: nil)
    }

    // MARK: Volunteers

    /// Volunteer columns of the table aliased `v`.
    private static let volunteerColumns = """
        v.id, v.number, v.name, v.sex, v.birth_date, v.document_type, v.document_number, v.residence_area, v.phone, v.skills,
        v.service_categories, v.registered_at
        """

    private static func volunteer(_ row: Row) throws -> Volunteer {
        try Volunteer(id: row[0], number: row[1], name: row[2],
                      sex: StoredValue.decode(row[3], column: "volunteers.sex"),
                      birthDate: StoredValue.date(row[4], column: "volunteers.birth_date"),
                      documentType: StoredValue.decode(row[5], column: "volunteers.document_type"),
                      documentNumber: row[6], residenceArea: row[7], phone: row[8],
                      skills: StoredValue.json(row[9], column: "volunteers.skills"),
                      serviceCategories: StoredValue.decode(StoredValue.json(row[10], column: "volunteers.service_categories"),
                                                            column: "volunteers.service_categories"),
                      registeredAt: date(row[11]))
    }

    func volunteer(id: Int64) throws -> Volunteer? {
        try row("SELECT \(Self.volunteerColumns) FROM volunteers v WHERE id = ?", [id]).map(Self.volunteer)
    }

    /// The volunteers with these ids in one statement (a page of records names up to a few hundred).
    func volunteers(ids: [Int64]) throws -> [Volunteer] {
        try rows("SELECT \(Self.volunteerColumns) FROM volunteers v WHERE id IN", ids: ids).map(Self.volunteer)
    }

    /// The activities with these ids in one statement.
    func activities(ids: [Int64]) throws -> [Activity] {
        try rows("SELECT \(Self.activityColumns) FROM activities WHERE id IN", ids: ids).map(Self.activity)
    }

    func volunteer(number: String) throws -> Volunteer? {
        try row("SELECT \(Self.volunteerColumns) FROM volunteers v WHERE number = ?", [number]).map(Self.volunteer)
    }

    func volunteer(documentType: DocumentType, documentNumber: String) throws -> Volunteer? {
        try row("SELECT \(Self.volunteerColumns) FROM volunteers v WHERE document_type = ? AND document_number = ?",
                [documentType.rawValue, documentNumber]).map(Self.volunteer)
    }

    func members(organizationId: Int64, after: Int64?, limit: Int) throws -> [Volunteer] {
        try rows("""
            SELECT \(Self.volunteerColumns) FROM memberships m JOIN volunteers v ON v.id = m.volunteer_id
            WHERE m.organization_id = ? AND m.volunteer_id > ? ORDER BY m.volunteer_id LIMIT ?
            """, [organizationId, after ?? 0, limit]).map(Self.volunteer)
    }

    func searchMembers(organizationId: Int64, text: String, limit: Int) throws -> [Volunteer] {
        let pattern = "%" + LikePattern.escaped(text) + "%"
        let digits = text.count >= 4 && text.allSatisfy(\.isASCII) && text.allSatisfy(\.isNumber)
        return try rows("""
            SELECT \(Self.volunteerColumns) FROM memberships m JOIN volunteers v ON v.id = m.volunteer_id
            WHERE m.organization_id = ? AND (v.name LIKE ? ESCAPE '\\' OR v.number = ? OR (? AND v.phone LIKE ? ESCAPE '\\'))
            ORDER BY v.id LIMIT ?
            """, [organizationId, pattern, text.uppercased(), digits, "%" + LikePattern.escaped(text), limit]).map(Self.volunteer)
    }

    func memberships(volunteerId: Int64) throws -> [Membership] {
        try rows("SELECT volunteer_id, organization_id, joined_at FROM memberships WHERE volunteer_id = ? ORDER BY organization_id", [volunteerId]).map {
            Membership(volunteerId: $0[0], organizationId: $0[1], joinedAt: Self.date($0[2]))
        }
    }

    func insert(_ volunteer: Volunteer) throws -> Volunteer {
        try store(volunteer, id: nil)
    }

    func insert(_ membership: Membership) throws -> Bool {
        try execute("INSERT OR IGNORE INTO memberships (organization_id, volunteer_id, joined_at) VALUES (?, ?, ?)",
                    [membership.organizationId, membership.volunteerId, Self.seconds(membership.joinedAt)])
        return db.changesCount > 0
    }

    // MARK: Activities

    private static let activityColumns = "id, organization_id, title, content, category, place, start_at, end_at, leader, created_at"

    private static func activity(_ row: Row) throws -> Activity {
        try Activity(id: row[0], organizationId: row[1], title: row[2], content: row[3],
                     category: StoredValue.decode(row[4], column: "activities.category"), place: row[5],
                     startAt: date(row[6]), endAt: date(row[7]), leader: row[8], createdAt: date(row[9]))
    }

    func activity(id: Int64) throws -> Activity? {
        try row("SELECT \(Self.activityColumns) FROM activities WHERE id = ?", [id]).map(Self.activity)
    }

    func activities(organizationId: Int64, title: String) throws -> [Activity] {
        try rows("SELECT \(Self.activityColumns) FROM activities WHERE organization_id = ? AND title = ? ORDER BY id",
                 [organizationId, title]).map(Self.activity)
    }

    func activities(organizationId: Int64?, after: Int64?, limit: Int) throws -> [Activity] {
        try rows("SELECT \(Self.activityColumns) FROM activities WHERE (?1 IS NULL OR organization_id = ?1) AND id > ?2 ORDER BY id LIMIT ?3",
                 [organizationId, after ?? 0, limit]).map(Self.activity)
    }

    func insert(_ activity: Activity) throws -> Activity {
        try store(activity, id: nil)
    }

    // MARK: Records

    private static let recordColumns = """
        id, volunteer_id, activity_id, organization_id, start_at, end_at, minutes, source, note, recorded_by, recorded_at, is_late,
        is_void, revision
        """

    private static func record(_ row: Row) throws -> ServiceRecord {
        try ServiceRecord(id: row[0], volunteerId: row[1], activityId: row[2], organizationId: row[3], startAt: date(row[4]),
                          endAt: date(row[5]), minutes: row[6], source: StoredValue.decode(row[7], column: "service_records.source"),
                          note: row[8], recordedBy: row[9], recordedAt: date(row[10]), isLate: row[11], isVoid: row[12],
                          revision: row[13])
    }

    /// Revision columns of the table aliased `v`.
    private static let revisionColumns = """
        v.record_id, v.revision, v.kind, v.start_at, v.end_at, v.minutes, v.note, v.reason, v.actor_id, v.at, v.chain_sequence, v.digest
        """

    private static func revision(_ row: Row) throws -> RecordRevision {
        try RecordRevision(recordId: row[0], revision: row[1], kind: StoredValue.decode(row[2], column: "record_revisions.kind"),
                           startAt: date(row[3]), endAt: date(row[4]), minutes: row[5], note: row[6], reason: row[7],
                           actorId: row[8], at: date(row[9]), chainSequence: row[10], digest: row[11])
    }

    /// The WHERE clause and arguments of a filter; every value is bound, never spliced.
    private static func clause(_ filter: RecordFilter) -> (sql: String, arguments: StatementArguments) {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let id = filter.organizationId { conditions.append("organization_id = ?"); arguments += [id] }
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

    private func totals(_ filter: RecordFilter, by column: String, after: Int64? = nil, limit: Int? = nil) throws -> [KeyedMinuteTotal] {
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

    func lockVolunteer(id: Int64) throws {
        // SQLite write transactions are serialized by the database lock (taken IMMEDIATE).
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

    // MARK: Accounts

    private static let userColumns = "id, username, display_name, role, organization_id, volunteer_id, password_hash, created_at, is_disabled"

    private static func user(_ row: Row) throws -> UserAccount {
        try UserAccount(id: row[0], username: row[1], displayName: row[2], role: StoredValue.decode(row[3], column: "users.role"),
                        organizationId: row[4], volunteerId: row[5], passwordHash: row[6], createdAt: date(row[7]),
                        isDisabled: row[8])
    }

    func user(id: Int64) throws -> UserAccount? {
        try row("SELECT \(Self.userColumns) FROM users WHERE id = ?", [id]).map(Self.user)
    }

    func user(username: String) throws -> UserAccount? {
        try row("SELECT \(Self.userColumns) FROM users WHERE username = ?", [username]).map(Self.user)
    }

    func insert(_ user: UserAccount) throws -> UserAccount {
        try store(user, id: nil)
    }

    func session(tokenHash: String) throws -> AccessSession? {
        try row("SELECT token_hash, user_id, created_at, expires_at, revoked_at FROM sessions WHERE token_hash = ?", [tokenHash]).map {
            AccessSession(tokenHash: $0[0], userId: $0[1], createdAt: Self.date($0[2]), expiresAt: Self.date($0[3]),
                          revokedAt: ($0[4] as Int64?).map(Self.date))
        }
    }

    func insert(_ session: AccessSession) throws {
        try execute("INSERT INTO sessions (token_hash, user_id, created_at, expires_at, revoked_at) VALUES (?, ?, ?, ?, NULL)",
                    [session.tokenHash, session.userId, Self.seconds(session.createdAt), Self.seconds(session.expiresAt)])
    }

    func revokeSession(tokenHash: String, at: Date) throws {
        try execute("UPDATE sessions SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL", [Self.seconds(at), tokenHash])
    }

    // MARK: Calendar

    func holidays() throws -> [HolidayEntry] {
        try rows("SELECT date, is_workday FROM holidays ORDER BY date").map { row in
            HolidayEntry(date: try StoredValue.date(row["date"], column: "holidays.date"), isWorkday: row["is_workday"])
        }
    }

    func setHoliday(_ entry: HolidayEntry) throws {
        try execute("INSERT INTO holidays (date, is_workday) VALUES (?, ?) ON CONFLICT (date) DO UPDATE SET is_workday = excluded.is_workday",
                    [entry.date.description, entry.isWorkday])
    }
}

// MARK: Whole-ledger copies

extension SQLiteLedgerAccess {
    func volunteers(after: Int64?, limit: Int) throws -> [Volunteer] {
        try rows("SELECT \(Self.volunteerColumns) FROM volunteers v WHERE id > ? ORDER BY id LIMIT ?", [after ?? 0, limit]).map(Self.volunteer)
    }

    func memberships(organizationId: Int64, after volunteerId: Int64?, limit: Int) throws -> [Membership] {
        try rows("""
            SELECT volunteer_id, organization_id, joined_at FROM memberships WHERE organization_id = ? AND volunteer_id > ? ORDER BY volunteer_id LIMIT ?
            """, [organizationId, volunteerId ?? 0, limit]).map {
            Membership(volunteerId: $0[0], organizationId: $0[1], joinedAt: Self.date($0[2]))
        }
    }

    func users(after: Int64?, limit: Int) throws -> [UserAccount] {
        try rows("SELECT \(Self.userColumns) FROM users WHERE id > ? ORDER BY id LIMIT ?", [after ?? 0, limit]).map(Self.user)
    }

    func sessions(after tokenHash: String?, limit: Int) throws -> [AccessSession] {
        // BINARY collation: byte order, as in PostgreSQL's COLLATE "C".
        try rows("SELECT token_hash, user_id, created_at, expires_at, revoked_at FROM sessions WHERE token_hash > ? ORDER BY token_hash LIMIT ?", [tokenHash ?? "", limit]).map {
            AccessSession(tokenHash: $0[0], userId: $0[1], createdAt: Self.date($0[2]), expiresAt: Self.date($0[3]),
                          revokedAt: ($0[4] as Int64?).map(Self.date))
        }
    }

    func rowCounts() throws -> LedgerRowCounts {
        guard let row = try row("""
            SELECT (SELECT COUNT(*) FROM organizations) AS organizations, (SELECT COUNT(*) FROM volunteers) AS volunteers,
                   (SELECT COUNT(*) FROM memberships) AS memberships, (SELECT COUNT(*) FROM activities) AS activities,
                   (SELECT COUNT(*) FROM service_records) AS service_records,
                   (SELECT COUNT(*) FROM record_revisions) AS record_revisions,
                   (SELECT COUNT(*) FROM chain_heads WHERE sequence > 0) AS chain_heads,
                   (SELECT COUNT(*) FROM users) AS users, (SELECT COUNT(*) FROM sessions) AS sessions,
                   (SELECT COUNT(*) FROM holidays) AS holidays
            """) else { return LedgerRowCounts() }
        var counts = LedgerRowCounts()
        counts.organizations = row["organizations"]
        counts.volunteers = row["volunteers"]
        counts.memberships = row["memberships"]
        counts.activities = row["activities"]
        counts.serviceRecords = row["service_records"]
        counts.recordRevisions = row["record_revisions"]
        counts.chainHeads = row["chain_heads"]
        counts.users = row["users"]
        counts.sessions = row["sessions"]
        counts.holidays = row["holidays"]
        let others = try String.fetchAll(db, sql: """
            SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'grdb_migrations'
            ORDER BY name
            """).filter { !LedgerRowCounts.coreTables.contains($0) }
        for table in others {
            // The name comes from the schema itself; quoted as an identifier.
            let rows = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \"\(table.replacingOccurrences(of: "\"", with: "\"\""))\"") ?? 0
            if rows > 0 { counts.otherTables[table] = rows }
        }
        return counts
    }

    func restore(_ organization: Organization) throws {
        _ = try store(organization, id: organization.id)
    }

    /// The one INSERT of `insert` (id nil: a new one) and `restore` (the given id).
    private func store(_ organization: Organization, id: Int64?) throws -> Organization {
        try execute("""
            INSERT INTO organizations (id, credit_code, name, region_code, contact_name, contact_phone, time_zone, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, [id, organization.creditCode, organization.name, organization.regionCode, organization.contactName,
                  organization.contactPhone, organization.timeZoneIdentifier, Self.seconds(organization.createdAt)])
        var stored = organization
        stored.id = db.lastInsertedRowID
        return stored
    }

    func restore(_ volunteer: Volunteer) throws {
        _ = try store(volunteer, id: volunteer.id)
    }

    /// The one INSERT of `insert` (id nil: a new one) and `restore` (the given id).
    private func store(_ volunteer: Volunteer, id: Int64?) throws -> Volunteer {
        try execute("""
            INSERT INTO volunteers (id, number, name, sex, birth_date, document_type, document_number, residence_area, phone,
                                    skills, service_categories, registered_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [id, volunteer.number, volunteer.name, volunteer.sex.rawValue, volunteer.birthDate.description,
                  volunteer.documentType.rawValue, volunteer.documentNumber, volunteer.residenceArea, volunteer.phone,
                  StoredList.encode(volunteer.skills), StoredList.encode(volunteer.serviceCategories.map(\.rawValue)),
                  Self.seconds(volunteer.registeredAt)])
        var stored = volunteer
        stored.id = db.lastInsertedRowID
        return stored
    }

    func restore(_ activity: Activity) throws {
        _ = try store(activity, id: activity.id)
    }

    /// The one INSERT of `insert` (id nil: a new one) and `restore` (the given id).
    private func store(_ activity: Activity, id: Int64?) throws -> Activity {
        try execute("""
            INSERT INTO activities (id, organization_id, title, content, category, place, start_at, end_at, leader, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [id, activity.organizationId, activity.title, activity.content, activity.category.rawValue, activity.place,
                  Self.seconds(activity.startAt), Self.seconds(activity.endAt), activity.leader, Self.seconds(activity.createdAt)])
        var stored = activity
        stored.id = db.lastInsertedRowID
        return stored
    }

    func restore(_ record: ServiceRecord) throws {
        _ = try store(record, id: record.id)
    }

    /// The one INSERT of `insert` (id nil: a new one) and `restore` (the given id).
    private func store(_ record: ServiceRecord, id: Int64?) throws -> ServiceRecord {
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

    func restore(_ user: UserAccount) throws {
        _ = try store(user, id: user.id)
    }

    /// The one INSERT of `insert` (id nil: a new one) and `restore` (the given id).
    private func store(_ user: UserAccount, id: Int64?) throws -> UserAccount {
        try execute("""
            INSERT INTO users (id, username, display_name, role, organization_id, volunteer_id, password_hash, created_at, is_disabled)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [id, user.username, user.displayName, user.role.rawValue, user.organizationId, user.volunteerId,
                  user.passwordHash, Self.seconds(user.createdAt), user.isDisabled])
        var stored = user
        stored.id = db.lastInsertedRowID
        return stored
    }

    func restore(_ session: AccessSession) throws {
        try execute("INSERT INTO sessions (token_hash, user_id, created_at, expires_at, revoked_at) VALUES (?, ?, ?, ?, ?)",
                    [session.tokenHash, session.userId, Self.seconds(session.createdAt), Self.seconds(session.expiresAt),
                     session.revokedAt.map(Self.seconds)])
    }

    func resetIdSequences() throws {
        // AUTOINCREMENT already keeps sqlite_sequence at the largest id inserted, explicit or not.
    }
}

/// Lists of short strings kept in one column as JSON.
enum StoredList {
    static func encode(_ values: [String]) -> String {
        (try? String(decoding: JSONEncoder().encode(values), as: UTF8.self)) ?? "[]"
    }
}
