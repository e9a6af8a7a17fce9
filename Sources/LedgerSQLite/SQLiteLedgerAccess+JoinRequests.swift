import Foundation
import GRDB
import LedgerCore

/// Join requests and ended memberships on SQLite (tables of migration `v28-join-requests`).
extension SQLiteLedgerAccess {
    private static let joinRequestColumns = "id, organization_id, volunteer_id, note, state, requested_at, decided_at, decided_by, reason"

    private static func joinRequest(_ row: Row) throws -> JoinRequest {
        try JoinRequest(id: row[0], organizationId: row[1], volunteerId: row[2], note: row[3],
                        state: StoredValue.decode(row[4], column: "join_requests.state"), requestedAt: date(row[5]),
                        decidedAt: (row[6] as Int64?).map(date), decidedBy: row[7], reason: row[8])
    }

    private static func ending(_ row: Row) -> MembershipEnding {
        MembershipEnding(id: row[0], organizationId: row[1], volunteerId: row[2], joinedAt: date(row[3]), leftAt: date(row[4]))
    }

    func joinRequest(id: Int64) throws -> JoinRequest? {
        try row("SELECT \(Self.joinRequestColumns) FROM join_requests WHERE id = ?", [id]).map(Self.joinRequest)
    }

    func pendingJoinRequest(organizationId: Int64, volunteerId: Int64) throws -> JoinRequest? {
        try row("""
            SELECT \(Self.joinRequestColumns) FROM join_requests WHERE organization_id = ? AND volunteer_id = ? AND state = 'pending'
            """, [organizationId, volunteerId]).map(Self.joinRequest)
    }

    func joinRequests(organizationId: Int64, state: JoinRequestState?, after: Int64?, limit: Int) throws -> [JoinRequest] {
        try rows("""
            SELECT \(Self.joinRequestColumns) FROM join_requests
            WHERE organization_id = ?1 AND (?2 IS NULL OR state = ?2) AND id > ?3 ORDER BY id LIMIT ?4
            """, [organizationId, state?.rawValue, after ?? 0, limit]).map(Self.joinRequest)
    }

    func joinRequests(volunteerId: Int64, after: Int64?, limit: Int) throws -> [JoinRequest] {
        try rows("SELECT \(Self.joinRequestColumns) FROM join_requests WHERE volunteer_id = ? AND id > ? ORDER BY id LIMIT ?",
                 [volunteerId, after ?? 0, limit]).map(Self.joinRequest)
    }

    func joinRequests(after: Int64?, limit: Int) throws -> [JoinRequest] {
        try rows("SELECT \(Self.joinRequestColumns) FROM join_requests WHERE id > ? ORDER BY id LIMIT ?", [after ?? 0, limit])
            .map(Self.joinRequest)
    }

    func membershipEndings(after: Int64?, limit: Int) throws -> [MembershipEnding] {
        try rows("""
            SELECT id, organization_id, volunteer_id, joined_at, left_at FROM membership_endings WHERE id > ? ORDER BY id LIMIT ?
            """, [after ?? 0, limit]).map(Self.ending)
    }

    func membershipEndings(volunteerId: Int64, after: Int64?, limit: Int) throws -> [MembershipEnding] {
        try rows("""
            SELECT id, organization_id, volunteer_id, joined_at, left_at FROM membership_endings
            WHERE volunteer_id = ? AND id > ? ORDER BY id LIMIT ?
            """, [volunteerId, after ?? 0, limit]).map(Self.ending)
    }

    func insert(_ request: JoinRequest) throws -> JoinRequest? {
        try storeJoinRequest(request, id: nil)
    }

    func restore(_ request: JoinRequest) throws {
        _ = try storeJoinRequest(request, id: request.id)
    }

    /// The one INSERT of `insert` (a new id) and `restore` (the given id); nothing when a pending one exists.
    private func storeJoinRequest(_ request: JoinRequest, id: Int64?) throws -> JoinRequest? {
        try execute("""
            INSERT INTO join_requests (id, organization_id, volunteer_id, note, state, requested_at, decided_at, decided_by, reason)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (organization_id, volunteer_id) WHERE state = 'pending' DO NOTHING
            """, [id, request.organizationId, request.volunteerId, request.note, request.state.rawValue, Self.seconds(request.requestedAt),
                  request.decidedAt.map(Self.seconds), request.decidedBy, request.reason])
        guard db.changesCount == 1 else { return nil }
        var stored = request
        stored.id = db.lastInsertedRowID
        return stored
    }

    func decide(_ request: JoinRequest) throws -> Bool {
        try execute("""
            UPDATE join_requests SET state = ?, decided_at = ?, decided_by = ?, reason = ? WHERE id = ? AND state = 'pending'
            """, [request.state.rawValue, request.decidedAt.map(Self.seconds), request.decidedBy, request.reason, request.id])
        return db.changesCount == 1
    }

    func endMembership(organizationId: Int64, volunteerId: Int64, at leftAt: Date) throws -> MembershipEnding? {
        try execute("""
            INSERT INTO membership_endings (organization_id, volunteer_id, joined_at, left_at)
            SELECT organization_id, volunteer_id, joined_at, ? FROM memberships WHERE organization_id = ? AND volunteer_id = ?
            """, [Self.seconds(leftAt), organizationId, volunteerId])
        guard db.changesCount == 1 else { return nil }
        let id = db.lastInsertedRowID
        try execute("DELETE FROM memberships WHERE organization_id = ? AND volunteer_id = ?", [organizationId, volunteerId])
        return try row("SELECT id, organization_id, volunteer_id, joined_at, left_at FROM membership_endings WHERE id = ?", [id])
            .map(Self.ending)
    }

    func restore(_ ending: MembershipEnding) throws {
        try execute("INSERT INTO membership_endings (id, organization_id, volunteer_id, joined_at, left_at) VALUES (?, ?, ?, ?, ?)",
                    [ending.id, ending.organizationId, ending.volunteerId, Self.seconds(ending.joinedAt), Self.seconds(ending.leftAt)])
    }
}
