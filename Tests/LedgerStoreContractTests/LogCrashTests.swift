import Foundation
import LedgerCore
import LedgerPostgres
import LedgerSQLite
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif

/// A server killed (SIGKILL) right after events, before the log's next sequencing and checkpoint, loses no log entry:
/// the entries were queued in the events' own transactions, and the next server sequences and signs them.
@Suite(.serialized) struct LogCrashTests {
    @Test(arguments: Backend.all)
    func aServerKilledBetweenEventsAndTheNextCheckpointLosesNoEntry(backend: Backend) async throws {
        let (url, cleanup) = try await backend.makeDatabaseURL()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vledger-crash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let keys = folder.appendingPathComponent("keys.json").path
        let created = try await VLedgerProcess.run(
            ["admin", "create-user", "--database", url, "--username", "root", "--role", "platform_admin", "--password-stdin"],
            input: "crash-test-2026\n")
        try #require(created.status == 0, "\(created.errorOutput)")

        var registered: [Int64] = []
        var queuedAtCrash = 0
        // The sequencer runs every 2 s: a burst killed at once leaves its last entries queued, nearly always at the first try.
        for attempt in 0..<3 where queuedAtCrash == 0 {
            let server = try await ServerProcess.start(database: url, keysFile: keys)
            let client = try await APIClient(baseURL: server.baseURL).signedIn("root", password: "crash-test-2026")
            for n in 1...6 {
                let response = try await client.post("organizations", Make.organizationInput(attempt * 10 + n))
                try #require(response.status == 201, "\(response.text)")
                registered.append(try #require(response.int64("id")))
            }
            server.process.signal(SIGKILL)
            _ = await server.process.wait(timeout: .seconds(20))
            queuedAtCrash = try await Self.withStore(backend, url) { store in
                try await store.read { try $0.queuedLogEntries(limit: 1000).count }
            }
        }
        #expect(queuedAtCrash > 0, "the crash came after the events' entries were queued and before they were sequenced")

        // The next server sequences what the dead one left queued and signs a checkpoint that covers every event.
        let server = try await ServerProcess.start(database: url, keysFile: keys)
        var checkpointSize = 0
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            let (data, _) = try await URLSession.shared.data(from: server.baseURL.appendingPathComponent("log/checkpoint"))
            let lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
            checkpointSize = lines.count > 1 ? Int(lines[1]) ?? 0 : 0
            let queued = try await Self.withStore(backend, url) { store in
                try await store.read { try $0.queuedLogEntries(limit: 1000).count }
            }
            if queued == 0, try await Self.withStore(backend, url, { try await $0.read { try $0.logSize() } }) == checkpointSize { break }
            try await Task.sleep(for: .milliseconds(500))
        }
        await server.stop()
        let logged = try await Self.withStore(backend, url) { store in
            try await store.read { r in try r.logEntries(from: 0, limit: 100_000).map { try LogEntry(bytes: $0) } }
        }
        #expect(logged.count == checkpointSize, "the signed checkpoint covers the whole log")
        let organizations = logged.filter { $0.event == .organizationCreated }.compactMap(\.organization)
        #expect(organizations.sorted() == registered.sorted(), "every registration logged exactly once")
        await cleanup()
    }

    /// Opens the database behind the server's back for one look.
    static func withStore<T: Sendable>(_ backend: Backend, _ url: String, _ body: (any LedgerStore) async throws -> T) async throws -> T {
        let store: any LedgerStore = switch backend {
        case .sqlite: try SQLiteLedgerStore(path: String(url.dropFirst("sqlite:".count)))
        case .postgres: try await PostgresLedgerStore(url: url, logger: TestPostgres.logger)
        }
        do {
            let result = try await body(store)
            try await store.close()
            return result
        } catch {
            try? await store.close()
            throw error
        }
    }
}
