import HummingbirdBcrypt
import LedgerCore
import NIOPosix
import Synchronization

/// bcrypt password hashing on NIO's thread pool, off the Swift concurrency pool: a check at cost 12
/// takes a quarter of a second of CPU, which would otherwise stall every request sharing that thread.
public struct BcryptPasswordHasher: PasswordHasher {
    /// The bcrypt cost of new hashes (2^cost rounds).
    public let cost: UInt8
    private let threadPool: NIOThreadPool
    /// A hash of a random password at `cost`, checked when the user is unknown; made on first need.
    private let decoyHash = DecoyHash()

    public init(cost: UInt8 = 12, threadPool: NIOThreadPool = .singleton) {
        self.cost = cost
        self.threadPool = threadPool
    }

    public func hash(_ password: String) async throws -> String {
        let cost = cost
        return try await threadPool.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    public func verify(_ password: String, hash: String?) async throws -> Bool {
        let decoyHash = decoyHash, cost = cost
        return try await threadPool.runIfActive {
            guard let hash else {
                _ = Bcrypt.verify(password, hash: decoyHash.value(cost: cost))
                return false
            }
            return Bcrypt.verify(password, hash: hash)
        }
    }
}

/// The decoy hash, computed once.
private final class DecoyHash: Sendable {
    private let hash = Mutex<String?>(nil)

    func value(cost: UInt8) -> String {
        hash.withLock { hash in
            if let hash { return hash }
            let made = Bcrypt.hash("timing-decoy-\(UInt64.random(in: 0...UInt64.max))", cost: cost)
            hash = made
            return made
        }
    }
}
