import Foundation
import LedgerCore
import LedgerPasswords
import LedgerPostgres
import LedgerSQLite
import Testing

/// `vledger migrate-data` moving the sample deployment from SQLite to PostgreSQL.
@Suite("vledger migrate-data")
struct MigrateDataCommandTests {
    @Test(.enabled(if: Backend.all.contains(.postgres)), .timeLimit(.minutes(10)))
    func theSampleDeploymentMovesToPostgresWithEveryRowAndItsAuditChain() async throws {
        let (targetURL, dropTarget) = try await Backend.postgres.makeDatabaseURL()
        let source: TestStore
        do {
            source = try await Backend.sqlite.makeStore()
        } catch {
            await dropTarget()
            throw error
        }
        do {
            let ledger = source.ledger(clock: { Samples.now })
            _ = try await SampleDataLoader(ledger: ledger, folder: Samples.folder).loadIfEmpty()
            _ = try await ledger.login(username: "admin", password: "admin-demo-2026")
            let volunteerNumber = try await source.store.read { r -> String in
                let record = try #require(try r.records(RecordFilter(), after: nil, limit: 1).first)
                return try #require(try r.volunteer(id: record.volunteerId)).number
            }
            try await source.store.close()
            // A certificate issued on SQLite, whose QR code must still verify against PostgreSQL afterwards.
            let files = FileManager.default.temporaryDirectory.appendingPathComponent("vledger-migrate-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: files, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: files) }
            let keys = files.appendingPathComponent("keys.json").path, qr = files.appendingPathComponent("qr.png").path
            let issued = try await VLedgerProcess.run(["issue", "--database", source.url, "--keys", keys, "--volunteer", volunteerNumber,
                                                       "--out", files.appendingPathComponent("c.pdf").path, "--png", qr])
            #expect(issued.status == 0, "\(issued.errorOutput)")
            let sourceStore = try SQLiteLedgerStore(path: String(source.url.dropFirst("sqlite:".count)))
            let expected = try await sourceStore.read { try LedgerTransfer.Statistics.read($0) }
            try await sourceStore.close()
            #expect(expected.counts.otherTables["certificates"] == 1)

            let migrated = try await VLedgerProcess.run(["migrate-data", "--from", source.url, "--to", targetURL])
            #expect(migrated.status == 0, "\(migrated.output)\n\(migrated.errorOutput)")
            let recordsLine = migrated.output.split(separator: "\n").first { $0.hasPrefix("service_records ") }
            #expect(recordsLine?.split(separator: " ") == ["service_records", "2002", "2002"])
            #expect(migrated.output.contains("migration complete"))
            #expect(!migrated.output.contains("MISMATCH"))

            let audit = try await VLedgerProcess.run(["audit", "verify", "--full", "--database", targetURL])
            #expect(audit.status == 0, "\(audit.output)\n\(audit.errorOutput)")
            #expect(audit.output.contains("2002 revisions in 4 organizations"))
            // A daily check after it reads nothing that has not changed since (incremental is the default).
            let daily = try await VLedgerProcess.run(["audit", "verify", "--database", targetURL])
            #expect(daily.status == 0, "\(daily.output)\n\(daily.errorOutput)")
            #expect(daily.output.contains("(incremental): 0 revisions in 4 organizations, 0 rows read"), "\(daily.output)")
            #expect(daily.errorOutput.contains("chains 4/4"), "progress on standard error: \(daily.errorOutput)")

            let target = try await PostgresLedgerStore(url: targetURL, logger: TestPostgres.logger)
            let copied = try await target.read { try LedgerTransfer.Statistics.read($0) }
            #expect(copied == expected)
            let verified = try await VLedgerProcess.run(["verify", qr, "--database", targetURL, "--keys", keys])
            #expect(verified.status == 0, "\(verified.output)\n\(verified.errorOutput)")
            #expect(verified.output.contains("有效"))
            // Accounts and sessions came along: the sample admin signs in on the new database.
            var onTarget = Ledger(store: target, clock: { Samples.now })
            onTarget.passwords = BcryptPasswordHasher(cost: 4)
            let grant = try await onTarget.login(username: "admin", password: "admin-demo-2026")
            #expect(grant.account.role == .platformAdmin)
            try await target.close()

            let again = try await VLedgerProcess.run(["migrate-data", "--from", source.url, "--to", targetURL])
            #expect(again.status != 0)
            #expect(again.errorOutput.contains("not empty"))
        } catch {
            Issue.record(error)
        }
        await source.dispose()
        await dropTarget()
    }

    @Test func aMissingSourceFileIsRefusedBeforeAnythingIsCreated() async throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("vledger-missing-\(UUID().uuidString).sqlite").path
        let result = try await VLedgerProcess.run(["migrate-data", "--from", "sqlite:\(missing)",
                                                   "--to", "postgres://nobody@127.0.0.1:1/none"])
        #expect(result.status != 0)
        #expect(result.errorOutput.contains("does not exist"))
        #expect(!FileManager.default.fileExists(atPath: missing))
    }
}
