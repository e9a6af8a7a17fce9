import Foundation
import GRDB
import LedgerCore

/// Accounts, sessions and holidays: `AccountReader` and `AccountWriter`.
extension SQLiteLedgerAccess {
    static let userColumns = "id, username, display_name, role, organization_id, volunteer_id, password_hash, created_at, is_disabled"

    static func user(_ row: Row) throws -> UserAccount {
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

    func setDisabled(userId: Int64, _ disabled: Bool) throws {
        try execute("UPDATE users SET is_disabled = ? WHERE id = ?", [disabled, userId])
    }

    func holidays() throws -> [HolidayEntry] {
        try rows("SELECT date, is_workday FROM holidays ORDER BY date").map { row in
            HolidayEntry(date: try StoredValue.date(row["date"], column: "holidays.date"), isWorkday: row["is_workday"])
        }
    }

    func setHoliday(_ entry: HolidayEntry) throws {
        try execute("INSERT INTO holidays (date, is_workday) VALUES (?, ?) ON CONFLICT (date) DO UPDATE SET is_workday = excluded.is_workday",
                    [entry.date.description, entry.isWorkday])
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

    func restore(_ user: UserAccount) throws {
        _ = try store(user, id: user.id)
    }

    /// The one INSERT of `insert` (id nil: a new one) and `restore` (the given id).
    func store(_ user: UserAccount, id: Int64?) throws -> UserAccount {
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
}
