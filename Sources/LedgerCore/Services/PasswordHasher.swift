/// Hashes and checks login passwords. The app injects a real one (bcrypt on a thread pool, in
/// `LedgerPasswords`), so that the domain depends on no hashing library and no executor.
public protocol PasswordHasher: Sendable {
    /// A new salted hash of `password`.
    func hash(_ password: String) async throws -> String
    /// Whether `password` matches `hash`. With no hash (an unknown user) it still spends the time of a
    /// real check and answers false, so that response times do not tell which user names exist.
    func verify(_ password: String, hash: String?) async throws -> Bool
}

/// The hasher of a ledger that was given none: it refuses, so a missing setup fails loudly instead of
/// storing passwords weakly.
public struct UnconfiguredPasswordHasher: PasswordHasher {
    public init() {}

    public func hash(_ password: String) async throws -> String {
        throw PasswordHasherMissing()
    }

    public func verify(_ password: String, hash: String?) async throws -> Bool {
        throw PasswordHasherMissing()
    }
}

/// A ledger asked to hash or check a password without a hasher: a setup error, never a user's.
public struct PasswordHasherMissing: Error, CustomStringConvertible {
    public var description: String { "no password hasher configured for this ledger" }
}
