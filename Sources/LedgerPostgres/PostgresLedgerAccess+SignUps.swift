import Foundation
import LedgerCore
import PostgresNIO

/// Recruitments and sign-ups on PostgreSQL (tables of migration 6, `PostgresSchema.signUpStatements`).
extension PostgresLedgerAccess {
    private static let recruitmentColumns = """
        r.activity_id, r.organization_id, r.audience, r.capacity, r.deadline, r.required_skills, r.opened_at, r.opened_by
        """
    private static let signUpColumns = """
        id, activity_id, organization_id, volunteer_id, state, signed_up_at, updated_at, decided_by, reason
        """

    private static func recruitment(_ c: inout Columns) throws -> Recruitment {
        Recruitment(activityId: try c.next(), organizationId: try c.next(),
                    audience: try StoredValue.decode(try c.next(), column: "recruitments.audience"), capacity: try c.next(),
                    deadline: try c.next(), requiredSkills: try c.next(), openedAt: try c.next(), openedBy: try c.next())
    }

    private static func signUp(_ c: inout Columns) throws -> SignUp {
        SignUp(id: try c.next(), activityId: try c.next(), organizationId: try c.next(), volunteerId: try c.next(),
               state: try StoredValue.decode(try c.next(), column: "sign_ups.state"), signedUpAt: try c.next(),
               updatedAt: try c.next(), decidedBy: try c.next(), reason: try c.next())
    }

    func recruitment(activityId: Int64) throws -> Recruitment? {
        try row("SELECT \(unescaped: Self.recruitmentColumns) FROM recruitments r WHERE r.activity_id = \(activityId)", Self.recruitment)
    }

    func openRecruitments(_ filter: OpenActivityFilter, after activityId: Int64?, limit: Int) throws -> [Recruitment] {
        try rows("""
            SELECT \(unescaped: Self.recruitmentColumns) FROM recruitments r
            JOIN activities a ON a.id = r.activity_id JOIN organizations o ON o.id = r.organization_id
            WHERE r.deadline > \(Self.stored(filter.now)) AND r.activity_id > \(activityId ?? 0)
              AND (\(filter.category?.rawValue)::text IS NULL OR a.category = \(filter.category?.rawValue))
              AND (\(filter.startsFrom.map(Self.stored))::timestamptz IS NULL OR a.start_at >= \(filter.startsFrom.map(Self.stored)))
              AND (\(filter.startsBefore.map(Self.stored))::timestamptz IS NULL OR a.start_at < \(filter.startsBefore.map(Self.stored)))
              AND (\(filter.regionPrefix)::text IS NULL OR starts_with(o.region_code, \(filter.regionPrefix)))
              AND (r.audience = 'everyone'
                   OR EXISTS (SELECT 1 FROM memberships m
                              WHERE m.organization_id = r.organization_id AND m.volunteer_id = \(filter.volunteerId)))
            ORDER BY r.activity_id LIMIT \(limit)
            """, Self.recruitment)
    }

    func recruitments(after activityId: Int64?, limit: Int) throws -> [Recruitment] {
        try rows("""
            SELECT \(unescaped: Self.recruitmentColumns) FROM recruitments r WHERE r.activity_id > \(activityId ?? 0)
            ORDER BY r.activity_id LIMIT \(limit)
            """, Self.recruitment)
    }

    func signUp(id: Int64) throws -> SignUp? {
        try row("SELECT \(unescaped: Self.signUpColumns) FROM sign_ups WHERE id = \(id)", Self.signUp)
    }

    func activeSignUp(activityId: Int64, volunteerId: Int64) throws -> SignUp? {
        try row("""
            SELECT \(unescaped: Self.signUpColumns) FROM sign_ups
            WHERE activity_id = \(activityId) AND volunteer_id = \(volunteerId) AND state IN ('pending', 'confirmed', 'waitlisted')
            """, Self.signUp)
    }

    func signUps(activityId: Int64, after: Int64?, limit: Int) throws -> [SignUp] {
        try rows("""
            SELECT \(unescaped: Self.signUpColumns) FROM sign_ups WHERE activity_id = \(activityId) AND id > \(after ?? 0)
            ORDER BY id LIMIT \(limit)
            """, Self.signUp)
    }

