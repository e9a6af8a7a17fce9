import Foundation
import LedgerCore
import Logging
import PostgresNIO
import Synchronization

/// The ledger on a PostgreSQL server, shared by any number of `vledger` processes.
///
/// Transaction bodies are synchronous, so each runs on a thread of the store's own blocking pool (never
/// on an event loop or the Swift concurrency pool) with one connection to itself, and waits for every
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
    /// and checks that the server can be reached.
    public init(url: String, logger: Logger) async throws {
        let parsed = try PostgresDatabaseURL(url)
        let threads = NIOThreadPool(numberOfThreads: parsed.poolSize)
        threads.start()
        let connections = PostgresConnectionSource(configuration: parsed.configuration, logger: logger)
        do {
            try await threads.runIfActive { connections.giveBack(try connections.take()) }
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
        try await transaction(.write) { access in
            // Processes that start together wait here; the second finds the migrations applied.
            try access.run("SELECT pg_advisory_xact_lock(\(PostgresSchema.LockNamespace.migrations), 0)")
            try access.run(PostgresQuery(unsafeSQL: PostgresSchema.migrationsTable))
            let applied = Set(try access.run("SELECT version FROM vledger_schema_migrations").rows.map {
                try $0.decode(Int.self)
            })
            for migration in PostgresSchema.migrations where !applied.contains(migration.version) {
                for statement in migration.statements {
                    try access.run(PostgresQuery(unsafeSQL: statement))
                }
                try access.run("""
                    INSERT INTO vledger_schema_migrations (version, name) VALUES (\(migration.version), \(migration.name))
                    """)
            }
        }
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (any LedgerReader) throws -> T) async throws -> T {
        try await transaction(.read) { try body($0) }
    }

    public func write<T: Sendable>(_ body: @escaping @Sendable (any LedgerWriter) throws -> T) async throws -> T {
        try await transaction(.write) { try body($0) }
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

    // MARK: Transactions

    enum Mode {
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
        /// Lost a race with a concurrent transaction; nothing was committed.
        case retry(PostgresStoreError)
    }

    private func transaction<T: Sendable>(_ mode: Mode,
                                          _ body: @escaping @Sendable (PostgresLedgerAccess) throws -> T) async throws -> T {
        var attempt = 1
        while true {
            let outcome: Outcome<T>
            do {
                outcome = try await threads.runIfActive { [connections, logger] in
                    Self.attempt(mode, body, connections: connections, logger: logger)
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
                logger.debug("retrying a transaction that lost a race",
                             metadata: ["attempt": "\(attempt)", "sqlstate": "\(error.sqlState ?? "-")"])
                try await Task.sleep(for: .milliseconds(Int.random(in: 1...10) * attempt))
                attempt += 1
            }
        }
    }

    /// One run of a transaction, on a thread of the blocking pool.
    private static func attempt<T: Sendable>(_ mode: Mode, _ body: (PostgresLedgerAccess) throws -> T,
                                             connections: PostgresConnectionSource, logger: Logger) -> Outcome<T> {
        let connection: PostgresConnection
        do { connection = try connections.take() } catch { return .failure(PostgresStoreError(error)) }
        let access = PostgresLedgerAccess(connection: connection, logger: logger)
        do {
            try access.run(mode.begin)
        } catch {
            // Typically an idle connection the server closed; a fresh one is opened on the next run.
            connections.discard(connection)
            let failure = PostgresStoreError(error)
            return failure.breaksConnection ? .retry(failure) : .failure(failure)
        }
        let result = Result<T, any Error> { try body(access) }
        if let failure = access.failure {
            // A statement failed, so PostgreSQL has aborted the transaction, even if the body went on.
            rollback(connection, connections: connections, logger: logger)
            if failure.isRetryable { return .retry(failure) }
            if case .failure(let error) = result, !(error is PostgresStoreError) { return .failure(error) }
            return .failure(failure)
        }
        switch result {
        case .failure(let error):
            rollback(connection, connections: connections, logger: logger)
            return .failure(error)
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

    private static func rollback(_ connection: PostgresConnection, connections: PostgresConnectionSource, logger: Logger) {
        do {
            _ = try connection.query("ROLLBACK", logger: logger).wait()
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

/// The connections of one store: idle ones are reused, new ones are opened on demand. At most one per
/// thread of the blocking pool is in use, so the pool's size bounds the connections.
final class PostgresConnectionSource: Sendable {
    private struct State {
        var idle: [PostgresConnection] = []
        var nextId = 0
        var isClosed = false
    }

    private let configuration: PostgresConnection.Configuration
    private let logger: Logger
    private let state = Mutex(State())

    init(configuration: PostgresConnection.Configuration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// An open connection, waiting for it to be opened if none is idle. Blocks: call on a pool thread only.
    func take() throws -> PostgresConnection {
        while true {
            let (idle, newId, closed) = state.withLock { state -> (PostgresConnection?, Int, Bool) in
                if state.isClosed { return (nil, 0, true) }
                if let connection = state.idle.popLast() { return (connection, 0, false) }
                state.nextId += 1
                return (nil, state.nextId, false)
            }
            if closed { throw PostgresStoreError.closed }
            if let idle {
                if idle.isClosed { continue }
                return idle
            }
            do {
                return try PostgresConnection.connect(on: MultiThreadedEventLoopGroup.singleton.any(),
                                                      configuration: configuration, id: newId, logger: logger).wait()
            } catch {
                throw PostgresStoreError(error)
            }
        }
    }

    func giveBack(_ connection: PostgresConnection) {
        let keep = state.withLock { state in
            guard !state.isClosed, !connection.isClosed else { return false }
            state.idle.append(connection)
            return true
        }
        if !keep { discard(connection) }
    }

    func discard(_ connection: PostgresConnection) {
        // The closure keeps the connection alive until its channel has closed.
        if !connection.isClosed { connection.close().whenComplete { _ in _ = connection } }
    }

    /// Closes the idle connections without waiting, refusing new ones.
    func closeIdle() {
        let idle = state.withLock { state in
            state.isClosed = true
            defer { state.idle = [] }
            return state.idle
        }
        idle.forEach(discard)
    }

    func closeAll() async {
        let idle = state.withLock { state in
            state.isClosed = true
            defer { state.idle = [] }
            return state.idle
        }
        for connection in idle {
            try? await connection.close()
        }
    }
}
