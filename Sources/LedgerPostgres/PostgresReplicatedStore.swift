import Foundation
import LedgerCore
import Logging
import PostgresNIO
import Synchronization

/// A location in PostgreSQL's write-ahead log (`pg_lsn`, written `X/Y` in hexadecimal): how far a server
/// has written, or a standby has replayed.
public struct PostgresWALPosition: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let value: UInt64

    public init(_ value: UInt64) {
        self.value = value
    }

    /// Reads `X/Y` as PostgreSQL prints it (each part at most 8 hexadecimal digits); nil for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ (1...8).contains($0.count) && $0.allSatisfy(\.isHexDigit) }),
              let high = UInt64(parts[0], radix: 16), let low = UInt64(parts[1], radix: 16) else { return nil }
        value = high << 32 | low
    }

    public var description: String {
        String(value >> 32, radix: 16, uppercase: true) + "/" + String(value & 0xFFFF_FFFF, radix: 16, uppercase: true)
    }

    public static func < (a: Self, b: Self) -> Bool { a.value < b.value }
}

/// The ledger on a PostgreSQL primary with streaming-replication hot standbys for reads that tolerate a
/// little lag (`readAllowingLag`: verification, public pages, lists, exports). Every write, and every read
/// a rule depends on (`read`), goes to the primary.
///
/// A standby answers a lagging read only when it has replayed the caller's last write (the position in
/// `ReadConsistency.current`, which the store records after each commit) and lags no more than `maxLag`;
/// otherwise, or when it cannot be reached, the primary answers. Standbys take turns.
public final class PostgresReplicatedStore: LedgerStore {
    public let primary: PostgresLedgerStore
    public let replicas: [PostgresLedgerStore]
    private let maxLag: Duration
    private let logger: Logger
    private let turn = Atomic<Int>(0)

    /// Why a standby did not answer a read.
    struct Behind: Error {
        var reason: String
    }

    public init(primary: PostgresLedgerStore, replicas: [PostgresLedgerStore], maxLag: Duration = .seconds(10), logger: Logger) {
        self.primary = primary
        self.replicas = replicas
        self.maxLag = maxLag
        self.logger = logger
    }

    /// Opens the primary at `url` and a standby at each of `replicaURLs`. A standby that cannot be reached
    /// is logged and left to the primary until it can; a URL that is not one is an error.
    public static func open(url: String, replicaURLs: [String], maxLag: Duration, logger: Logger) async throws -> PostgresReplicatedStore {
        let primary = try await PostgresLedgerStore(url: url, logger: logger)
        var replicas: [PostgresLedgerStore] = []
        do {
            for replicaURL in replicaURLs {
                let where_: Logger.Metadata = ["database": "\(replicaURL.split(separator: "@").last ?? "")"]
                let replica: PostgresLedgerStore
                do {
                    replica = try await PostgresLedgerStore(url: replicaURL, logger: logger)
                } catch let error as PostgresStoreError where error.isConnection {
                    logger.error("a read database cannot be reached; the primary answers its reads until it can",
                                 metadata: where_.merging(["error": "\(error)"]) { $1 })
                    replicas.append(try await PostgresLedgerStore(url: replicaURL, logger: logger, connecting: false))
                    continue
                }
                replicas.append(replica)
                if try await !replica.isInRecovery() {
                    logger.warning("a read database is not a standby: it answers reads, but nothing replicates into it", metadata: where_)
                }
            }
        } catch {
            for store in [primary] + replicas { try? await store.close() }
            throw error
        }
        return PostgresReplicatedStore(primary: primary, replicas: replicas, maxLag: maxLag, logger: logger)
    }

    public func migrate() async throws {
        try await primary.migrate()
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (any LedgerReader) throws -> T) async throws -> T {
        try await primary.read(body)
    }

    public func write<T: Sendable>(_ body: @escaping @Sendable (any LedgerWriter) throws -> T) async throws -> T {
        let value = try await primary.write(body)
        if let consistency = ReadConsistency.current {
            // After the commit, so the position is at or past the commit record.
            consistency.wrote(at: try await primary.walInsertPosition().description)
        }
        return value
    }

