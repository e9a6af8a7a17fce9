import ArgumentParser
import Crypto
import Foundation
import Hummingbird
import LedgerAPI
import LedgerApp
import LedgerCore
import Logging

/// The transparency log at size: appending N entries (queued in transactions as events queue them, then sequenced with
/// every subtree hash) next to N plain SHA-256 hashes of the same entries in the same run; the root, inclusion and
/// consistency proofs at that size; and serving hash tiles next to a trivial route of the same server.
struct BenchLog: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log", abstract: "Transparency log: append rate against plain hashing, proofs at size, tiles against a trivial route.")

    @Option(help: "Entries to append.") var entries = 1_000_000
    @Option(help: "Database URL of an EMPTY scratch database (default: a temporary SQLite file).") var database: String?
    @Option(help: "Proofs of each kind to time.") var proofs = 1000
    @Option(help: "HTTP requests per route.") var requests = 20_000
    @Option(help: "Concurrent connections.") var connections = 8

    func validate() throws {
        guard (1_000...20_000_000).contains(entries) else { throw ValidationError("--entries must be from 1000 to 20000000") }
        guard (1...100_000).contains(proofs) else { throw ValidationError("--proofs must be from 1 to 100000") }
    }

    /// The canonical bytes of synthetic entry `i`: a record revision as the ledger logs it.
    static func entry(_ i: Int) -> [UInt8] {
        let digest = SHA256.hash(data: withUnsafeBytes(of: i.littleEndian, Array.init)).hexString
        return Array(#"{"at":"2026-06-10T04:00:00Z","change":"created","digest":"\#(digest)","event":"record_revision","organization":\#(i % 9000 + 1),"record":\#(i + 1),"revision":1,"v":1}"#.utf8)
    }

    func run() async throws {
        guard (try? LogEntry(bytes: Self.entry(0))) != nil else { throw ValidationError("the synthetic entry is not canonical") }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("vledger-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let url = database ?? "sqlite:\(scratch.appendingPathComponent("bench.sqlite").path)"
        let store = try await StoreLocation(url).open(logger: .init(label: "bench"))
        let batch = 10_000

        // Baseline: one SHA-256 per entry, nothing stored.
        let hashStart = ContinuousClock.now
        var fold: UInt8 = 0
        for i in 0..<entries { fold ^= TreeHash.leaf(Self.entry(i)).bytes[0] }
        let hashSeconds = (ContinuousClock.now - hashStart).seconds

        // Baseline for the writers' wait: a small write transaction (a login's size) with nothing queued.
        var idleWaits: [Double] = []
        for _ in 0..<200 { idleWaits.append(try await Self.timedWrite(store)) }

        // The log: entries queued in transactions of `batch` (as imports queue them), then sequenced.
        let queueStart = ContinuousClock.now
        for start in stride(from: 0, to: entries, by: batch) {
            let chunk = (start..<min(entries, start + batch)).map(Self.entry)
            try await store.write { try $0.enqueueLogEntries(chunk) }
        }
        let queueSeconds = (ContinuousClock.now - queueStart).seconds
        // While the backlog is sequenced in bounded batches, another writer commits a small write every 5 ms: how long
        // each waited for the write lock (and ran) is the longest a login waits behind the log.
        let sequenceStart = ContinuousClock.now
        let sequencing = Task { try await LogSequencer.sequenceAll(in: store) }
        var backlogWaits: [Double] = []
        while true {
            backlogWaits.append(try await Self.timedWrite(store))
            if try await store.read({ try $0.queuedLogEntries(limit: 1).isEmpty }) { break }
            try await Task.sleep(for: .milliseconds(5))
        }
        let sequenced = try await sequencing.value
        let sequenceSeconds = (ContinuousClock.now - sequenceStart).seconds
        guard sequenced == entries else { throw ValidationError("sequenced \(sequenced) of \(entries) entries") }

        let rootStart = ContinuousClock.now
        let (size, root) = try await store.read { try LogSequencer.head(in: $0) }
        let rootMicroseconds = (ContinuousClock.now - rootStart).seconds * 1e6
        var generator = SystemRandomNumberGenerator()
        let indexes = (0..<proofs).map { _ in Int.random(in: 0..<size, using: &generator) }
        let inclusionStart = ContinuousClock.now
        let inclusion = try await store.read { r in
            try indexes.map { try Merkle.inclusionProof(index: $0, size: size, in: StoredLogTree(r)) }
        }
        let inclusionMicroseconds = (ContinuousClock.now - inclusionStart).seconds / Double(proofs) * 1e6
        for (index, proof) in zip(indexes, inclusion).prefix(100) {
            guard Merkle.verifyInclusion(leaf: .leaf(Self.entry(index)), index: index, size: size, proof: proof, root: root) else {
                throw ValidationError("an inclusion proof at \(index) does not verify")
            }
        }
        let consistencyStart = ContinuousClock.now
        let consistency = try await store.read { r in
            try indexes.map { try Merkle.consistencyProof(oldSize: $0 + 1, newSize: size, in: StoredLogTree(r)) }
        }
        let consistencyMicroseconds = (ContinuousClock.now - consistencyStart).seconds / Double(proofs) * 1e6

        // Serving: full hash tiles of level 0 and entry bundles next to a trivial route, on one server.
        var ledger = Ledger(store: store)
        let log = LogPublisher(store: store, signer: try NoteSigner.generate(name: "bench.example/log"))
        try await log.refresh()
        ledger.transparencyLog = log
        var logger = Logger(label: "bench")
        logger.logLevel = .critical
        let router = buildRouter(ledger: ledger)
        router.get("/bench/trivial") { _, _ in "ok" }
        let fullTiles = size / 256
        let tilePaths = (0..<min(fullTiles, 2000)).map { _ in "/log/tile/0/" + TilePath.encode(Int.random(in: 0..<fullTiles)) }
        let bundlePaths = tilePaths.map { $0.replacingOccurrences(of: "/log/tile/0/", with: "/log/tile/entries/") }
        let requests = self.requests, connections = self.connections
        let (trivial, tiles, bundles) = try await LoadGenerator.withServer(router, logger: logger) { port -> (LoadResult, LoadResult, LoadResult) in
            _ = try await LoadGenerator.run(port: port, paths: ["/bench/trivial"], requests: 500, connections: connections)
            _ = try await LoadGenerator.run(port: port, paths: tilePaths, requests: 500, connections: connections)
            let trivial = try await LoadGenerator.run(port: port, paths: ["/bench/trivial"], requests: requests, connections: connections)
            let tiles = try await LoadGenerator.run(port: port, paths: tilePaths, requests: requests, connections: connections)
            let bundles = try await LoadGenerator.run(port: port, paths: bundlePaths, requests: requests, connections: connections)
            return (trivial, tiles, bundles)
        }
        try await store.close()

        print("backend: \(try StoreLocation(url).description), \(entries) entries of ~\(Self.entry(entries - 1).count) bytes (checksum \(fold))")
        print(String(format: "plain SHA-256 of the same entries (leaf hashes only, nothing stored): %.2f s, %.0f entries/s",
                     hashSeconds, Double(entries) / hashSeconds))
        print(String(format: "queued in transactions of %ld: %.2f s, %.0f entries/s", batch, queueSeconds, Double(entries) / queueSeconds))
        print(String(format: "sequenced (leaf and subtree hashes stored, dequeued): %.2f s, %.0f entries/s",
                     sequenceSeconds, Double(entries) / sequenceSeconds))
        print(String(format: "another write while the backlog was sequenced (%ld writes): median %.1f ms, max %.1f ms; "
                     + "with nothing queued (%ld writes): median %.1f ms, max %.1f ms (target: max under 100 ms)",
                     backlogWaits.count, Self.median(backlogWaits), backlogWaits.max() ?? 0, idleWaits.count, Self.median(idleWaits),
                     idleWaits.max() ?? 0))
        let appendRate = Double(entries) / (queueSeconds + sequenceSeconds)
        print(String(format: "append in all: %.0f entries/s = %.3f of plain hashing", appendRate, appendRate / (Double(entries) / hashSeconds)))
        print(String(format: "at size %ld: root %.0f µs; inclusion proof %.0f µs (%ld hashes); consistency proof %.0f µs (%ld hashes)",
                     size, rootMicroseconds, inclusionMicroseconds, inclusion.first?.count ?? 0, consistencyMicroseconds,
                     consistency.first?.count ?? 0))
        print(String(format: "GET /bench/trivial: %.0f requests/s (%ld connections, keep-alive)", trivial.rate, connections))
        print(String(format: "GET /log/tile/0/N (8 KiB of hashes): %.0f requests/s = %.2f of trivial", tiles.rate, tiles.rate / trivial.rate))
        print(String(format: "GET /log/tile/entries/N (256 entries): %.0f requests/s = %.2f of trivial", bundles.rate, bundles.rate / trivial.rate))
        print("peak resident memory: \(ResourceUsage.peakResidentMiB()) MiB")
    }

    /// Milliseconds of one small write transaction, waiting for the write lock included.
    static func timedWrite(_ store: any LedgerStore) async throws -> Double {
        let start = ContinuousClock.now
        _ = try await store.write { try $0.logSize() }
        return (ContinuousClock.now - start).seconds * 1000
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    }
}
