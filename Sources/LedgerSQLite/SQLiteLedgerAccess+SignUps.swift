import Foundation
import GRDB
import LedgerCore

/// Recruitments and sign-ups on SQLite (tables of migration `v5-sign-ups`).
extension SQLiteLedgerAccess {
    private static let recruitmentColumns = """
        r.activity_id, r.organization_id, r.audience, r.capacity, r.deadline, r.required_skills, r.opened_at, r.opened_by
        """
    private static let signUpColumns = """
        id, activity_id, organization_id, volunteer_id, state, signed_up_at, updated_at, decided_by, reason
        """

    private static func recruitment(_ row: Row) throws -> Recruitment {
        try Recruitment(activityId: row[0], organizationId: row[1], audience: StoredValue.decode(row[2], column: "recruitments.audience"),
                        capacity: row[3], deadline: Date(timeIntervalSince1970: TimeInterval(row[4] as Int64)),
                        requiredSkills: StoredValue.json(row[5], column: "recruitments.required_skills"),
                        openedAt: Date(timeIntervalSince1970: TimeInterval(row[6] as Int64)), openedBy: row[7])
    }

    private static func signUp(_ row: Row) throws -> SignUp {
        try SignUp(id: row[0], activityId: row[1], organizationId: row[2], volunteerId: row[3],
                   state: StoredValue.decode(row[4], column: "sign_ups.state"),
                   signedUpAt: Date(timeIntervalSince1970: TimeInterval(row[5] as Int64)),
                   updatedAt: Date(timeIntervalSince1970: TimeInterval(row[6] as Int64)), decidedBy: row[7], reason: row[8])
    }

    private func signUps(_ sql: String, _ arguments: StatementArguments) throws -> [SignUp] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT \(Self.signUpColumns) FROM sign_ups WHERE \(sql)"), arguments: arguments)
            .map(Self.signUp)
    }

    func recruitment(activityId: Int64) throws -> Recruitment? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT \(Self.recruitmentColumns) FROM recruitments r WHERE r.activity_id = ?"),
                         arguments: [activityId]).map(Self.recruitment)
    }

    func openRecruitments(_ filter: OpenActivityFilter, after activityId: Int64?, limit: Int) throws -> [Recruitment] {
        try Row.fetchAll(db.cachedStatement(sql: """
            SELECT \(Self.recruitmentColumns) FROM recruitments r
            JOIN activities a ON a.id = r.activity_id JOIN organizations o ON o.id = r.organization_id
            WHERE r.deadline > ? AND r.activity_id > ?
              AND (? IS NULL OR a.category = ?) AND (? IS NULL OR a.start_at >= ?) AND (? IS NULL OR a.start_at < ?)
              AND (? IS NULL OR substr(o.region_code, 1, length(?)) = ?)
              AND (r.audience = 'everyone'
                   OR EXISTS (SELECT 1 FROM memberships m WHERE m.organization_id = r.organization_id AND m.volunteer_id = ?))
            ORDER BY r.activity_id LIMIT ?
            """), arguments: [
                Self.seconds(filter.now), activityId ?? 0, filter.category?.rawValue, filter.category?.rawValue,
                filter.startsFrom.map(Self.seconds), filter.startsFrom.map(Self.seconds),
                filter.startsBefore.map(Self.seconds), filter.startsBefore.map(Self.seconds),
                filter.regionPrefix, filter.regionPrefix, filter.regionPrefix, filter.volunteerId, limit,
            ]).map(Self.recruitment)
    }

    func recruitments(after activityId: Int64?, limit: Int) throws -> [Recruitment] {
        try Row.fetchAll(db.cachedStatement(sql: """
            SELECT \(Self.recruitmentColumns) FROM recruitments r WHERE r.activity_id > ? ORDER BY r.activity_id LIMIT ?
            """), arguments: [activityId ?? 0, limit]).map(Self.recruitment)
    }

    func signUp(id: Int64) throws -> SignUp? {
        try signUps("id = ?", [id]).first
    }

    func activeSignUp(activityId: Int64, volunteerId: Int64) throws -> SignUp? {
        try signUps("activity_id = ? AND volunteer_id = ? AND state IN ('pending', 'confirmed', 'waitlisted')", [activityId, volunteerId]).first
    }

    func signUps(activityId: Int64, after: Int64?, limit: Int) throws -> [SignUp] {
        try signUps("activity_id = ? AND id > ? ORDER BY id LIMIT ?", [activityId, after ?? 0, limit])
    }

    func signUps(volunteerId: Int64, after: Int64?, limit: Int) throws -> [SignUp] {
        try signUps("volunteer_id = ? AND id > ? ORDER BY id LIMIT ?", [volunteerId, after ?? 0, limit])
    }

    func signUps(after: Int64?, limit: Int) throws -> [SignUp] {
        try signUps("id > ? ORDER BY id LIMIT ?", [after ?? 0, limit])
    }

    func signUpCounts(activityId: Int64) throws -> (placesTaken: Int, waiting: Int) {
        let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT COUNT(*) FILTER (WHERE state IN ('pending', 'confirmed')), COUNT(*) FILTER (WHERE state = 'waitlisted')
            FROM sign_ups WHERE activity_id = ?
            """), arguments: [activityId])
        return (row?[0] ?? 0, row?[1] ?? 0)
    }

    func waitingSignUps(activityId: Int64, limit: Int) throws -> [SignUp] {
        try signUps("activity_id = ? AND state = 'waitlisted' ORDER BY signed_up_at, id LIMIT ?", [activityId, limit])
    }

    func lockActivity(id: Int64) throws {
        // SQLite write transactions are serialized by the database lock (taken IMMEDIATE).
    }

    func save(_ recruitment: Recruitment) throws {
        try db.cachedStatement(sql: """
            INSERT INTO recruitments (activity_id, organization_id, audience, capacity, deadline, required_skills, opened_at, opened_by)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (activity_id) DO UPDATE SET audience = excluded.audience, capacity = excluded.capacity,
                deadline = excluded.deadline, required_skills = excluded.required_skills
            """).execute(arguments: [recruitment.activityId, recruitment.organizationId, recruitment.audience.rawValue,
                                     recruitment.capacity, Self.seconds(recruitment.deadline), StoredList.encode(recruitment.requiredSkills),
                                     Self.seconds(recruitment.openedAt), recruitment.openedBy])
    }

    func insert(_ signUp: SignUp) throws -> SignUp {
        try store(signUp, id: nil)
    }

    func restore(_ signUp: SignUp) throws {
        _ = try store(signUp, id: signUp.id)
    }

    /// The one INSERT of `insert` (a new id) and `restore` (the given id).
    private func store(_ signUp: SignUp, id: Int64?) throws -> SignUp {
        try db.cachedStatement(sql: """
            INSERT INTO sign_ups (id, activity_id, organization_id, volunteer_id, state, signed_up_at, updated_at, decided_by, reason)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [id, signUp.activityId, signUp.organizationId, signUp.volunteerId, signUp.state.rawValue,
                                     Self.seconds(signUp.signedUpAt), Self.seconds(signUp.updatedAt), signUp.decidedBy, signUp.reason])
        var stored = signUp
        stored.id = db.lastInsertedRowID
        return stored
    }

    func update(_ signUp: SignUp) throws {
        try db.cachedStatement(sql: """
            UPDATE sign_ups SET state = ?, updated_at = ?, decided_by = ?, reason = ? WHERE id = ?
            """).execute(arguments: [signUp.state.rawValue, Self.seconds(signUp.updatedAt), signUp.decidedBy, signUp.reason, signUp.id])
    }
}
