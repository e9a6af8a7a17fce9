import Foundation
import LedgerCore
import PostgresNIO

/// Login invitations on PostgreSQL (table of migration 9, `PostgresSchema.invitationStatements`).
extension PostgresLedgerAccess {
    private static let invitationColumns = """
        id, volunteer_id, organization_id, code_hash, created_by, created_at, expires_at, used_at, user_id
        """

    private static func invitation(_ c: inout Columns) throws -> LoginInvitation {
        LoginInvitation(id: try c.next(), volunteerId: try c.next(), organizationId: try c.next(), codeHash: try c.next(),
                        createdBy: try c.next(), createdAt: try c.next(), expiresAt: try c.next(), usedAt: try c.next(), userId: try c.next())
    }

    func invitation(codeHash: String) throws -> LoginInvitation? {
        try row("SELECT \(unescaped: Self.invitationColumns) FROM login_invitations WHERE code_hash = \(codeHash)", Self.invitation)
    }

    func newestInvitationId(volunteerId: Int64) throws -> Int64? {
        try row("SELECT MAX(id) FROM login_invitations WHERE volunteer_id = \(volunteerId)") { try $0.next(Int64?.self) } ?? nil
    }

    func invitations(after: Int64?, limit: Int) throws -> [LoginInvitation] {
        try rows("""
            SELECT \(unescaped: Self.invitationColumns) FROM login_invitations WHERE id > \(after ?? 0) ORDER BY id LIMIT \(limit)
            """, Self.invitation)
    }

    func hasLogin(volunteerId: Int64) throws -> Bool {
        try row("SELECT EXISTS (SELECT 1 FROM users WHERE volunteer_id = \(volunteerId))") { try $0.next(Bool.self) } ?? false
    }

    func insert(_ invitation: LoginInvitation) throws -> LoginInvitation {
        let id = try row("""
            INSERT INTO login_invitations (volunteer_id, organization_id, code_hash, created_by, created_at, expires_at)
            VALUES (\(invitation.volunteerId), \(invitation.organizationId), \(invitation.codeHash), \(invitation.createdBy),
                    \(Self.stored(invitation.createdAt)), \(Self.stored(invitation.expiresAt)))
            RETURNING id
            """) { try $0.next(Int64.self) }
        var stored = invitation
        stored.id = try Self.require(id)
        return stored
    }

    func markUsed(invitationId: Int64, at time: Date, userId: Int64) throws {
        let used = try row("""
            UPDATE login_invitations SET used_at = \(Self.stored(time)), user_id = \(userId)
            WHERE id = \(invitationId) AND used_at IS NULL RETURNING id
            """) { try $0.next(Int64.self) }
        if used == nil { throw LedgerError.invalidField(field: "code", reason: "邀请码已使用 / the code has been used") }
    }

    func restore(_ invitation: LoginInvitation) throws {
        try run("""
            INSERT INTO login_invitations (id, volunteer_id, organization_id, code_hash, created_by, created_at, expires_at, used_at, user_id)
            VALUES (\(invitation.id), \(invitation.volunteerId), \(invitation.organizationId), \(invitation.codeHash), \(invitation.createdBy),
                    \(Self.stored(invitation.createdAt)), \(Self.stored(invitation.expiresAt)), \(invitation.usedAt.map(Self.stored)),
                    \(invitation.userId))
            """)
    }
}
