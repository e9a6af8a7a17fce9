import Foundation
import GRDB
import LedgerCore

/// Login invitations on SQLite (table of migration `v8-login-invitations`).
extension SQLiteLedgerAccess {
    private static let invitationColumns = """
        id, volunteer_id, organization_id, code_hash, created_by, created_at, expires_at, used_at, user_id
        """

    private static func invitation(_ row: Row) -> LoginInvitation {
        LoginInvitation(id: row[0], volunteerId: row[1], organizationId: row[2], codeHash: row[3], createdBy: row[4],
                        createdAt: Date(timeIntervalSince1970: TimeInterval(row[5] as Int64)),
                        expiresAt: Date(timeIntervalSince1970: TimeInterval(row[6] as Int64)),
                        usedAt: (row[7] as Int64?).map { Date(timeIntervalSince1970: TimeInterval($0)) }, userId: row[8])
    }

    func invitation(codeHash: String) throws -> LoginInvitation? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT \(Self.invitationColumns) FROM login_invitations WHERE code_hash = ?"),
                         arguments: [codeHash]).map(Self.invitation)
    }

    func newestInvitationId(volunteerId: Int64) throws -> Int64? {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT MAX(id) FROM login_invitations WHERE volunteer_id = ?"), arguments: [volunteerId])
    }

    func invitations(after: Int64?, limit: Int) throws -> [LoginInvitation] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT \(Self.invitationColumns) FROM login_invitations WHERE id > ? ORDER BY id LIMIT ?"),
                         arguments: [after ?? 0, limit]).map(Self.invitation)
    }

    func hasLogin(volunteerId: Int64) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM users WHERE volunteer_id = ?)"),
                          arguments: [volunteerId]) ?? false
    }

    func insert(_ invitation: LoginInvitation) throws -> LoginInvitation {
        try db.cachedStatement(sql: """
            INSERT INTO login_invitations (volunteer_id, organization_id, code_hash, created_by, created_at, expires_at)
            VALUES (?, ?, ?, ?, ?, ?)
            """).execute(arguments: [invitation.volunteerId, invitation.organizationId, invitation.codeHash, invitation.createdBy,
                                     Self.seconds(invitation.createdAt), Self.seconds(invitation.expiresAt)])
        var stored = invitation
        stored.id = db.lastInsertedRowID
        return stored
    }

    func markUsed(invitationId: Int64, at time: Date, userId: Int64) throws {
        try db.cachedStatement(sql: "UPDATE login_invitations SET used_at = ?, user_id = ? WHERE id = ? AND used_at IS NULL")
            .execute(arguments: [Self.seconds(time), userId, invitationId])
        if db.changesCount != 1 {
            throw LedgerError.invalidField(field: "code", reason: "邀请码已使用 / the code has been used")
        }
    }

    func restore(_ invitation: LoginInvitation) throws {
        try db.cachedStatement(sql: """
            INSERT INTO login_invitations (id, volunteer_id, organization_id, code_hash, created_by, created_at, expires_at, used_at, user_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [invitation.id, invitation.volunteerId, invitation.organizationId, invitation.codeHash,
                                     invitation.createdBy, Self.seconds(invitation.createdAt), Self.seconds(invitation.expiresAt),
                                     invitation.usedAt.map(Self.seconds), invitation.userId])
    }
}
