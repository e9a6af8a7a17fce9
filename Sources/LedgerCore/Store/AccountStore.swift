import Foundation

/// Accounts, their sessions and the platform's holidays in the store (part of `LedgerReader` and `LedgerWriter`).
public protocol AccountReader {
    func user(id: Int64) throws -> UserAccount?
    func user(username: String) throws -> UserAccount?
    /// Accounts by id.
    func users(after: Int64?, limit: Int) throws -> [UserAccount]
    func session(tokenHash: String) throws -> AccessSession?
    /// The session of a token with its account, which every authenticated request needs.
    func sessionAccount(tokenHash: String) throws -> (session: AccessSession, account: UserAccount)?
    /// Sessions ordered by token hash (byte order).
    func sessions(after tokenHash: String?, limit: Int) throws -> [AccessSession]
    func holidays() throws -> [HolidayEntry]
}

extension AccountReader {
    /// Two lookups; a server store answers with one.
    public func sessionAccount(tokenHash: String) throws -> (session: AccessSession, account: UserAccount)? {
        guard let session = try session(tokenHash: tokenHash), let account = try user(id: session.userId) else { return nil }
        return (session, account)
    }
}

public protocol AccountWriter {
    func insert(_ user: UserAccount) throws -> UserAccount
    func insert(_ session: AccessSession) throws
    func revokeSession(tokenHash: String, at: Date) throws
    /// Disables or enables an account (its sessions are ended separately, in the same transaction).
    func setDisabled(userId: Int64, _ disabled: Bool) throws
    func setHoliday(_ entry: HolidayEntry) throws
    /// Keeps the given id, for copying a ledger between backends.
    func restore(_ user: UserAccount) throws
    /// Keeps `revokedAt`, unlike `insert(_:)` of a new session.
    func restore(_ session: AccessSession) throws
}