    public func readAllowingLag<T: Sendable>(_ body: @escaping @Sendable (any LedgerReader) throws -> T) async throws -> T {
        guard !replicas.isEmpty else { return try await primary.read(body) }
        let required: PostgresWALPosition?
        switch ReadConsistency.current?.required {
        case nil: required = nil
        case let text?:
            guard let position = PostgresWALPosition(text) else {
                // Not a position this store handed out: only the primary is sure to include it.
                LedgerMetrics.laggingRead(answeredBy: "primary", reason: "unreadable_position")
                return try await primary.read(body)
            }
            required = position
        }
        let first = turn.add(1, ordering: .relaxed).oldValue
        for offset in replicas.indices {
            let replica = replicas[(first + offset) % replicas.count]
            do {
                let value = try await replica.read(replayedTo: required, maxLag: maxLag, body)
                LedgerMetrics.laggingRead(answeredBy: "replica", reason: "caught_up")
                return value
            } catch let behind as Behind {
                LedgerMetrics.laggingRead(answeredBy: "primary", reason: behind.reason)
                return try await primary.read(body)
            } catch let error as LedgerError {
                throw error
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                logger.warning("read replica failed; trying the next, then the primary", metadata: ["error": "\(error)"])
                LedgerMetrics.laggingRead(answeredBy: "primary", reason: "replica_failed")
            }
        }
        return try await primary.read(body)
    }

    public func close() async throws {
        var firstError: (any Error)?
        for store in [primary] + replicas {
            do { try await store.close() } catch { firstError = firstError ?? error }
        }
        if let firstError { throw firstError }
    }
}

extension PostgresLedgerStore {
    /// Whether this server is a standby (replaying another's WAL).
    public func isInRecovery() async throws -> Bool {
        try await transaction(.read) { access in
            try access.run("SELECT pg_is_in_recovery()").rows.first?.decode(Bool.self) ?? false
        }
    }

    /// Where the server inserts its next WAL record: past every transaction committed before the call.
    public func walInsertPosition() async throws -> PostgresWALPosition {
        try await transaction(.read) { access in
            let text = try access.run("SELECT pg_current_wal_insert_lsn()::text").rows.first?.decode(String.self) ?? ""
            guard let position = PostgresWALPosition(text) else { throw PostgresStoreError.decoding("not a WAL position: \(text.prefix(40))") }
            return position
        }
    }

    /// Runs `body` on this standby if, before its snapshot is taken, it has replayed `required` and lags the
    /// WAL it received by at most `maxLag`; else throws `PostgresReplicatedStore.Behind`. A server that is
    /// not in recovery (a primary) counts as caught up.
    func read<T: Sendable>(replayedTo required: PostgresWALPosition?, maxLag: Duration,
                           _ body: @escaping @Sendable (any LedgerReader) throws -> T) async throws -> T {
        let started = DispatchTime.now().uptimeNanoseconds
        defer { LedgerMetrics.transaction(store: "postgres_replica", kind: "read", nanoseconds: DispatchTime.now().uptimeNanoseconds - started) }
        let maxLagSeconds = Double(maxLag.components.seconds) + Double(maxLag.components.attoseconds) / 1e18
        return try await transaction(.read, prelude: { access in
            // Lag: none when everything received is replayed, else the age of the last replayed commit.
            let row = try access.run("""
                SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text,
                       CASE WHEN pg_last_wal_receive_lsn() IS NULL OR pg_last_wal_receive_lsn() <= pg_last_wal_replay_lsn() THEN 0
                            ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)::float8 END
                """).rows.first
            guard let (inRecovery, replayed, lag) = try row?.decode((Bool, String?, Double).self), inRecovery else { return }
            if lag > maxLagSeconds { throw PostgresReplicatedStore.Behind(reason: "lagging") }
            if let required {
                guard let replayed = replayed.flatMap(PostgresWALPosition.init), replayed >= required else {
                    throw PostgresReplicatedStore.Behind(reason: "before_own_write")
                }
            }
        }) { try body($0) }
    }
}

extension PostgresStoreError {
    /// The server is down, starting up (57P03) or has not yet replayed the database's creation (3D000):
    /// a standby that may come back, unlike a wrong password or URL.
    var isConnection: Bool {
        switch self {
        case .connection: true
        case .server(let state, _, _, _): state == "57P03" || state == "3D000"
        default: false
        }
    }
}
