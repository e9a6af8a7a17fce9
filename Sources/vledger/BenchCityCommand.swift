import ArgumentParser
import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerApp
import LedgerCertificates
import LedgerCore
import LedgerDocuments
import LedgerPasswords
import Logging
import Synchronization

/// `vledger bench city --data DIR`: a city-sized data set (`vledger samples generate`) loaded into a ledger, and
/// `samples/` into a scratch ledger as the baseline, in the same run. Prints the load time; the median and p95
/// server time of every page and API list the roles use, at city scale next to the same request on the samples
/// (requests go through the whole application in process, as in `bench pages`); then the exports (rows/s), the
/// audit verification (full and incremental), a backup, a batch of certificates for the largest organization
/// and a spot check's freeze and draw, each with its peak memory; every figure next to its target (issue 33).
struct BenchCity: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "city", abstract: "City-scale figures of every page, list, export and job, next to the same on the samples.")

    @Option(help: "The data set folder (vledger samples generate --out).") var data: String
    @Option(help: "Database URL for the city ledger (default: a scratch SQLite file). Loading is skipped when it already holds organizations.")
    var database: String?
    @Option(help: "The baseline samples folder.") var samples = "samples"
    @Option(help: "Measured requests of each kind.") var requests = 30
    @Option(help: "Certificates of the batch for the largest organization (0: skip).") var certificates = 200

    /// One request kind; `{org}`, `{activity}`, `{volunteer}`, `{record}` and `{me}` are replaced per ledger.
    struct Kind {
        var name: String
        var role: String
        var uri: String
    }

    static let kinds: [Kind] = [
        Kind(name: "staff home /org", role: "org1-staff", uri: "/org"),
        Kind(name: "volunteers list /org/volunteers", role: "org1-staff", uri: "/org/volunteers"),
        Kind(name: "volunteers search", role: "org1-staff", uri: "/org/volunteers?q=%E7%8E%8B"),
        Kind(name: "volunteer page", role: "org1-staff", uri: "/org/volunteers/{volunteer}"),
        Kind(name: "records list /org/records", role: "org1-staff", uri: "/org/records"),
        Kind(name: "record page", role: "org1-staff", uri: "/org/records/{record}"),
        Kind(name: "activities /org/activities", role: "org1-staff", uri: "/org/activities"),
        Kind(name: "activity page", role: "org1-staff", uri: "/org/activities/{activity}"),
        Kind(name: "certificates /org/certificates", role: "org1-staff", uri: "/org/certificates"),
        Kind(name: "claims /org/claims", role: "org1-staff", uri: "/org/claims"),
        Kind(name: "join requests", role: "org1-admin", uri: "/org/join-requests"),
        Kind(name: "accounts /org/accounts", role: "org1-admin", uri: "/org/accounts"),
        Kind(name: "API listRecords", role: "org1-staff", uri: "/api/v1/records?organization={org}&limit=50"),
        Kind(name: "API listMembers", role: "org1-staff", uri: "/api/v1/organizations/{org}/members?limit=50"),
        Kind(name: "API listActivities", role: "org1-staff", uri: "/api/v1/activities?organization={org}&limit=50"),
        Kind(name: "API organizationSummary", role: "org1-staff", uri: "/api/v1/organizations/{org}/summary"),
        Kind(name: "volunteer home /me", role: "volunteer1", uri: "/me"),
        Kind(name: "volunteer activities /me/activities", role: "volunteer1", uri: "/me/activities"),
        Kind(name: "volunteer certificates", role: "volunteer1", uri: "/me/certificates"),
        Kind(name: "volunteer organizations", role: "volunteer1", uri: "/me/organizations"),
        Kind(name: "API volunteerSummary", role: "volunteer1", uri: "/api/v1/volunteers/{me}/summary"),
        Kind(name: "API listRecords (own)", role: "volunteer1", uri: "/api/v1/records?volunteer={me}&limit=50"),
        Kind(name: "inspector /inspect", role: "inspector1", uri: "/inspect"),
        Kind(name: "API listSpotChecks", role: "inspector1", uri: "/api/v1/spot-checks?limit=50"),
        Kind(name: "admin home /admin", role: "admin", uri: "/admin"),
        Kind(name: "admin audit /admin/audit", role: "admin", uri: "/admin/audit"),
        Kind(name: "API listOrganizations", role: "admin", uri: "/api/v1/organizations?limit=50"),
        Kind(name: "public home /", role: "", uri: "/"),
        Kind(name: "public activities /activities", role: "", uri: "/activities"),
        Kind(name: "public activity search (API)", role: "", uri: "/api/v1/public/activities?q=%E5%BF%97%E6%84%BF"),
        Kind(name: "API listOpenActivities", role: "volunteer1", uri: "/api/v1/open-activities?limit=50"),
        Kind(name: "public spot checks /spot-checks", role: "", uri: "/spot-checks"),
        Kind(name: "certificate check /check", role: "", uri: "/check"),
        Kind(name: "transparency log /log", role: "", uri: "/log"),
    ]

    /// A ledger under test with its ids and the sessions of its demo log-ins.
    struct Subject {
        var ledger: Ledger
        var url: String
        var organization: Organization
        var ids: [String: String]
        var tokens: [String: String]
        var folder: URL
    }

    func run() async throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("vledger-city-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let cityURL = database ?? "sqlite:\(scratch.appendingPathComponent("city.sqlite").path)"
        Self.resetPeak()
        let loadStart = ContinuousClock.now
        let city = try await Self.open(url: cityURL, data: data, folder: scratch.appendingPathComponent("city"))
        let loadSeconds = (ContinuousClock.now - loadStart).seconds
        let loadMemory = ResourceUsage.peakResidentMiB()
        let baseline = try await Self.open(url: "sqlite:\(scratch.appendingPathComponent("samples.sqlite").path)", data: samples,
                                           folder: scratch.appendingPathComponent("samples"))
        let counts = try await city.ledger.store.read { r in
            (try r.organizations(after: nil, limit: 100_000).count, try r.volunteerCount(RecordFilter()))
        }
        print("city: \(cityURL.hasPrefix("sqlite:") ? "sqlite" : "postgresql"), \(data): \(counts.0) organizations, "
              + "\(counts.1) volunteers with records; largest organization \(city.organization.name)")
        print(String(format: "load: %.1f s, peak %ld MiB: %@", loadSeconds, loadMemory, city.ids["loaded"]! as NSString))

        // Pages and lists, city then samples, same kinds, same order.
        let cityTimes = try await Self.measure(city, requests: requests)
        let sampleTimes = try await Self.measure(baseline, requests: requests)
        print("\nrequest (server time in process)            city median / p95        samples median     target: median <= 50 ms and <= 3x samples")
        var failures = 0
        for (index, kind) in Self.kinds.enumerated() {
            guard let c = cityTimes[index], let s = sampleTimes[index] else {
                print(kind.name.padding(toLength: 42, withPad: " ", startingAt: 0) + "  not measured (answered \(cityTimes[index] == nil ? "city" : "samples") with an error)")
                continue
            }
            let median = c[c.count / 2], p95 = c[min(c.count - 1, c.count * 95 / 100)], base = s[s.count / 2]
            let ok = median <= 50 && median <= 3 * max(base, 1)
            if !ok { failures += 1 }
            print(kind.name.padding(toLength: 42, withPad: " ", startingAt: 0)
                  + String(format: "  %8.2f / %8.2f ms   %8.2f ms   %.1fx  %@", median, p95, base, median / max(base, 0.01), ok ? "ok" : "MISSED"))
        }
        print("pages and lists over target: \(failures)")

        try await Self.exports(city)
        try await Self.audit(city)
        try await Self.backup(city, into: scratch)
        if certificates > 0 { try await Self.certificateBatch(city, limit: certificates, folder: scratch) }
        try await Self.spotCheck(city)
        try await city.ledger.store.close()
        try await baseline.ledger.store.close()
        print("peak resident memory of the run: \(ResourceUsage.peakResidentMiB()) MiB")
    }

    /// Opens (and loads, when empty) a ledger; finds the largest organization (org1's), an activity, a member, a record.
    static func open(url: String, data: String, folder: URL) async throws -> Subject {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let store = try await StoreLocation(url).open(logger: .init(label: "bench"))
        var ledger = Ledger(store: store, passwords: BcryptPasswordHasher(cost: 4))
        ledger.certificates = CertificateSettings(
            authority: try await CertificateKeyring(path: folder.appendingPathComponent("keys.json").path),
            publicBaseURL: "http://127.0.0.1:8080")
        let loaded = try await SampleDataLoader(ledger: ledger, folder: data).loadIfEmpty()
        var reader = try CSVReader(path: URL(fileURLWithPath: data).appendingPathComponent("organizations.csv").path)
        _ = try reader.next()
        guard let code = try reader.next()?.fields.first else { throw ValidationError("\(data)/organizations.csv has no organization") }
        let organization = try await ledger.organization(creditCode: code)
        let (activity, member, record) = try await store.read { r in
            (try r.activities(organizationId: organization.id, after: nil, limit: 1).first?.id,
             try r.memberships(organizationId: organization.id, after: nil, limit: 1).first?.volunteerId,
             try r.records(RecordFilter(organizationId: organization.id), after: nil, limit: 1).first?.id)
        }
        var tokens: [String: String] = [:]
        var me: Int64?
        for (user, password) in [("admin", "admin-demo-2026"), ("org1-admin", "demo-2026"), ("org1-staff", "demo-2026"),
                                 ("inspector1", "demo-2026"), ("volunteer1", "demo-2026")] {
            let grant = try await ledger.login(username: user, password: password)
            tokens[user] = grant.token
            if user == "volunteer1" { me = grant.account.volunteerId }
        }
        func text(_ id: Int64?) -> String { id.map { String($0) } ?? "0" }
        var ids: [String: String] = [:]
        ids["org"] = String(organization.id)
        ids["activity"] = text(activity)
        ids["volunteer"] = text(member)
        ids["record"] = text(record)
        ids["me"] = text(me)
        ids["loaded"] = loaded ?? "already loaded; not loaded again"
        return Subject(ledger: ledger, url: url, organization: organization, ids: ids, tokens: tokens, folder: folder)
    }

    static func app(_ subject: Subject) async throws -> some ApplicationProtocol {
        var logger = Logger(label: "bench")
        logger.logLevel = .critical
        var configuration = AppConfiguration()
        configuration.batchFolder = subject.folder.appendingPathComponent("certificate-batches").path
        return try await buildApplication(configuration, ledger: subject.ledger, logger: logger, closesStore: false)
    }

    static func uri(_ kind: Kind, _ subject: Subject) -> String {
        var uri = kind.uri
        for (key, value) in subject.ids { uri = uri.replacingOccurrences(of: "{\(key)}", with: value) }
        return uri
    }

    static func headers(_ role: String, _ subject: Subject) -> HTTPFields {
        guard let token = subject.tokens[role] else { return [:] }
        return role.isEmpty ? [:] : [.cookie: "vledger_session=\(token)", .authorization: "Bearer \(token)"]
    }

    /// Sorted milliseconds of each kind, nil for a kind that did not answer 200.
    static func measure(_ subject: Subject, requests: Int) async throws -> [[Double]?] {
        let app = try await app(subject)
        let box = Mutex<[[Double]?]>([])
        try await app.test(.router) { client in
            var usable = [Bool]()
            for kind in kinds {
                var ok = true
                for _ in 0..<3 {
                    let status = try await client.execute(uri: uri(kind, subject), method: .get, headers: headers(kind.role, subject)) { $0.status }
                    if status != .ok { ok = false }
                }
                if !ok { printError("\(kind.uri) answered an error on \(subject.url); left out") }
                usable.append(ok)
            }
            var measured = Array(repeating: [Double](), count: kinds.count)
            for _ in 0..<max(1, requests) {
                for (index, kind) in kinds.enumerated() where usable[index] {
                    let start = ContinuousClock.now
                    _ = try await client.execute(uri: uri(kind, subject), method: .get, headers: headers(kind.role, subject)) { $0.body.readableBytes }
                    measured[index].append((ContinuousClock.now - start).seconds * 1000)
                }
            }
            box.withLock { $0 = zip(measured, usable).map { $1 ? $0.sorted() : nil } }
        }
        return box.withLock { $0 }
    }

    static func exports(_ subject: Subject) async throws {
        let app = try await app(subject)
        print("\nexports of the largest organization (target: >= 150,000 rows/s, peak <= 100 MB)")
        for (name, uri) in [("records CSV /org/records.csv", "/org/records.csv"), ("volunteer totals CSV", "/org/volunteer-totals.csv")] {
            resetPeak()
            let before = ResourceUsage.peakResidentMiB()
            let start = ContinuousClock.now
            let lines = try await app.test(.router) { client in
                try await client.execute(uri: uri, method: .get, headers: headers("org1-staff", subject)) { response in
                    guard response.status == .ok else { throw ValidationError("\(uri) answered \(response.status)") }
                    return response.body.readableBytesView.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
                }
            }
            let seconds = (ContinuousClock.now - start).seconds
            let rows = max(0, lines - 1)
            print(String(format: "%-32@ %ld rows in %.2f s: %.0f rows/s; peak %ld MiB (%ld before)", name as NSString, rows, seconds,
                         Double(rows) / seconds, ResourceUsage.peakResidentMiB(), before))
        }
    }

    static func audit(_ subject: Subject) async throws {
        print("\naudit verification (target: a background job; incremental reads only what changed)")
        for mode in [AuditVerificationMode.full, .incremental] {
            resetPeak()
            let start = ContinuousClock.now
            let report = try await subject.ledger.verifyAuditChains(mode, by: .localOperator)
            let seconds = (ContinuousClock.now - start).seconds
            print(String(format: "%-12@ %.2f s, %ld revisions of %ld chains, %ld rows read, %@; peak %ld MiB", "\(mode)" as NSString, seconds,
                         report.revisions, report.organizations, report.rowsRead ?? -1, report.isIntact ? "intact" : "PROBLEMS",
                         ResourceUsage.peakResidentMiB()))
        }
    }

    static func backup(_ subject: Subject, into scratch: URL) async throws {
        guard subject.url.hasPrefix("sqlite:") else { print("\nbackup: PostgreSQL (pg_dump); not measured"); return }
        resetPeak()
        let start = ContinuousClock.now
        let folder = scratch.appendingPathComponent("backup").path
        let manifest = try await LedgerBackup.backup(databaseURL: subject.url, keysFile: subject.folder.appendingPathComponent("keys.json").path, to: folder)
        let seconds = (ContinuousClock.now - start).seconds
        print(String(format: "\nbackup (online copy + integrity check + audit chains): %.2f s, %ld records, %ld MiB; peak %ld MiB",
                     seconds, manifest.records, manifest.databaseBytes / 1_048_576, ResourceUsage.peakResidentMiB()))
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// The batch of the largest organization, stopped after `limit` certificates (with PDFs).
    static func certificateBatch(_ subject: Subject, limit: Int, folder: URL) async throws {
        resetPeak()
        let count = Mutex(0)
        let total = Mutex(0)
        let start = ContinuousClock.now
        let task = Task {
            try await subject.ledger.issueCertificateBatch(
                CertificateBatchScope(organizationId: subject.organization.id), by: .localOperator,
                started: { members in total.withLock { $0 = members } },
                each: { item in
                    _ = try CertificatePDF.render(item.certificate, language: .chinese)
                    if count.withLock({ $0 += 1; return $0 }) >= limit { throw CancellationError() }
                })
        }
        _ = try? await task.value
        let seconds = (ContinuousClock.now - start).seconds
        let issued = count.withLock { $0 }
        print(String(format: "\ncertificate batch of the largest organization (%ld members with records), first %ld with PDFs: %.2f s, "
                     + "%.1f certificates/s (target >= 80/s at 20,000 members); peak %ld MiB", total.withLock { $0 }, issued, seconds,
                     Double(issued) / seconds, ResourceUsage.peakResidentMiB()))
    }

    static func spotCheck(_ subject: Subject) async throws {
        let ledger = subject.ledger
        let campaign = try await ledger.createSpotCheck(
            SpotCheckInput(title: "城市规模抽查基准 bench city", unit: .records, scope: SpotCheckScope(),
                           sampleSize: SampleSizeRule(size: 1000)),
            by: .localOperator)
        resetPeak()
        var start = ContinuousClock.now
        let frozen = try await ledger.freezeSpotCheck(id: campaign.id, by: .localOperator)
        let freezeSeconds = (ContinuousClock.now - start).seconds
        let freezePeak = ResourceUsage.peakResidentMiB()
        resetPeak()
        start = ContinuousClock.now
        _ = try await ledger.drawSpotCheck(id: campaign.id, seed: "01382438112797316654", by: .localOperator)
        let drawSeconds = (ContinuousClock.now - start).seconds
        print(String(format: "\nspot check of every record (population %ld), sample 1000 (target: < 60 s each, <= 300 MB at 10 M records):\n"
                     + "freeze %.2f s, peak %ld MiB; draw %.2f s, peak %ld MiB", frozen.populationSize ?? -1, freezeSeconds, freezePeak,
                     drawSeconds, ResourceUsage.peakResidentMiB()))
    }

    /// Resets the process's peak resident memory (VmHWM) so that the next figure is of one step only.
    static func resetPeak() {
        guard let file = fopen("/proc/self/clear_refs", "w") else { return }
        fputs("5", file)
        fclose(file)
    }
}
