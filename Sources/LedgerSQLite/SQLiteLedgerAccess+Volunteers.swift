import Foundation
import GRDB
import LedgerCore

/// Volunteers and memberships: `VolunteerReader` and `VolunteerWriter`.
extension SQLiteLedgerAccess {
    /// Volunteer columns of the table aliased `v`.
    static let volunteerColumns = """
        v.id, v.number, v.name, v.sex, v.birth_date, v.document_type, v.document_number, v.residence_area, v.phone, v.skills,
        v.service_categories, v.registered_at
        """

    static func volunteer(_ row: Row) throws -> Volunteer {
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

    /// One statement per 250 documents: the documents drive (CROSS JOIN keeps them outside), each a search of the unique
    /// index on (document_type, document_number). A row-value IN would read the table whole.
    func volunteers(documents: [DocumentKey]) throws -> [Volunteer] {
        var found: [Volunteer] = []
        for start in stride(from: 0, to: documents.count, by: 250) {
            let chunk = documents[start..<min(start + 250, documents.count)]
            let pairs = Array(repeating: "(?, ?)", count: chunk.count).joined(separator: ", ")
            found += try rows("""
                SELECT \(Self.volunteerColumns) FROM (VALUES \(pairs)) AS d
                CROSS JOIN volunteers v ON v.document_type = d.column1 AND v.document_number = d.column2
                """, StatementArguments(chunk.flatMap { [$0.type.rawValue, $0.number] })).map(Self.volunteer)
        }
        return found
    }

    /// One statement per 500 ids, each a search of the memberships' primary key.
    func memberIds(organizationId: Int64, among volunteerIds: [Int64]) throws -> Set<Int64> {
        var found: Set<Int64> = []
        for start in stride(from: 0, to: volunteerIds.count, by: 500) {
            let chunk = Array(volunteerIds[start..<min(start + 500, volunteerIds.count)])
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
            for row in try rows("SELECT volunteer_id FROM memberships WHERE organization_id = ? AND volunteer_id IN (\(marks))",
                                StatementArguments([organizationId] + chunk)) {
                found.insert(row[0])
            }
        }
        return found
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

    func lockVolunteer(id: Int64) throws {
        // SQLite write transactions are serialized by the database lock (taken IMMEDIATE).
    }

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

    func restore(_ volunteer: Volunteer) throws {
        _ = try store(volunteer, id: volunteer.id)
    }

    /// The one INSERT of `insert` (id nil: a new one) and `restore` (the given id).
    func store(_ volunteer: Volunteer, id: Int64?) throws -> Volunteer {
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
}