    func signUps(volunteerId: Int64, after: Int64?, limit: Int) throws -> [SignUp] {
        try rows("""
            SELECT \(unescaped: Self.signUpColumns) FROM sign_ups WHERE volunteer_id = \(volunteerId) AND id > \(after ?? 0)
            ORDER BY id LIMIT \(limit)
            """, Self.signUp)
    }

    func signUps(after: Int64?, limit: Int) throws -> [SignUp] {
        try rows("SELECT \(unescaped: Self.signUpColumns) FROM sign_ups WHERE id > \(after ?? 0) ORDER BY id LIMIT \(limit)", Self.signUp)
    }

    func signUpCounts(activityId: Int64) throws -> (placesTaken: Int, waiting: Int) {
        try row("""
            SELECT COUNT(*) FILTER (WHERE state IN ('pending', 'confirmed')), COUNT(*) FILTER (WHERE state = 'waitlisted')
            FROM sign_ups WHERE activity_id = \(activityId)
            """) { (try $0.next(Int.self), try $0.next(Int.self)) } ?? (0, 0)
    }

    func waitingSignUps(activityId: Int64, limit: Int) throws -> [SignUp] {
        try rows("""
            SELECT \(unescaped: Self.signUpColumns) FROM sign_ups WHERE activity_id = \(activityId) AND state = 'waitlisted'
            ORDER BY signed_up_at, id LIMIT \(limit)
            """, Self.signUp)
    }

    func lockActivity(id: Int64) throws {
        // Held until the transaction ends: the places of one activity are counted by one process at a time.
        try run("SELECT pg_advisory_xact_lock(\(PostgresSchema.LockNamespace.activity), \(PostgresSchema.LockNamespace.key(id)))")
    }

    func save(_ recruitment: Recruitment) throws {
        try run("""
            INSERT INTO recruitments (activity_id, organization_id, audience, capacity, deadline, required_skills, opened_at, opened_by)
            VALUES (\(recruitment.activityId), \(recruitment.organizationId), \(recruitment.audience.rawValue), \(recruitment.capacity),
                    \(Self.stored(recruitment.deadline)), \(recruitment.requiredSkills), \(Self.stored(recruitment.openedAt)),
                    \(recruitment.openedBy))
            ON CONFLICT (activity_id) DO UPDATE SET audience = EXCLUDED.audience, capacity = EXCLUDED.capacity,
                deadline = EXCLUDED.deadline, required_skills = EXCLUDED.required_skills
            """)
    }

    func insert(_ signUp: SignUp) throws -> SignUp {
        try store(signUp, id: nil)
    }

    func restore(_ signUp: SignUp) throws {
        _ = try store(signUp, id: signUp.id)
    }

    /// The one INSERT of `insert` (a new id) and `restore` (the given id).
    private func store(_ signUp: SignUp, id: Int64?) throws -> SignUp {
        let id = try row("""
            INSERT INTO sign_ups (id, activity_id, organization_id, volunteer_id, state, signed_up_at, updated_at, decided_by, reason)
            VALUES (COALESCE(\(id)::bigint, nextval(pg_get_serial_sequence('sign_ups', 'id'))), \(signUp.activityId),
                    \(signUp.organizationId), \(signUp.volunteerId), \(signUp.state.rawValue), \(Self.stored(signUp.signedUpAt)),
                    \(Self.stored(signUp.updatedAt)), \(signUp.decidedBy), \(signUp.reason))
            RETURNING id
            """) { try $0.next(Int64.self) }
        var stored = signUp
        stored.id = id ?? 0
        return stored
    }

    func update(_ signUp: SignUp) throws {
        try run("""
            UPDATE sign_ups SET state = \(signUp.state.rawValue), updated_at = \(Self.stored(signUp.updatedAt)),
                decided_by = \(signUp.decidedBy), reason = \(signUp.reason)
            WHERE id = \(signUp.id)
            """)
    }
}
