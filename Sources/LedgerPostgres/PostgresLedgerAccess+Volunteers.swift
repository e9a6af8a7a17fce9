import Foundation
import LedgerCore
import PostgresNIO

/// Volunteers and memberships: `VolunteerReader` and `VolunteerWriter`.
extension PostgresLedgerAccess {
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

    func volunteer(number: String, memberOf organizationId: Int64) throws -> (volunteer: Volunteer, isMember: Bool)? {
        try row("""
            SELECT \(unescaped: Self.volunteerColumns),
                   EXISTS (SELECT 1 FROM memberships m WHERE m.volunteer_id = v.id AND m.organization_id = \(organizationId))
            FROM volunteers v WHERE v.number = \(number)
            """) { (try Self.volunteer(&$0), try $0.next(Bool.self)) }
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

    static func membership(_ c: inout Columns) throws -> Membership {
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
    func store(_ volunteer: Volunteer, id: Int64?) throws -> Volunteer {
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

    func lockVolunteer(id: Int64) throws {
        // A transaction-scoped advisory lock, released at COMMIT or ROLLBACK; it serializes the overlap and
        // daily-limit checks of one volunteer across every process. Ids past 2^31 share locks, which only
        // serializes more.
        // Sent without waiting: the next statement queues behind the lock on the server.
        guard !lockedVolunteers.contains(id) else { return }
        pipeline("SELECT pg_advisory_xact_lock(\(PostgresSchema.LockNamespace.volunteer), \(PostgresSchema.LockNamespace.key(id)))")
        lockedVolunteers.insert(id)
    }

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

    func memberIds(organizationId: Int64, among volunteerIds: [Int64]) throws -> Set<Int64> {
        guard !volunteerIds.isEmpty else { return [] }
        return Set(try rows("""
            SELECT volunteer_id FROM memberships WHERE organization_id = \(organizationId) AND volunteer_id = ANY(\(volunteerIds))
            """) { try $0.next(Int64.self) })
    }

    /// One statement for the whole batch: the ids come back with the numbers they were given.
    func insert(_ volunteers: [Volunteer]) throws -> [Volunteer] {
        guard !volunteers.isEmpty else { return [] }
        let ids = try rows("""
            INSERT INTO volunteers (number, name, sex, birth_date, document_type, document_number, residence_area, phone,
                                    skills, service_categories, registered_at)
            SELECT v.number, v.name, v.sex, v.birth_date::date, v.document_type, v.document_number, v.residence_area, v.phone,
                   ARRAY(SELECT jsonb_array_elements_text(v.skills)), ARRAY(SELECT jsonb_array_elements_text(v.categories)),
                   v.registered_at
            FROM unnest(\(volunteers.map(\.number))::text[], \(volunteers.map(\.name))::text[], \(volunteers.map(\.sex.rawValue))::text[],
                        \(volunteers.map(\.birthDate.description))::text[], \(volunteers.map(\.documentType.rawValue))::text[],
                        \(volunteers.map(\.documentNumber))::text[], \(volunteers.map(\.residenceArea))::text[],
                        \(volunteers.map(\.phone))::text[], \(volunteers.map { Self.jsonArray($0.skills) })::jsonb[],
                        \(volunteers.map { Self.jsonArray($0.serviceCategories.map(\.rawValue)) })::jsonb[],
                        \(volunteers.map { Self.stored($0.registeredAt) })::timestamptz[])
                 AS v(number, name, sex, birth_date, document_type, document_number, residence_area, phone, skills, categories,
                      registered_at)
            RETURNING number, id
            """) { row -> (String, Int64) in (try row.next(String.self), try row.next(Int64.self)) }
        let idByNumber = Dictionary(ids, uniquingKeysWith: { first, _ in first })
        return try volunteers.map { volunteer in
            var stored = volunteer
            stored.id = try Self.require(idByNumber[volunteer.number])
            return stored
        }
    }

    /// A list as JSON text, for lists of lists (which PostgreSQL arrays cannot hold) in one statement.
    private static func jsonArray(_ items: [String]) -> String {
        String(decoding: (try? JSONEncoder().encode(items)) ?? Data("[]".utf8), as: UTF8.self)
    }

    func lockVolunteers(ids: [Int64]) throws {
        let keys = ids.filter { !lockedVolunteers.contains($0) }.map(PostgresSchema.LockNamespace.key)
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
}
