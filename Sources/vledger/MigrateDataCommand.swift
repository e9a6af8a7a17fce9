import ArgumentParser
import Foundation
import LedgerApp
import LedgerCore

/// `vledger migrate-data`: moves an embedded deployment to PostgreSQL.
struct MigrateData: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate-data",
        abstract: "Copy a ledger into an empty database (e.g. SQLite to PostgreSQL) and check the copy.",
        discussion: """
            Stop every server that writes to the source first. Every table is copied with its ids, times and \
            audit chain in one transaction of the target, read from one snapshot of the source; then rows per \
            table and minutes per organization are compared and the target's audit chains re-derived. The \
            exit status is non-zero when the target is not empty or anything differs (nothing is kept then).
            """)

    @Option(help: "The source ledger: sqlite:PATH (or postgres://...).") var from: String
    @Option(help: "The EMPTY target: postgres://USER:PASSWORD@HOST:PORT/DB (or sqlite:PATH).") var to: String
    @Option(help: "Rows per batch.") var batchSize = 1000
    @Flag(help: "Do not re-derive the audit chains of the copy.") var skipAuditVerify = false

    func run() async throws {
        let source = try StoreLocation(from)
        let target = try StoreLocation(to)
        guard source.description != target.description else {
            throw ValidationError("--from and --to name the same database")
        }
        if case .sqlite(let path) = source, !FileManager.default.fileExists(atPath: path) {
            throw ValidationError("the source \(path) does not exist")
        }
        let sourceStore = try await source.open(logger: .init(label: "vledger.migrate-data.source"))
        let targetStore: any LedgerStore
        do {
            targetStore = try await target.open(logger: .init(label: "vledger.migrate-data.target"))
        } catch {
            try? await sourceStore.close()
            throw error
        }
        let passed: Bool
        do {
            passed = try await copy(from: sourceStore, to: targetStore, source: source, target: target)
            try await sourceStore.close()
            try await targetStore.close()
        } catch {
            try? await sourceStore.close()
            try? await targetStore.close()
            if let transferError = error as? LedgerTransferError {
                printError("migrate-data: \(transferError)")
                throw ExitCode(1)
            }
            throw error
        }
        if !passed { throw ExitCode(1) }
        if case .sqlite(let path) = source {
            let keys = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("vledger-keys.json").path
            if FileManager.default.fileExists(atPath: keys) {
                print("note: certificate keys are not kept in the database; give \(keys) to the servers of the new database "
                      + "with --keys or VLEDGER_KEYS_FILE")
            }
        }
    }

    /// Copies, then checks the committed copy again; returns whether every check passed.
    private func copy(from sourceStore: any LedgerStore, to targetStore: any LedgerStore,
                      source: StoreLocation, target: StoreLocation) async throws -> Bool {
        print("copying \(source.description) -> \(target.description)")
        let started = ContinuousClock.now
        let outcome = try await LedgerTransfer(batchSize: batchSize).copy(from: sourceStore, to: targetStore) { table, rows in
            if rows % 50_000 == 0 { printError("  \(table): \(rows) rows") }
        }
        let seconds = (ContinuousClock.now - started).seconds
        // Read the committed copy again: what other processes will now see.
        let committed = try await targetStore.read { try LedgerTransfer.Statistics.read($0) }

        print("")
        print(pad("table", 18) + pad("source", 12, right: true) + pad("target", 12, right: true))
        var passed = true
        for (sourceTable, targetTable) in zip(outcome.source.counts.tables, committed.counts.tables) {
            let same = sourceTable.rows == targetTable.rows
            passed = passed && same
            print(pad(sourceTable.name, 18) + pad(String(sourceTable.rows), 12, right: true)
                  + pad(String(targetTable.rows), 12, right: true) + (same ? "" : "   MISMATCH"))
        }
        print("")
        print(pad("organization", 14) + pad("source h / records", 24, right: true) + pad("target h / records", 24, right: true))
        let targetTotals = Dictionary(uniqueKeysWithValues: committed.minutesByOrganization.map { ($0.key, $0.total) })
        let sourceKeys = Set(outcome.source.minutesByOrganization.map(\.key))
        for item in outcome.source.minutesByOrganization {
            let copied = targetTotals[item.key] ?? MinuteTotal(minutes: 0, records: 0)
            let same = copied == item.total
            passed = passed && same
            print(pad("#\(item.key)", 14) + pad(describe(item.total), 24, right: true) + pad(describe(copied), 24, right: true)
                  + (same ? "" : "   MISMATCH"))
        }
        for extra in committed.minutesByOrganization where !sourceKeys.contains(extra.key) {
            passed = false
            print(pad("#\(extra.key)", 14) + pad("-", 24, right: true) + pad(describe(extra.total), 24, right: true) + "   MISMATCH")
        }
        print("")
        print(String(format: "copied %d rows in %.1f s", committed.counts.total, seconds))

        if !skipAuditVerify {
            let report = try await Ledger(store: targetStore).verifyAuditChains(by: .localOperator)
            for problem in report.problems.prefix(20) {
                print("organization \(problem.organizationId): \(problem.message)")
            }
            print(report.isIntact
                  ? "审计链完整 / audit chains intact on the target: \(report.revisions) revisions in \(report.organizations) organizations"
                  : "审计链被破坏 / \(report.problems.count) audit problems on the target")
            passed = passed && report.isIntact
        }
        print(passed ? "迁移完成，数据一致 / migration complete: counts and totals match"
                     : "迁移结果不一致 / the copy does not match the source")
        return passed
    }

    private func describe(_ total: MinuteTotal) -> String {
        "\(HoursFormat.hours(fromMinutes: total.minutes)) / \(total.records)"
    }

    private func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let padding = String(repeating: " ", count: max(1, width - text.count))
        return right ? padding + text : text + padding
    }
}
