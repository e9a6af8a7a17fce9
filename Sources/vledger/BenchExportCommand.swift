import ArgumentParser
import Foundation
import LedgerApp
import LedgerCore

/// Exports N synthetic records of one organization as CSV (what /org/records.csv and GET /api/v1/records.csv
/// stream) and, in the same run, reads the same records through the store's plain page query with nothing
/// joined or written; prints both rates and the peak memory of each.
struct BenchExport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export",
                                                    abstract: "CSV export speed and memory against a plain read of the same records.")

    @Option(help: "Number of records.") var rows = 200_000
    @Option(help: "Database URL of an EMPTY scratch database (default: a temporary SQLite file).") var database: String?

    func run() async throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("vledger-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let url = database ?? "sqlite:\(scratch.appendingPathComponent("bench.sqlite").path)"
        let store = try await StoreLocation(url).open(logger: .init(label: "bench"))
        let now = Date()
        let ledger = Ledger(store: store, clock: { now })
        let fixture = try await BenchFixture.make(ledger: ledger, rows: rows, now: now)
        try await fixture.plainBatchInsert(into: store)
        let filter = RecordFilter(organizationId: fixture.plainOrganization.id)

        // The baseline: the same records, a page of the export's size at a time, decoded and dropped.
        ResourceUsage.resetPeak()
        let plainStart = ContinuousClock.now
        var read = 0
        var after: Int64?
        while true {
            let cursor = after
            let page = try await store.read { try $0.records(filter, after: cursor, limit: Ledger.exportPageSize) }
            read += page.count
            guard page.count == Ledger.exportPageSize, let last = page.last else { break }
            after = last.id
        }
        let plainSeconds = (ContinuousClock.now - plainStart).seconds
        let plainMemory = ResourceUsage.peakResidentMiB()

        ResourceUsage.resetPeak()
        let exportStart = ContinuousClock.now
        var bytes = 0, chunks = 0
        try await ledger.exportRecords(filter, by: .localOperator) { chunk in
            bytes += chunk.count
            chunks += 1
        }
        let exportSeconds = (ContinuousClock.now - exportStart).seconds
        let exportMemory = ResourceUsage.peakResidentMiB()
        try await store.close()
        guard read == rows else { throw ValidationError("the plain read found \(read) of \(rows) records") }

        print("backend: \(try StoreLocation(url).description)")
        print("records: \(rows) of one organization (\(fixture.volunteers.count) volunteers)")
        print(String(format: "plain page read of the same records (%d a page, no names, nothing written): %.2f s, %.0f rows/s, peak %d MiB",
                     Ledger.exportPageSize, plainSeconds, Double(read) / plainSeconds, plainMemory))
        print(String(format: "CSV export (names joined, masked, local times, %d chunks, %.1f MB): %.2f s, %.0f rows/s (target >= 150000), peak %d MiB (target <= 100)",
                     chunks, Double(bytes) / 1e6, exportSeconds, Double(rows) / exportSeconds, exportMemory))
        print(String(format: "export / plain read: %.2f", plainSeconds / exportSeconds))
    }
}

extension ResourceUsage {
    /// Starts a new peak of resident memory (Linux: `5` to /proc/self/clear_refs), so a figure measures one phase.
    static func resetPeak() {
        if let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") {
            try? handle.write(contentsOf: Data("5".utf8))
            try? handle.close()
        }
    }
}
