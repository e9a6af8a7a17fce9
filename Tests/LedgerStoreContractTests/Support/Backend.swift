import Foundation
import LedgerCore
import LedgerPasswords
import LedgerPostgres
import LedgerSQLite
import Logging
import Testing

/// The store implementations every contract test runs against.
///
/// SQLite always runs (a temporary file). PostgreSQL runs against the server of
/// `VLEDGER_TEST_POSTGRES_URL` (see scripts/with-test-postgres.sh), each test in a fresh database, so
/// tests are independent and run in parallel. Without that variable the PostgreSQL cases are left out
/// locally, but when `CI` is set they run and fail, so CI cannot pass without PostgreSQL.
enum Backend: String, Sendable, CaseIterable, CustomTestStringConvertible {
    case sqlite
    case postgres

    static var all: [Backend] {
        TestPostgres.serverURL != nil || TestPostgres.isCI ? [.sqlite, .postgres] : [.sqlite]
    }

    var testDescription: String { rawValue }

    /// A fresh, migrated store of this backend.
    func makeStore() async throws -> TestStore {
        switch self {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vledger-contract-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let path = directory.appendingPathComponent("ledger.sqlite").path
            let store = try SQLiteLedgerStore(path: path)
            try await store.migrate()
            return TestStore(backend: self, store: store, url: "sqlite:\(path)",
                             execute: { try await store.unsafeExecute($0) },
                             cleanup: { try? FileManager.default.removeItem(at: directory) })
        case .postgres:
            let (url, drop) = try await TestPostgres.freshDatabase()
            let store = try await PostgresLedgerStore(url: url, logger: TestPostgres.logger)
            do {
                try await store.migrate()
            } catch {
                try? await store.close()
                await drop()
                throw error
            }
            return TestStore(backend: self, store: store, url: url,
                             execute: { try await store.unsafeExecute($0) },
                             cleanup: drop)
        }
    }

    /// An empty database of this backend, not yet opened: for tests that run the `vledger` binary on it.
    func makeDatabaseURL() async throws -> (url: String, cleanup: @Sendable () async -> Void) {
        switch self {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vledger-contract-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            return ("sqlite:\(directory.appendingPathComponent("ledger.sqlite").path)",
                    { try? FileManager.default.removeItem(at: directory) })
        case .postgres:
            return try await TestPostgres.freshDatabase()
        }
    }
}

/// A store under test, with raw SQL access for checks that go behind the ledger's back.
struct TestStore: Sendable {
    let backend: Backend
    let store: any LedgerStore
    /// The database URL, as `--database` takes it.
    let url: String
    private let execute: @Sendable (String) async throws -> Void
    private let cleanup: @Sendable () async -> Void

    init(backend: Backend, store: any LedgerStore, url: String, execute: @escaping @Sendable (String) async throws -> Void,
         cleanup: @escaping @Sendable () async -> Void) {
        self.backend = backend
        self.store = store
        self.url = url
        self.execute = execute
        self.cleanup = cleanup
    }

    /// Runs one SQL statement directly (the same text on both backends).
    func rawExecute(_ sql: String) async throws {
        try await execute(sql)
    }

    func dispose() async {
        try? await store.close()
        await cleanup()
    }

    /// A ledger on this store with the fixed test clock.
    func ledger(clock: @escaping @Sendable () -> Date = { Make.now }) -> Ledger {
        var ledger = Ledger(store: store, clock: clock, random: .seeded(20260615))
        ledger.passwords = BcryptPasswordHasher(cost: 4)
        return ledger
    }
}

/// Runs `body` with a fresh store of `backend` and disposes of it afterwards, also on failure.
func withStore(_ backend: Backend, _ body: (TestStore) async throws -> Void) async throws {
    let store = try await backend.makeStore()
    do {
        try await body(store)
    } catch {
        await store.dispose()
        throw error
    }
    await store.dispose()
}

/// The PostgreSQL server the tests use.
enum TestPostgres {
    static var serverURL: String? {
        ProcessInfo.processInfo.environment["VLEDGER_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    static var isCI: Bool {
        ProcessInfo.processInfo.environment["CI"].map { !$0.isEmpty && $0 != "0" && $0 != "false" } ?? false
    }

    static let logger = Logger(label: "vledger.contract-tests")

    struct NotConfigured: Error, CustomStringConvertible {
        var variable = "VLEDGER_TEST_POSTGRES_URL"
        var what = "PostgreSQL"
        var installer = "make postgres-deps"
        var description: String {
            "\(variable) is not set, but CI is: the \(what) cases must run in CI "
                + "(run the tests through scripts/with-test-postgres.sh; \(installer) installs what it needs)"
        }
    }

    /// The port of the PgBouncer (transaction pooling) that scripts/with-test-postgres.sh starts in front of the
    /// test server; nil where it is not installed, except in CI, which must run the PgBouncer cases.
    static func pgBouncerPort() throws -> Int? {
        if let port = ProcessInfo.processInfo.environment["VLEDGER_TEST_PGBOUNCER_PORT"].flatMap(Int.init) { return port }
        if isCI { throw NotConfigured(variable: "VLEDGER_TEST_PGBOUNCER_PORT", what: "PgBouncer", installer: "make postgres-deps") }
        return nil
    }

    /// The port of the hot standby of the test server that scripts/with-test-postgres.sh starts; nil where the
    /// tests run without that script, except in CI.
    static func replicaPort() throws -> Int? {
        if let port = ProcessInfo.processInfo.environment["VLEDGER_TEST_POSTGRES_REPLICA_PORT"].flatMap(Int.init) { return port }
        if isCI { throw NotConfigured(variable: "VLEDGER_TEST_POSTGRES_REPLICA_PORT", what: "read replica", installer: "make postgres-deps") }
        return nil
    }

    /// `url` with its port changed to `port`: the same database on the standby or through PgBouncer.
    static func url(_ url: String, port: Int) throws -> String {
        var components = try #require(URLComponents(string: url))
        components.port = port
        return try #require(components.string)
    }

    /// A new, empty database on the test server and a function that drops it.
    static func freshDatabase() async throws -> (url: String, cleanup: @Sendable () async -> Void) {
        guard let serverURL else { throw NotConfigured() }
        let name = "vledger_t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(20)
        let url = try await PostgresServerAdmin.createDatabase(String(name), serverURL: serverURL, logger: logger)
        return (url, { try? await PostgresServerAdmin.dropDatabase(String(name), serverURL: serverURL, logger: logger) })
    }
}
