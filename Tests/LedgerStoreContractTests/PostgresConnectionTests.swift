import Foundation
import LedgerCore
import LedgerPostgres
import Testing

/// What is particular to the PostgreSQL store: its URL, its connections and its migrations.
@Suite("PostgreSQL connections and migrations")
struct PostgresConnectionTests {
    static let enabled = Backend.all.contains(.postgres)

    @Test(arguments: [
        "mysql://root@localhost/ledger",
        "postgres://user@localhost/db?sslmode=sometimes",
        "postgres://user@localhost/db?pool_size=0",
        "postgres://user@localhost/db?pool_size=lots",
    ])
    func unusableURLsAreRefusedBeforeConnecting(_ url: String) async throws {
        do {
            let store = try await PostgresLedgerStore(url: url, logger: TestPostgres.logger)
            try await store.close()
            Issue.record("\(url) was accepted")
        } catch let error as PostgresStoreError {
            guard case .invalidURL = error else {
                Issue.record("\(url): \(error)")
                return
            }
        }
    }

    @Test(.enabled(if: enabled, "set VLEDGER_TEST_POSTGRES_URL (scripts/with-test-postgres.sh) to run the PostgreSQL cases"))
    func aWrongPasswordIsReportedWhenTheStoreOpens() async throws {
        let serverURL = try #require(TestPostgres.serverURL)
        var url = try #require(URLComponents(string: serverURL))
        url.password = "not-the-password"
        await #expect(throws: PostgresStoreError.self) {
            let store = try await PostgresLedgerStore(url: url.string!, logger: TestPostgres.logger)
            try await store.close()
        }
    }

    @Test(.enabled(if: enabled))
    func processesMigratingTogetherApplyEachMigrationOnce() async throws {
        let (url, drop) = try await TestPostgres.freshDatabase()
        var stores: [PostgresLedgerStore] = []
        do {
            for _ in 0..<3 { stores.append(try await PostgresLedgerStore(url: url, logger: TestPostgres.logger)) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for store in stores { group.addTask { try await store.migrate() } }
                try await group.waitForAll()
            }
            // Raises unless every version is recorded exactly once.
            try await stores[0].unsafeExecute("""
                DO $$ BEGIN
                    IF EXISTS (SELECT version FROM vledger_schema_migrations GROUP BY version HAVING count(*) <> 1)
                       OR NOT EXISTS (SELECT 1 FROM vledger_schema_migrations WHERE version = 1) THEN
                        RAISE EXCEPTION 'migrations recorded wrongly';
                    END IF;
                END $$
                """)
            let ledger = Ledger(store: stores[1], clock: { Make.now })
            let organization = try await ledger.createOrganization(Make.organizationInput(1), by: .localOperator)
            #expect(try await stores[2].read { try $0.organization(id: organization.id) } == organization)
        } catch {
            Issue.record(error)
        }
        for store in stores { try? await store.close() }
        await drop()
    }

    /// A pooled connection the server has closed (a restart, an idle timeout) is replaced, and the
    /// transaction that found it dead runs again on a new one.
    @Test(.enabled(if: enabled))
    func aConnectionTheServerClosedIsReplaced() async throws {
        try await withStore(.postgres) { t in
            let id = try await t.store.write { try $0.insert(Make.organization(1)).id }
            #expect(try await t.store.read { try $0.organization(id: id) } != nil)
            // Another session ends every session of the test's database, the pooled one included.
            let database = try #require(URLComponents(string: t.url)?.path.dropFirst())
            let serverURL = try #require(TestPostgres.serverURL)
            let admin = try await PostgresLedgerStore(url: serverURL, logger: TestPostgres.logger)
            try await admin.unsafeExecute("""
                SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '\(database)'
                """)
            try await admin.close()
            #expect(try await t.store.read { try $0.organization(id: id) }?.id == id)
            let second = try await t.store.write { try $0.insert(Make.organization(2)).id }
            #expect(second > id)
        }
    }
}
