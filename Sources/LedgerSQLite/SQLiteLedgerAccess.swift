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

    private func execute(_ sql: String, _ arguments: StatementArguments) throws {
        try db.cachedStatement(sql: sql).execute(arguments: arguments)
    }

    private static func seconds(_ date: Date) -> Int64 { Int64(date.timeIntervalSince1970) }
    private static func date(_ seconds: Int64) -> Date { Date(timeIntervalSince1970: TimeInterval(seconds)) }

    // MARK: Organizations

    private static func organization(_ row: Row) -> Organization {
        Organization(id: row["id"], creditCode: row["credit_code"], name: row["name"], regionCode: row["region_code"],
                     contactName: row["contact_name"], contactPhone: row["contact_phone"],
                     timeZoneIdentifier: row["time_zone"], createdAt: date(row["created_at"]))
    }

    func organization(id: Int64) throws -> Organization? {
        try row("SELECT * FROM organizations WHERE id = ?", [id]).map(Self.organization)
    }

    func organization(creditCode: String) throws -> Organization? {
        try row("SELECT * FROM organizations WHERE credit_code = ?", [creditCode]).map(Self.organization)
    }

    func organizations(after: Int64?, limit: Int) throws -> [Organization] {
        try rows("SELECT * FROM organizations WHERE id > ? ORDER BY id LIMIT ?", [after ?? 0, limit]).map(Self.organization)
    }

    func insert(_ organization: Organization) throws -> Organization {
        try execute("""
            INSERT INTO organizations (credit_code, name, region_code, contact_name, contact_phone, time_zone, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """, [organization.creditCode, organization.name, organization.regionCode, organization.contactName,
                  organization.contactPhone, organization.timeZoneIdentifier, Self.seconds(organization.createdAt)])
        var stored = organization
        stored.id = db.lastInsertedRowID
        return stored
    }

    // MARK: Volunteers

    private static func volunteer(_ row: Row) throws -> Volunteer {
        try Volunteer(id: row["id"], number: row["number"], name: row["name"],
                  sex: StoredValue.decode(row["sex"], column: "volunteers.sex"),
                  birthDate: StoredValue.date(row["birth_date"], column: "volunteers.birth_date"),
                  documentType: StoredValue.decode(row["document_type"], column: "volunteers.document_type"),
                  documentNumber: row["document_number"], residenceArea: row["residence_area"], phone: row["phone"],
                  skills: StoredValue.json(row["skills"], column: "volunteers.skills"),
                  serviceCategories: StoredValue.decode(StoredValue.json(row["service_categories"], column: "volunteers.service_categories"),
                                                     column: "volunteers.service_categories"),
                  registeredAt: date(row["registered_at"]))
    }

    func volunteer(id: Int64) throws -> Volunteer? {
        try row("SELECT * FROM volunteers WHERE id = ?", [id]).map(Self.volunteer)
    }

    /// The volunteers with these ids in one statement (a page of records names up to a few hundred).
    func volunteers(ids: [Int64]) throws -> [Volunteer] {
        guard !ids.isEmpty else { return [] }
        var found: [Volunteer] = []
        for chunk in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min($0 + 500, ids.count)]) }) {
            let placeholders = Array(repeating: "?", count: chunk.count).joined(separator: ",")
            found += try rows("SELECT * FROM volunteers WHERE id IN (\(placeholders))", StatementArguments(chunk)).map(Self.volunteer)
        }
        return found
    }

    func volunteer(number: String) throws -> Volunteer? {
        try row("SELECT * FROM volunteers WHERE number = ?", [number]).map(Self.volunteer)
    }

    func volunteer(documentType: DocumentType, documentNumber: String) throws -> Volunteer? {
        try row("SELECT * FROM volunteers WHERE document_type = ? AND document_number = ?",
                [documentType.rawValue, documentNumber]).map(Self.volunteer)
    }

    func members(organizationId: Int64, after: Int64?, limit: Int) throws -> [Volunteer] {
        try rows("""
            SELECT v.* FROM memberships m JOIN volunteers v ON v.id = m.volunteer_id
            WHERE m.organization_id = ? AND m.volunteer_id > ? ORDER BY m.volunteer_id LIMIT ?
            """, [organizationId, after ?? 0, limit]).map(Self.volunteer)
    }

    func searchMembers(organizationId: Int64, text: String, limit: Int) throws -> [Volunteer] {
        let pattern = "%" + LikePattern.escaped(text) + "%"
        let digits = text.count >= 4 && text.allSatisfy(\.isASCII) && text.allSatisfy(\.isNumber)
        return try rows("""
            SELECT v.* FROM memberships m JOIN volunteers v ON v.id = m.volunteer_id
            WHERE m.organization_id = ? AND (v.name LIKE ? ESCAPE '\\' OR v.number = ? OR (? AND v.phone LIKE ? ESCAPE '\\'))
            ORDER BY v.id LIMIT ?
            """, [organizationId, pattern, text.uppercased(), digits, "%" + LikePattern.escaped(text), limit]).map(Self.volunteer)
    }

    func memberships(volunteerId: Int64) throws -> [Membership] {
        try rows("SELECT * FROM memberships WHERE volunteer_id = ? ORDER BY organization_id", [volunteerId]).map {
            Membership(volunteerId: $0["volunteer_id"], organizationId: $0["organization_id"], joinedAt: Self.date($0["joined_at"]))
        }
    }

    func insert(_ volunteer: Volunteer) throws -> Volunteer {
        try execute("""
            INSERT INTO volunteers (number, name, sex, birth_date, document_type, document_number, residence_area, phone,
                                    skills, service_categories, registered_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [volunteer.number, volunteer.name, volunteer.sex.rawValue, volunteer.birthDate.description,
                  volunteer.documentType.rawValue, volunteer.documentNumber, volunteer.residenceArea, volunteer.phone,
                  StoredList.encode(volunteer.skills), StoredList.encode(volunteer.serviceCategories.map(\.rawValue)),
                  Self.seconds(volunteer.registeredAt)])
        var stored = volunteer
        stored.id = db.lastInsertedRowID
        return stored
    }

    func insert(_ membership: Membership) throws -> Bool {
        try execute("INSERT OR IGNORE INTO memberships (organization_id, volunteer_id, joined_at) VALUES (?, ?, ?)",
                    [membership.organizationId, membership.volunteerId, Self.seconds(membership.joinedAt)])
        return db.changesCount > 0
    }

    // MARK: Activities

    private static func activity(_ row: Row) throws -> Activity {
        try Activity(id: row["id"], organizationId: row["organization_id"], title: row["title"], content: row["content"],
                 category: StoredValue.decode(row["category"], column: "activities.category"), place: row["place"],
                 startAt: date(row["start_at"]), endAt: date(row["end_at"]), leader: row["leader"],
                 createdAt: date(row["created_at"]))
    }

    func activity(id: Int64) throws -> Activity? {
        try row("SELECT * FROM activities WHERE id = ?", [id]).map(Self.activity)
    }

    func activities(organizationId: Int64, title: String) throws -> [Activity] {
        try rows("SELECT * FROM activities WHERE organization_id = ? AND title = ? ORDER BY id",
                 [organizationId, title]).map(Self.activity)
    }

    func activities(organizationId: Int64?, after: Int64?, limit: Int) throws -> [Activity] {
        try rows("SELECT * FROM activities WHERE (?1 IS NULL OR organization_id = ?1) AND id > ?2 ORDER BY id LIMIT ?3",
                 [organizationId, after ?? 0, limit]).map(Self.activity)
    }

    func insert(_ activity: Activity) throws -> Activity {
        try execute("""
            INSERT INTO activities (organization_id, title, content, category, place, start_at, end_at, leader, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [activity.organizationId, activity.title, activity.content, activity.category.rawValue, activity.place,
                  Self.seconds(activity.startAt), Self.seconds(activity.endAt), activity.leader, Self.seconds(activity.createdAt)])
        var stored = activity
        stored.id = db.lastInsertedRowID
        return stored
    }

    // MARK: Records

    private static func record(_ row: Row) throws -> ServiceRecord {
        try ServiceRecord(id: row["id"], volunteerId: row["volunteer_id"], activityId: row["activity_id"],
                      organizationId: row["organization_id"], startAt: date(row["start_at"]), endAt: date(row["end_at"]),
                      minutes: row["minutes"], source: StoredValue.decode(row["source"], column: "service_records.source"), note: row["note"],
                      recordedBy: row["recorded_by"], recordedAt: date(row["recorded_at"]), isLate: row["is_late"],
                      isVoid: row["is_void"], revision: row["revision"])
    }

    private static func revision(_ row: Row) throws -> RecordRevision {
        try RecordRevision(recordId: row["record_id"], revision: row["revision"], kind: StoredValue.decode(row["kind"], column: "record_revisions.kind"),
                       startAt: date(row["start_at"]), endAt: date(row["end_at"]), minutes: row["minutes"], note: row["note"],
                       reason: row["reason"], actorId: row["actor_id"], at: date(row["at"]),
                       chainSequence: row["chain_sequence"], digest: row["digest"])
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
        try row("SELECT * FROM service_records WHERE id = ?", [id]).map(Self.record)
    }

    func records(_ filter: RecordFilter, after: Int64?, limit: Int) throws -> [ServiceRecord] {
        let (condition, arguments) = Self.clause(filter)
        return try rows("SELECT * FROM service_records WHERE \(condition) AND id > ? ORDER BY id LIMIT ?",
                        arguments + [after ?? 0, limit]).map(Self.record)
    }

    func revisions(recordId: Int64) throws -> [RecordRevision] {
        try rows("SELECT * FROM record_revisions WHERE record_id = ? ORDER BY revision", [recordId]).map(Self.revision)
    }

    func chainEntries(organizationId: Int64, after sequence: Int64, limit: Int) throws -> [ChainEntry] {
        try rows("""
            SELECT v.*, r.volunteer_id AS record_volunteer_id, r.activity_id AS record_activity_id
            FROM record_revisions v LEFT JOIN service_records r ON r.id = v.record_id
            WHERE v.organization_id = ? AND v.chain_sequence > ? ORDER BY v.chain_sequence LIMIT ?
            """, [organizationId, sequence, limit]).map {
            ChainEntry(organizationId: organizationId, volunteerId: $0["record_volunteer_id"] ?? -1,
                       activityId: $0["record_activity_id"] ?? -1, revision: try Self.revision($0))
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
        try execute("""
            INSERT INTO service_records (volunteer_id, activity_id, organization_id, start_at, end_at, minutes, source, note,
                                         recorded_by, recorded_at, is_late, is_void, revision)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [record.volunteerId, record.activityId, record.organizationId, Self.seconds(record.startAt),
                  Self.seconds(record.endAt), record.minutes, record.source.rawValue, record.note, record.recordedBy,
                  Self.seconds(record.recordedAt), record.isLate, record.isVoid, record.revision])
        var stored = record
        stored.id = db.lastInsertedRowID
        return stored
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

    private static func user(_ row: Row) throws -> UserAccount {
        try UserAccount(id: row["id"], username: row["username"], displayName: row["display_name"],
                    role: StoredValue.decode(row["role"], column: "users.role"), organizationId: row["organization_id"],
                    volunteerId: row["volunteer_id"], passwordHash: row["password_hash"],
                    createdAt: date(row["created_at"]), isDisabled: row["is_disabled"])
    }

    func user(id: Int64) throws -> UserAccount? {
        try row("SELECT * FROM users WHERE id = ?", [id]).map(Self.user)
    }

    func user(username: String) throws -> UserAccount? {
        try row("SELECT * FROM users WHERE username = ?", [username]).map(Self.user)
    }

    func insert(_ user: UserAccount) throws -> UserAccount {
        try execute("""
            INSERT INTO users (username, display_name, role, organization_id, volunteer_id, password_hash, created_at, is_disabled)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, [user.username, user.displayName, user.role.rawValue, user.organizationId, user.volunteerId,
                  user.passwordHash, Self.seconds(user.createdAt), user.isDisabled])
        var stored = user
        stored.id = db.lastInsertedRowID
        return stored
    }

    func session(tokenHash: String) throws -> AccessSession? {
        try row("SELECT * FROM sessions WHERE token_hash = ?", [tokenHash]).map {
            AccessSession(tokenHash: $0["token_hash"], userId: $0["user_id"], createdAt: Self.date($0["created_at"]),
                          expiresAt: Self.date($0["expires_at"]), revokedAt: ($0["revoked_at"] as Int64?).map(Self.date))
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
        try rows("SELECT * FROM volunteers WHERE id > ? ORDER BY id LIMIT ?", [after ?? 0, limit]).map(Self.volunteer)
    }

    func memberships(organizationId: Int64, after volunteerId: Int64?, limit: Int) throws -> [Membership] {
        try rows("""
            SELECT * FROM memberships WHERE organization_id = ? AND volunteer_id > ? ORDER BY volunteer_id LIMIT ?
            """, [organizationId, volunteerId ?? 0, limit]).map {
            Membership(volunteerId: $0["volunteer_id"], organizationId: $0["organization_id"], joinedAt: Self.date($0["joined_at"]))
        }
    }

    func users(after: Int64?, limit: Int) throws -> [UserAccount] {
        try rows("SELECT * FROM users WHERE id > ? ORDER BY id LIMIT ?", [after ?? 0, limit]).map(Self.user)
    }

    func sessions(after tokenHash: String?, limit: Int) throws -> [AccessSession] {
        // BINARY collation: byte order, as in PostgreSQL's COLLATE "C".
        try rows("SELECT * FROM sessions WHERE token_hash > ? ORDER BY token_hash LIMIT ?", [tokenHash ?? "", limit]).map {
            AccessSession(tokenHash: $0["token_hash"], userId: $0["user_id"], createdAt: Self.date($0["created_at"]),
                          expiresAt: Self.date($0["expires_at"]), revokedAt: ($0["revoked_at"] as Int64?).map(Self.date))
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
        try execute("""
            INSERT INTO organizations (id, credit_code, name, region_code, contact_name, contact_phone, time_zone, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, [organization.id, organization.creditCode, organization.name, organization.regionCode, organization.contactName,
                  organization.contactPhone, organization.timeZoneIdentifier, Self.seconds(organization.createdAt)])
    }

    func restore(_ volunteer: Volunteer) throws {
        try execute("""
            INSERT INTO volunteers (id, number, name, sex, birth_date, document_type, document_number, residence_area, phone,
                                    skills, service_categories, registered_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [volunteer.id, volunteer.number, volunteer.name, volunteer.sex.rawValue, volunteer.birthDate.description,
                  volunteer.documentType.rawValue, volunteer.documentNumber, volunteer.residenceArea, volunteer.phone,
                  StoredList.encode(volunteer.skills), StoredList.encode(volunteer.serviceCategories.map(\.rawValue)),
                  Self.seconds(volunteer.registeredAt)])
    }

    func restore(_ activity: Activity) throws {
        try execute("""
            INSERT INTO activities (id, organization_id, title, content, category, place, start_at, end_at, leader, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [activity.id, activity.organizationId, activity.title, activity.content, activity.category.rawValue, activity.place,
                  Self.seconds(activity.startAt), Self.seconds(activity.endAt), activity.leader, Self.seconds(activity.createdAt)])
    }

    func restore(_ record: ServiceRecord) throws {
        try execute("""
            INSERT INTO service_records (id, volunteer_id, activity_id, organization_id, start_at, end_at, minutes, source, note,
                                         recorded_by, recorded_at, is_late, is_void, revision)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [record.id, record.volunteerId, record.activityId, record.organizationId, Self.seconds(record.startAt),
                  Self.seconds(record.endAt), record.minutes, record.source.rawValue, record.note, record.recordedBy,
                  Self.seconds(record.recordedAt), record.isLate, record.isVoid, record.revision])
    }

    func restore(_ user: UserAccount) throws {
        try execute("""
            INSERT INTO users (id, username, display_name, role, organization_id, volunteer_id, password_hash, created_at, is_disabled)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [user.id, user.username, user.displayName, user.role.rawValue, user.organizationId, user.volunteerId,
                  user.passwordHash, Self.seconds(user.createdAt), user.isDisabled])
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
