import Foundation

/// Accounts, their sessions and the platform's holidays in the store (part of `LedgerReader` and `LedgerWriter`).
public protocol AccountReader {
    func user(id: Int64) throws -> UserAccount?
    func user(username: String) throws -> UserAccount?
    /// Accounts by id.
    func users(after: Int64?, limit: Int) throws -> [UserAccount]
    func session(tokenHash: String) throws -> AccessSession?
    /// Sessions ordered by token hash (byte order).
    func sessions(after tokenHash: String?, limit: Int) throws -> [AccessSession]
    func holidays() throws -> [HolidayEntry]
}

public protocol AccountWriter {
    func insert(_ user: UserAccount) throws -> UserAccount
    func insert(_ session: AccessSession) throws
    func revokeSession(tokenHash: String, at: Date) throws
    func setHoliday(_ entry: HolidayEntry) throws
    /// Keeps the given id, for copying a ledger between backends.
    func restore(_ user: UserAccount) throws
    /// Keeps `revokedAt`, unlike `insert(_:)` of a new session.
    func restore(_ session: AccessSession) throws
}
