import Foundation
import LedgerCore
import Logging
import PostgresNIO
import Synchronization

/// The ledger on a PostgreSQL server, shared by any number of `vledger` processes.
///
/// Transaction bodies are synchronous, so each runs on a thread of the store's own blocking pool (never
/// on an event loop or the Swift concurrency pool) with a connection of its own, and waits for every
/// statement. Writes run at READ COMMITTED and take explicit locks (`lockVolunteer`, `lockChain`) so each
/// check sees what concurrent transactions committed; unique and exclusion constraints back every rule
/// two processes could race on, and a transaction that loses such a race runs again.
public final class PostgresLedgerStore: LedgerStore {
    private let connections: PostgresConnectionSource
    private let threads: NIOThreadPool
    private let logger: Logger
    private let isClosed = Mutex(false)

    /// Runs of one transaction before a conflict with concurrent writers is reported.
    static let maxAttempts = 5

    /// Opens a store on `url` (`postgres://USER:PASSWORD@HOST:PORT/DATABASE`, see `PostgresDatabaseURL`)
    /// and checks that the server can be reached; with `connecting` false a server that cannot be reached
    /// yet is no error (each transaction connects as it needs).
    public init(url: String, logger: Logger, connecting: Bool = true) async throws {
        let parsed = try PostgresDatabaseURL(url)
        let threads = NIOThreadPool(numberOfThreads: parsed.poolSize)
        threads.start()
        let connections = PostgresConnectionSource(configuration: parsed.configuration, logger: logger)
        do {
            if connecting { try await threads.runIfActive { connections.giveBack(try connections.take()) } }
        } catch {
            await connections.closeAll()
            try? await threads.shutdownGracefully()
            throw PostgresStoreError(error)
        }
        self.threads = threads
        self.connections = connections
        self.logger = logger
    }

    public func migrate() async throws {
        try await migrate(through: .max)
    }

    /// Applies the migrations up to version `last` (tests start from an earlier schema with it).
    func migrate(through last: Int) async throws {
        try await transaction(.write) { access in
            // Processes that start together wait here; the second finds the migrations applied.
            try access.run("SELECT pg_advisory_xact_lock(\(PostgresSchema.LockNamespace.migrations), 0)")
            try access.run(PostgresQuery(unsafeSQL: PostgresSchema.migrationsTable))
            let applied = Set(try access.run("SELECT version FROM vledger_schema_migrations").rows.map {
                try $0.decode(Int.self)
            })
            for migration in PostgresSchema.migrations where !applied.contains(migration.version) && migration.version <= last {
                for statement in migration.statements {
                    try access.run(PostgresQuery(unsafeSQL: statement))
                }
                try access.run("""
                    INSERT INTO vledger_schema_migrations (version, name) VALUES (\(migration.version), \(migration.name))
                    """)
            }
            if last >= PostgresSchema.partitionsVersion {
                try access.run(PostgresQuery(unsafeSQL: PostgresSchema.upcomingPartitions))
            }
        }
    }

    /// Creates the partitions of records and revisions for this year and the next where they are missing, and
    /// returns how many it created. `migrate` does it too; a server repeats it every six hours, so that a new year's
    /// records never start in the default partition.
    @discardableResult
    public func createUpcomingPartitions() async throws -> Int {
        try await transaction(.write) { access in
            try access.row(PostgresQuery(unsafeSQL: PostgresSchema.upcomingPartitions)) { try $0.next(Int.self) } ?? 0
        }
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (any LedgerReader) throws -> T) async throws -> T {
        let started = DispatchTime.now().uptimeNanoseconds
        defer { LedgerMetrics.transaction(store: "postgres", kind: "read", nanoseconds: DispatchTime.now().uptimeNanoseconds - started) }
        return try await transaction(.read) { try body($0) }
    }

    public func write<T: Sendable>(_ body: @escaping @Sendable (any LedgerWriter) throws -> T) async throws -> T {
        let started = DispatchTime.now().uptimeNanoseconds
        defer { LedgerMetrics.transaction(store: "postgres", kind: "write", nanoseconds: DispatchTime.now().uptimeNanoseconds - started) }
        return try await transaction(.write) { try body($0) }
    }

    deinit {
        // A store dropped without close(), e.g. after a failed migration: release what it holds.
        if !isClosed.withLock({ $0 }) {
            connections.closeIdle()
            threads.shutdownGracefully { _ in }
        }
    }

    public func close() async throws {
        guard isClosed.withLock({ closed in defer { closed = true }; return !closed }) else { return }
        await connections.closeAll()
        try await threads.shutdownGracefully()
    }

    /// Runs one raw SQL statement in a transaction of its own: for tests and benchmarks that need to go
    /// behind the ledger's back.
    public func unsafeExecute(_ sql: String) async throws {
        try await transaction(.write) { access in _ = try access.run(PostgresQuery(unsafeSQL: sql)) }
    }

    /// Streams `records` with a plain COPY into `table`, made anew for it with the columns of `service_records`
    /// and no index, key or check: the baseline of `vledger bench import`.
    public func plainCopy(_ records: [ServiceRecord], into table: String) async throws {
        precondition(table.allSatisfy { $0 == "_" || ($0.isASCII && $0.isLowercase) }, "a table name of the code's own")
        try await transaction(.write) { access in
            try access.run(PostgresQuery(unsafeSQL: "DROP TABLE IF EXISTS \(table)"))
            try access.run(PostgresQuery(unsafeSQL: """
                CREATE TABLE \(table) (id bigint, volunteer_id bigint, activity_id bigint, organization_id bigint,
                    start_at timestamptz, end_at timestamptz, minutes integer, source text, note text, recorded_by bigint,
                    recorded_at timestamptz, is_late boolean, is_void boolean, revision integer)
                """))
        }
        try await transaction(.write) { access in
            var rows = PostgresCopyText()
            for record in records {
                PostgresLedgerAccess.encode(record, into: &rows)
            }
            try access.copy(into: table, columns: PostgresLedgerAccess.recordColumnNames, data: rows.finish())
        }
    }

