import ArgumentParser
import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerAPI
import LedgerApp
import LedgerCore
import LedgerPasswords
import Logging
import Synchronization

/// The server time of recording one hour entry through the API (`POST /api/v1/records`: authentication,
/// every rule, the record, its revision, the audit chain) on a database URL, next to the same requests on
/// a scratch SQLite file in the same run. Requests go through the whole application in process, one at a
/// time, taking turns between the two, so no network time between client and server is counted and a
/// machine that drifts moves both alike.
struct BenchWrites: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "writes", abstract: "Server time of one recorded hour entry on a database next to SQLite.")

    @Option(help: "Database URL of an EMPTY scratch database to measure (e.g. postgres://...).") var database: String
    @Option(help: "Measured requests on each backend.") var requests = 400

    /// One backend under test: its application and the requests it answers.
    private struct Side: Sendable {
        var name: String
        var application: Application<RouterResponder<LedgerRequestContext>>
        var token: String
        var inputs: [RecordInput]
    }

    func run() async throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("vledger-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let baseline = try StoreLocation("sqlite:\(scratch.appendingPathComponent("bench.sqlite").path)")
        let measured = try StoreLocation(database)
        var stores: [any LedgerStore] = []
        var built: [Side] = []
        let warmup = 20
        for location in [baseline, measured] {
            let store = try await location.open(logger: .init(label: "bench"))
            stores.append(store)
            built.append(try await Self.side(location.description, store: store, records: requests + warmup,
                                             batchFolder: scratch.appendingPathComponent("certificate-batches-\(built.count)").path))
        }
        let requests = self.requests, sides = built
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        let box = Mutex<[[Double]]>([])
        try await sides[0].application.test(.router) { first in
            try await sides[1].application.test(.router) { second in
                let clients = [first, second]
                var timings = Array(repeating: [Double](), count: 2)
                for index in 0..<(warmup + requests) {
                    for (side, client) in clients.enumerated() {
                        let body = try encoder.encode(sides[side].inputs[index])
                        let start = ContinuousClock.now
                        let status = try await client.execute(
                            uri: "/api/v1/records", method: .post,
                            headers: [.authorization: "Bearer \(sides[side].token)", .contentType: "application/json"],
                            body: ByteBuffer(data: body)) { $0.status }
                        let elapsed = (ContinuousClock.now - start).seconds * 1000
                        guard status == .created else { throw ValidationError("\(sides[side].name): POST /api/v1/records answered \(status)") }
                        if index >= warmup { timings[side].append(elapsed) }
                    }
                }
                box.withLock { $0 = timings.map { $0.sorted() } }
            }
        }
        for store in stores { try await store.close() }
        let timings = box.withLock { $0 }
        for (side, samples) in zip(sides, timings) {
            print(String(format: "%-40@ median %.2f ms, p90 %.2f ms (%ld requests)", "POST /api/v1/records on \(side.name)" as NSString,
                         samples[samples.count / 2], samples[samples.count * 9 / 10], samples.count))
        }
        print(String(format: "%@ / sqlite: %.2f (target <= 2.00)", sides[1].name, timings[1][timings[1].count / 2] / timings[0][timings[0].count / 2]))
    }

    /// An organization with members and an activity, a staff account with a session, and `records` valid
    /// entries for it: one two-hour slot a day for each volunteer.
    private static func side(_ name: String, store: any LedgerStore, records: Int, batchFolder: String) async throws -> Side {
        let now = Date()
        let ledger = Ledger(store: store, clock: { now }, passwords: BcryptPasswordHasher(cost: 4))
        let fixture = try await BenchFixture.make(ledger: ledger, rows: records, now: now)
        _ = try await ledger.createAccount(AccountInput(username: "bench-staff", password: "bench-password", role: .organizationStaff,
                                                        organizationId: fixture.importOrganization.id), by: .localOperator)
        let token = try await ledger.login(username: "bench-staff", password: "bench-password").token
        var logger = Logger(label: "bench")
        logger.logLevel = .critical
        var configuration = AppConfiguration()
        configuration.batchFolder = batchFolder  // the bench's scratch folder, not the working directory's data/
        let application = try await buildApplication(configuration, ledger: ledger, logger: logger, closesStore: false)
        let inputs = (0..<records).map { index in
            let (volunteer, start) = fixture.slot(index)
            return RecordInput(volunteerNumber: volunteer.number, activityId: fixture.activity.id, start: start,
                               end: start.addingTimeInterval(7200))
        }
        return Side(name: name.hasPrefix("postgres") ? "postgres" : "sqlite", application: application, token: token, inputs: inputs)
    }
}
