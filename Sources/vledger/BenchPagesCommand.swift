import ArgumentParser
import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerApp
import LedgerCore
import LedgerPasswords
import Logging
import Synchronization

/// The server time of the staff pages for an organization with many records, next to the JSON list of the
/// same page, in one run: requests go through the whole application (middleware, session, use cases,
/// templates) in process, so no network time is counted.
struct BenchPages: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pages", abstract: "Server time of the staff home and the records page next to the JSON list of the same records.")

    @Option(help: "Records of the organization.") var rows = 100_000
    @Option(help: "Measured requests of each kind.") var requests = 200

    func run() async throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("vledger-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let store = try await StoreLocation("sqlite:\(scratch.appendingPathComponent("bench.sqlite").path)").open(logger: .init(label: "bench"))
        let now = Date()
        let ledger = Ledger(store: store, clock: { now }, passwords: BcryptPasswordHasher(cost: 4))
        let fixture = try await BenchFixture.make(ledger: ledger, rows: rows, now: now)
        let csv = scratch.appendingPathComponent("records.csv").path
        try fixture.writeCSV(to: csv)
        let organization = fixture.importOrganization
        let report = try await ledger.importRecords(openFile: { try CSVReader(path: csv) },
                                                    options: ImportOptions(organizationId: organization.id), by: .localOperator)
        guard report.committed else { throw ValidationError("the benchmark import failed") }
        _ = try await ledger.createAccount(AccountInput(username: "bench-staff", password: "bench-password", role: .organizationStaff,
                                                        organizationId: organization.id), by: .localOperator)
        // A web session is the same kind of token as the API's bearer token.
        let token = try await ledger.login(username: "bench-staff", password: "bench-password").token
        var logger = Logger(label: "bench")
        logger.logLevel = .critical
        var configuration = AppConfiguration()
        configuration.batchFolder = scratch.appendingPathComponent("certificate-batches").path
        let app = try await buildApplication(configuration, ledger: ledger, logger: logger, closesStore: false)
        let kinds: [(name: String, uri: String, headers: HTTPFields)] = [
            ("staff home (HTML)", "/org", [.cookie: "vledger_session=\(token)"]),
            ("records page, 50 rows (HTML)", "/org/records", [.cookie: "vledger_session=\(token)"]),
            ("records page, 50 rows (JSON API)", "/api/v1/records?organization=\(organization.id)&limit=50", [.authorization: "Bearer \(token)"]),
        ]
        let requests = self.requests
        let box = Mutex<[[Double]]>([])
        try await app.test(.router) { client in
                for kind in kinds {
                    for _ in 0..<10 {
                        let status = try await client.execute(uri: kind.uri, method: .get, headers: kind.headers) { $0.status }
                        guard status == .ok else { throw ValidationError("\(kind.uri) answered \(status)") }
                    }
                }
                // The kinds take turns, so that a machine that slows down or speeds up during the run moves all alike.
                var measured = Array(repeating: [Double](), count: kinds.count)
                for _ in 0..<requests {
                    for (index, kind) in kinds.enumerated() {
                        let start = ContinuousClock.now
                        _ = try await client.execute(uri: kind.uri, method: .get, headers: kind.headers) { $0.body.readableBytes }
                        measured[index].append((ContinuousClock.now - start).seconds * 1000)
                    }
                }
                box.withLock { $0 = measured.map { $0.sorted() } }
        }
        let timings = box.withLock { $0 }
        try await store.close()
        print("backend: sqlite (scratch), one organization with \(rows) records of \(fixture.volunteers.count) volunteers")
        for (kind, samples) in zip(kinds, timings) {
            print(String(format: "%-34@ median %.2f ms, p90 %.2f ms (%ld requests)", kind.name as NSString, samples[samples.count / 2],
                         samples[samples.count * 9 / 10], samples.count))
        }
        let json = timings[2][timings[2].count / 2]
        print(String(format: "records page HTML / JSON: %.2f (target <= 2.00)", timings[1][timings[1].count / 2] / json))
        print(String(format: "staff home / JSON records page: %.2f (target <= 2.00)", timings[0][timings[0].count / 2] / json))
        print("peak resident memory: \(ResourceUsage.peakResidentMiB()) MiB")
    }
}