    // MARK: Transactions

    enum Mode: Sendable {
        case read, write

        var begin: PostgresQuery {
            switch self {
            // One snapshot for the whole read, as SQLite's WAL readers have.
            case .read: "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY"
            // Each statement sees what was committed before it, in particular after a lock was granted.
            case .write: "BEGIN ISOLATION LEVEL READ COMMITTED, READ WRITE"
            }
        }
    }

    private enum Outcome<T: Sendable>: Sendable {
        case value(T)
        case failure(any Error)
        /// Lost a race with a concurrent transaction, or found its connection closed; nothing was committed.
        case retry(PostgresStoreError)
    }

    /// Runs `body` in a transaction of `mode`; `prelude`, when given, runs on the same connection before the
    /// transaction begins (so before its snapshot is taken) and may refuse it by throwing.
    func transaction<T: Sendable>(_ mode: Mode,
                                  prelude: (@Sendable (PostgresLedgerAccess) throws -> Void)? = nil,
                                  _ body: @escaping @Sendable (PostgresLedgerAccess) throws -> T) async throws -> T {
        var attempt = 1
        while true {
            let outcome: Outcome<T>
            do {
                outcome = try await threads.runIfActive { [connections, logger] in
                    Self.attempt(mode, prelude: prelude, body, connections: connections, logger: logger)
                }
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                throw PostgresStoreError.closed
            }
            switch outcome {
            case .value(let value):
                return value
            case .failure(let error):
                throw error
            case .retry(let error):
                guard attempt < Self.maxAttempts else { throw Self.conflictError(error) }
                logger.debug("running a transaction again",
                             metadata: ["attempt": "\(attempt)", "sqlstate": "\(error.sqlState ?? "-")"])
                try await Task.sleep(for: .milliseconds(Int.random(in: 1...10) * attempt))
                attempt += 1
            }
        }
    }

    /// One run of a transaction, on a thread of the blocking pool.
    private static func attempt<T: Sendable>(_ mode: Mode, prelude: ((PostgresLedgerAccess) throws -> Void)?,
                                             _ body: (PostgresLedgerAccess) throws -> T,
                                             connections: PostgresConnectionSource, logger: Logger) -> Outcome<T> {
        let connection: WatchedConnection
        do { connection = try connections.take() } catch { return .failure(PostgresStoreError(error)) }
        let access = PostgresLedgerAccess(connection: connection, logger: logger)
        if let prelude {
            do { try prelude(access) } catch {
                // Outside a transaction: nothing to roll back.
                if access.failure?.breaksConnection == true { connections.discard(connection) } else { connections.giveBack(connection) }
                return .failure(access.failure ?? error)
            }
        }
        access.send(mode.begin)
        let result = Result<T, any Error> { try body(access) }
        if let failure = access.failure {
            // A statement failed, so PostgreSQL has aborted the transaction, even if the body went on.
            rollback(connection, connections: connections, logger: logger)
            // Nothing was committed: a lost race, or a connection the server closed (typically one that
            // sat idle in the pool), is worth running again.
            if failure.isRetryable || failure.breaksConnection { return .retry(failure) }
            if case .failure(let error) = result, !(error is PostgresStoreError) { return .failure(error) }
            return .failure(failure)
        }
        switch result {
        case .failure(let error):
            rollback(connection, connections: connections, logger: logger)
            return .failure(error)
        case .success(let value) where mode == .read:
            // A read has nothing to make durable: end it without waiting; the next transaction on this
            // connection queues behind it.
            access.send("COMMIT")
            connections.giveBack(connection)
            return .value(value)
        case .success(let value):
            do {
                try access.run("COMMIT")
                connections.giveBack(connection)
                return .value(value)
            } catch {
                let failure = PostgresStoreError(error)
                if failure.breaksConnection {
                    // Whether the server committed is unknown: report, do not retry.
                    connections.discard(connection)
                    return .failure(failure)
                }
                rollback(connection, connections: connections, logger: logger)
                return failure.isRetryable ? .retry(failure) : .failure(failure)
            }
        }
    }

    private static func rollback(_ connection: WatchedConnection, connections: PostgresConnectionSource, logger: Logger) {
        do {
            _ = try connection.wait(connection.send("ROLLBACK", logger: logger))
            connections.giveBack(connection)
        } catch {
            connections.discard(connection)
        }
    }

    /// The error reported when a transaction kept losing races: a rule error where the constraint has one.
    private static func conflictError(_ error: PostgresStoreError) -> any Error {
        guard case .server(let state, let message, let detail, let constraint) = error, state == "23505" || state == "23P01" else {
            return error
        }
        // detail reads like: Key (credit_code)=(51330106MA0000001X) already exists.
        let value = detail.flatMap { text -> String? in
            guard let open = text.range(of: ")=("), let close = text.range(of: ") ", range: open.upperBound..<text.endIndex) else {
                return nil
            }
            return String(text[open.upperBound..<close.lowerBound])
        }
        switch (constraint, value) {
        case ("organizations_credit_code_key", let code?): return LedgerError.duplicateCreditCode(code)
        case ("users_username_key", let name?): return LedgerError.duplicateUsername(name)
        default: return PostgresStoreError.conflict(constraint: constraint ?? state, detail: detail ?? message)
        }
    }
}
