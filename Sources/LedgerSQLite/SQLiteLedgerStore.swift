import Foundation
import GRDB
import LedgerCore
import Synchronization

/// The ledger on an embedded SQLite database (WAL mode: readers never wait for the writer).
public final class SQLiteLedgerStore: LedgerStore {
    let pool: DatabasePool
    /// Opened on first use by `changeStamp()`.
    private let stampConnection = Mutex<DataVersionProbe?>(nil)

    /// Opens (creating if needed) the database file at `path`. `statementObserver` hears the SQL text of every
    /// statement any connection runs (tests count the statements of a use case with it).
    public init(path: String, statementObserver: (@Sendable (String) -> Void)? = nil) throws {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.foreignKeysEnabled = true
        if let statementObserver {
            configuration.prepareDatabase { db in
                db.trace(options: .statement) { event in
                    if case .statement(let statement) = event { statementObserver(statement.sql) }
                }
            }
        }
        pool = try DatabasePool(path: path, configuration: configuration)
    }

    /// SQLite's query plan of `sql` (its `EXPLAIN QUERY PLAN` details, parameters bound to NULL), for tests that
    /// check a statement searches an index range rather than reading a table or a large range whole.
    public func queryPlan(_ sql: String) async throws -> [String] {
        try await pool.read { db in
            let parameters = StatementArguments(Array(repeating: DatabaseValue.null, count: sql.filter { $0 == "?" }.count))
            return try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: parameters).map { $0["detail"] as String }
        }
    }

    public func migrate() async throws {
        try SQLiteSchema.migrator.migrate(pool)
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (any LedgerReader) throws -> T) async throws -> T {
        let started = DispatchTime.now().uptimeNanoseconds
        defer { LedgerMetrics.transaction(store: "sqlite", kind: "read", nanoseconds: DispatchTime.now().uptimeNanoseconds - started) }
        return try await pool.read { db in try body(SQLiteLedgerAccess(db: db)) }
    }

    public func write<T: Sendable>(_ body: @escaping @Sendable (any LedgerWriter) throws -> T) async throws -> T {
        let started = DispatchTime.now().uptimeNanoseconds
        defer { LedgerMetrics.transaction(store: "sqlite", kind: "write", nanoseconds: DispatchTime.now().uptimeNanoseconds - started) }
        return try await pool.writeWithoutTransaction { db in
            var result: T?
            // IMMEDIATE: take the write lock up front, so two processes never deadlock upgrading a read.
            try db.inTransaction(.immediate) {
                result = try body(SQLiteLedgerAccess(db: db))
                return .commit
            }
            return result!
        }
    }

    /// Copies the write-ahead log into the database file (a passive checkpoint: it never waits for readers).
    public func checkpoint() async throws {
        try await pool.writeWithoutTransaction { db in _ = try db.checkpoint(.passive) }
    }

    public func close() async throws {
        stampConnection.withLock { $0 = nil }
        try pool.close()
    }

    /// SQLite's `data_version` as seen by a connection of its own that never writes: it changes whenever
    /// any connection of any process commits, and costs one small statement, so results computed from the
    /// database can be reused until it changes (certificate verification does).
    public func changeStamp() throws -> Int64 {
        try stampConnection.withLock { probe in
            if probe == nil { probe = try DataVersionProbe(path: pool.path) }
            return try probe!.read()
        }
    }

    /// Runs raw SQL in a transaction, for benchmarks and tests that need to bypass the ledger.
    public func unsafeExecute(_ sql: String, arguments: [(any DatabaseValueConvertible)?] = []) async throws {
        let values = arguments.map { $0?.databaseValue ?? .null }
        try await pool.write { db in try db.execute(sql: sql, arguments: StatementArguments(values)) }
    }

    /// Runs `body` with direct database access in one transaction (benchmarks only).
    public func unsafeWrite<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await pool.write(body)
    }
}
