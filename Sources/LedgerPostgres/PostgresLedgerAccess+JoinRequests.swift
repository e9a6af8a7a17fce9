import Foundation
import LedgerCore
import PostgresNIO

/// Join requests and ended memberships on PostgreSQL (tables of migration 28, `PostgresSchema.joinRequestStatements`).
extension PostgresLedgerAccess {
    private static let joinRequestColumns = "id, organization_id, volunteer_id, note, state, requested_at, decided_at, decided_by, reason"

    private static func joinRequest(_ c: inout Columns) throws -> JoinRequest {
        JoinRequest(id: try c.next(), organizationId: try c.next(), volunteerId: try c.next(), note: try c.next(),
                    state: try StoredValue.decode(try c.next(), column: "join_requests.state"), requestedAt: try c.next(),
                    decidedAt: try c.next(), decidedBy: try c.next(), reason: try c.next())
    }

    private static func ending(_ c: inout Columns) throws -> MembershipEnding {
        MembershipEnding(id: try c.next(), organizationId: try c.next(), volunteerId: try c.next(), joinedAt: try c.next(),
                         leftAt: try c.next())
    }

    func joinRequest(id: Int64) throws -> JoinRequest? {
        try row("SELECT \(unescaped: Self.joinRequestColumns) FROM join_requests WHERE id = \(id)", Self.joinRequest)
    }

    func pendingJoinRequest(organizationId: Int64, volunteerId: Int64) throws -> JoinRequest? {
        try row("""
            SELECT \(unescaped: Self.joinRequestColumns) FROM join_requests
            WHERE organization_id = \(organizationId) AND volunteer_id = \(volunteerId) AND state = 'pending'
            """, Self.joinRequest)
    }

    func joinRequests(organizationId: Int64, state: JoinRequestState?, after: Int64?, limit: Int) throws -> [JoinRequest] {
        try rows("""
            SELECT \(unescaped: Self.joinRequestColumns) FROM join_requests
            WHERE organization_id = \(organizationId) AND (\(state?.rawValue)::text IS NULL OR state = \(state?.rawValue))
              AND id > \(after ?? 0)
            ORDER BY id LIMIT \(limit)
            """, Self.joinRequest)
    }

    func joinRequests(volunteerId: Int64, after: Int64?, limit: Int) throws -> [JoinRequest] {
        try rows("""
            SELECT \(unescaped: Self.joinRequestColumns) FROM join_requests WHERE volunteer_id = \(volunteerId) AND id > \(after ?? 0)
            ORDER BY id LIMIT \(limit)
            """, Self.joinRequest)
    }

    func joinRequests(after: Int64?, limit: Int) throws -> [JoinRequest] {
        try rows("SELECT \(unescaped: Self.joinRequestColumns) FROM join_requests WHERE id > \(after ?? 0) ORDER BY id LIMIT \(limit)",
                 Self.joinRequest)
    }

    func membershipEndings(after: Int64?, limit: Int) throws -> [MembershipEnding] {
        try rows("""
            SELECT id, organization_id, volunteer_id, joined_at, left_at FROM membership_endings WHERE id > \(after ?? 0)
            ORDER BY id LIMIT \(limit)
            """, Self.ending)
    }

    func membershipEndings(volunteerId: Int64, after: Int64?, limit: Int) throws -> [MembershipEnding] {
        try rows("""
            SELECT id, organization_id, volunteer_id, joined_at, left_at FROM membership_endings
            WHERE volunteer_id = \(volunteerId) AND id > \(after ?? 0) ORDER BY id LIMIT \(limit)
            """, Self.ending)
    }

    func insert(_ request: JoinRequest) throws -> JoinRequest? {
        try storeJoinRequest(request, id: nil)
    }

    func restore(_ request: JoinRequest) throws {
        _ = try storeJoinRequest(request, id: request.id)
    }

    /// The one INSERT of `insert` (a new id) and `restore` (the given id); nothing when a pending one exists.
    private func storeJoinRequest(_ request: JoinRequest, id: Int64?) throws -> JoinRequest? {
        let id = try row("""
            INSERT INTO join_requests (id, organization_id, volunteer_id, note, state, requested_at, decided_at, decided_by, reason)
            VALUES (COALESCE(\(id)::bigint, nextval(pg_get_serial_sequence('join_requests', 'id'))), \(request.organizationId),
                    \(request.volunteerId), \(request.note), \(request.state.rawValue), \(Self.stored(request.requestedAt)),
                    \(request.decidedAt.map(Self.stored)), \(request.decidedBy), \(request.reason))
            ON CONFLICT (organization_id, volunteer_id) WHERE state = 'pending' DO NOTHING
            RETURNING id
            """) { try $0.next(Int64.self) }
        guard let id else { return nil }
        var stored = request
        stored.id = id
        return stored
    }

    func decide(_ request: JoinRequest) throws -> Bool {
        try row("""
            UPDATE join_requests SET state = \(request.state.rawValue), decided_at = \(request.decidedAt.map(Self.stored)),
                decided_by = \(request.decidedBy), reason = \(request.reason)
            WHERE id = \(request.id) AND state = 'pending' RETURNING id
            """) { try $0.next(Int64.self) } != nil
    }

    func endMembership(organizationId: Int64, volunteerId: Int64, at leftAt: Date) throws -> MembershipEnding? {
        try row("""
            WITH ended AS (
                DELETE FROM memberships WHERE organization_id = \(organizationId) AND volunteer_id = \(volunteerId)
                RETURNING organization_id, volunteer_id, joined_at
            )
            INSERT INTO membership_endings (organization_id, volunteer_id, joined_at, left_at)
            SELECT organization_id, volunteer_id, joined_at, \(Self.stored(leftAt)) FROM ended
            RETURNING id, organization_id, volunteer_id, joined_at, left_at
            """, Self.ending)
    }

    func restore(_ ending: MembershipEnding) throws {
        _ = try run("""
            INSERT INTO membership_endings (id, organization_id, volunteer_id, joined_at, left_at)
            VALUES (\(ending.id), \(ending.organizationId), \(ending.volunteerId), \(Self.stored(ending.joinedAt)), \(Self.stored(ending.leftAt)))
            """)
    }
}
