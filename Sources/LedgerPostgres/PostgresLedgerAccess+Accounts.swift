import Foundation
import LedgerCore
import PostgresNIO

/// Accounts, sessions and holidays: `AccountReader` and `AccountWriter`.
extension PostgresLedgerAccess {
    static let userColumns = "id, username, display_name, role, organization_id, volunteer_id, password_hash, created_at, is_disabled"

    static func user(_ c: inout Columns) throws -> UserAccount {
        UserAccount(id: try c.next(), username: try c.next(), displayName: try c.next(),
                    role: try StoredValue.decode(try c.next(), column: "users.role"), organizationId: try c.next(),
                    volunteerId: try c.next(), passwordHash: try c.next(), createdAt: try c.next(), isDisabled: try c.next())
    }

    func user(id: Int64) throws -> UserAccount? {
        try row("SELECT \(unescaped: Self.userColumns) FROM users WHERE id = \(id)", Self.user)
    }

    func user(username: String) throws -> UserAccount? {
        try row("SELECT \(unescaped: Self.userColumns) FROM users WHERE username = \(username)", Self.user)
    }

    func users(after: Int64?, limit: Int) throws -> [UserAccount] {
        try rows("SELECT \(unescaped: Self.userColumns) FROM users WHERE id > \(after ?? 0) ORDER BY id LIMIT \(limit)", Self.user)
    }

    func insert(_ user: UserAccount) throws -> UserAccount {
        try store(user, id: nil)
    }

    func restore(_ user: UserAccount) throws {
        _ = try store(user, id: user.id)
    }

    /// The one INSERT of `insert` (id nil: a new one) and `restore` (the given id).
    func store(_ user: UserAccount, id: Int64?) throws -> UserAccount {
        let id = try row("""
            INSERT INTO users (id, username, display_name, role, organization_id, volunteer_id, password_hash, created_at, is_disabled)
            VALUES (COALESCE(\(id)::bigint, nextval(pg_get_serial_sequence('users', 'id'))),
                    \(user.username), \(user.displayName), \(user.role.rawValue), \(user.organizationId),
                    \(user.volunteerId), \(user.passwordHash), \(Self.stored(user.createdAt)), \(user.isDisabled))
            RETURNING id
            """) { try $0.next(Int64.self) }
        var stored = user
        stored.id = try Self.require(id)
        return stored
    }

    static let sessionColumns = "token_hash, user_id, created_at, expires_at, revoked_at"

    static func session(_ c: inout Columns) throws -> AccessSession {
        AccessSession(tokenHash: try c.next(), userId: try c.next(), createdAt: try c.next(), expiresAt: try c.next(),
                      revokedAt: try c.next())
    }

    func sessionAccount(tokenHash: String) throws -> (session: AccessSession, account: UserAccount)? {
        try row("""
            SELECT \(unescaped: Self.sessionColumns.split(separator: ",").map { "s." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", ")),
                   \(unescaped: Self.userColumns.split(separator: ",").map { "u." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", "))
            FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = \(tokenHash)
            """) { (try Self.session(&$0), try Self.user(&$0)) }
    }

    func session(tokenHash: String) throws -> AccessSession? {
        try row("SELECT \(unescaped: Self.sessionColumns) FROM sessions WHERE token_hash = \(tokenHash)", Self.session)
    }

    func sessions(after tokenHash: String?, limit: Int) throws -> [AccessSession] {
        try rows("""
            SELECT \(unescaped: Self.sessionColumns) FROM sessions WHERE token_hash COLLATE "C" > \(tokenHash ?? "")
            ORDER BY token_hash COLLATE "C" LIMIT \(limit)
            """, Self.session)
    }

    func insert(_ session: AccessSession) throws {
        try run("""
            INSERT INTO sessions (token_hash, user_id, created_at, expires_at, revoked_at)
            VALUES (\(session.tokenHash), \(session.userId), \(Self.stored(session.createdAt)), \(Self.stored(session.expiresAt)), NULL)
            """)
    }

    func restore(_ session: AccessSession) throws {
        try run("""
            INSERT INTO sessions (token_hash, user_id, created_at, expires_at, revoked_at)
            VALUES (\(session.tokenHash), \(session.userId), \(Self.stored(session.createdAt)), \(Self.stored(session.expiresAt)),
                    \(session.revokedAt.map(Self.stored)))
            """)
    }

    func revokeSession(tokenHash: String, at: Date) throws {
        try run("UPDATE sessions SET revoked_at = \(Self.stored(at)) WHERE token_hash = \(tokenHash) AND revoked_at IS NULL")
    }

    func setDisabled(userId: Int64, _ disabled: Bool) throws {
        try run("UPDATE users SET is_disabled = \(disabled) WHERE id = \(userId)")
    }

    func holidays() throws -> [HolidayEntry] {
        try rows("SELECT to_char(date, 'YYYY-MM-DD'), is_workday FROM holidays ORDER BY date") { c in
            HolidayEntry(date: try StoredValue.date(try c.next(), column: "holidays.date"), isWorkday: try c.next())
        }
    }

    func setHoliday(_ entry: HolidayEntry) throws {
        try run("""
            INSERT INTO holidays (date, is_workday) VALUES (\(entry.date.description)::date, \(entry.isWorkday))
            ON CONFLICT (date) DO UPDATE SET is_workday = EXCLUDED.is_workday
            """)
    }
}
