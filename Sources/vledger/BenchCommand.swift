import ArgumentParser
import Foundation
import LedgerApp
import LedgerCore
import LedgerPostgres

struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Benchmarks that print figures.", subcommands: [BenchImport.self, BenchWrites.self, BenchCertificates.self, BenchSpotCheck.self, BenchPages.self, BenchLoad.self, BenchLog.self, BenchExport.self, BenchCity.self])
}

/// Imports N synthetic rows through the full CSV import (every rule checked) and, in the same run, stores
/// the same rows with plain batched inserts (SQLite) or streams them with a plain COPY into a table without
/// indexes (PostgreSQL), and prints both rates.
struct BenchImport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "import", abstract: "Import speed against plain inserts (SQLite) or a plain COPY (PostgreSQL).")

    @Option(help: "Number of records.") var rows = 100_000
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
        let csv = scratch.appendingPathComponent("records.csv").path
        try fixture.writeCSV(to: csv)
        let fileSize = (try? FileManager.default.attributesOfItem(atPath: csv)[.size] as? Int) ?? 0

        let importStart = ContinuousClock.now
        let report = try await ledger.importRecords(openFile: { try CSVReader(path: csv) },
                                                    options: ImportOptions(organizationId: fixture.importOrganization.id),
                                                    by: .localOperator)
        let importSeconds = (ContinuousClock.now - importStart).seconds
        guard report.committed, report.imported == rows else {
            throw ValidationError("the benchmark import failed: \(report.errors.prefix(3).map(\.message))")
        }
        let importMemory = ResourceUsage.peakResidentMiB()
        let importRate = Double(rows) / importSeconds
        print("backend: \(try StoreLocation(url).description)")
        print("rows: \(rows) (\(fixture.volunteers.count) volunteers, CSV \(fileSize / 1024) KiB)")
        print(String(format: "import (CSV parse + all rules + audit chain): %.2f s, %.0f rows/s", importSeconds, importRate))
        if let postgres = store as? PostgresLedgerStore {
            // The baseline on a server: the imported rows themselves, streamed with COPY into a bare table.
            let organizationId = fixture.importOrganization.id
            var records: [ServiceRecord] = []
            while true {
                let after = records.last?.id
                let page = try await store.read { r in try r.records(RecordFilter(organizationId: organizationId), after: after, limit: 10_000) }
                if page.isEmpty { break }
                records += page
            }
            let copyStart = ContinuousClock.now
            try await postgres.plainCopy(records, into: "bench_plain_copy")
            let copySeconds = (ContinuousClock.now - copyStart).seconds
            try await postgres.unsafeExecute("DROP TABLE bench_plain_copy")
            let ledgerCopyStart = ContinuousClock.now
            try await fixture.plainBatchInsert(into: store)
            let ledgerCopySeconds = (ContinuousClock.now - ledgerCopyStart).seconds
            try await store.close()
            let copyRate = Double(records.count) / copySeconds
            let ledgerCopyRate = Double(rows) / ledgerCopySeconds
            print(String(format: "plain COPY of the same rows into a table without indexes: %.2f s, %.0f rows/s", copySeconds, copyRate))
            print(String(format: "import / copy: %.2f (target >= 0.50)", importRate / copyRate))
            // What the ledger's own tables cost: every index, key and constraint that keeps the rules, no check.
            print(String(format: "COPY of the same rows with their revisions into the ledger's tables, no checks: %.2f s, %.0f rows/s",
                         ledgerCopySeconds, ledgerCopyRate))
            print(String(format: "import / COPY into the ledger's tables: %.2f", importRate / ledgerCopyRate))
        } else {
            let plainStart = ContinuousClock.now
            try await fixture.plainInsert(into: store)
            let plainSeconds = (ContinuousClock.now - plainStart).seconds
            try await store.close()
            let plainRate = Double(rows) / plainSeconds
            print(String(format: "plain batched insert of the same rows:       %.2f s, %.0f rows/s", plainSeconds, plainRate))
            print(String(format: "import / plain: %.2f (target >= 0.50)", importRate / plainRate))
        }
        print("peak resident memory during the import: \(importMemory) MiB")
    }
}

/// Synthetic organizations, volunteers and one long activity; each volunteer serves two hours a day.
struct BenchFixture {
    var importOrganization: Organization
    var plainOrganization: Organization
    var activity: Activity
    var plainActivity: Activity
    var volunteers: [Volunteer]
    var rows: Int
    var firstDay: Date

    static let recordsPerVolunteer = 50

    static func make(ledger: Ledger, rows: Int, now: Date) async throws -> BenchFixture {
        let volunteerCount = max(1, (rows + recordsPerVolunteer - 1) / recordsPerVolunteer)
        let days = (rows + volunteerCount - 1) / volunteerCount
        let zone = TimeZone.ledgerDefault
        let today = LocalDate(now, in: zone)
        let firstDay = today.adding(days: -(days + 30))
        let first = try await ledger.createOrganization(
            OrganizationInput(creditCode: BenchFixture.creditCode(1), name: "基准测试志愿者协会", regionCode: "330106",
                              contactName: "测试", contactPhone: "13800000000"), by: .localOperator)
        let second = try await ledger.createOrganization(
            OrganizationInput(creditCode: BenchFixture.creditCode(2), name: "基准对照志愿者协会", regionCode: "330106",
                              contactName: "测试", contactPhone: "13800000000"), by: .localOperator)
        func activity(_ organization: Organization) async throws -> Activity {
            try await ledger.createActivity(
                ActivityInput(title: "长期社区服务", content: "基准测试", category: .communityService, place: "社区",
                              start: firstDay.startOfDay(in: zone), end: today.adding(days: -1).startOfDay(in: zone),
                              leader: "测试"),
                organizationId: organization.id, by: .localOperator)
        }
        let importActivity = try await activity(first)
        let plainActivity = try await activity(second)
        let registeredAt = now
        let volunteers = try await ledger.store.write { w in
            try (0..<volunteerCount).map { index in
                let v = try w.insert(Volunteer(
                    id: 0, number: String(format: "B%011d", index), name: "志愿者\(index)", sex: index % 2 == 0 ? .female : .male,
                    birthDate: LocalDate(year: 1990, month: 1, day: 1)!, documentType: .other,
                    documentNumber: String(format: "BENCH%08d", index), residenceArea: "", phone: "13800000000",
                    skills: [], serviceCategories: [], registeredAt: registeredAt))
                try w.insert(Membership(volunteerId: v.id, organizationId: first.id, joinedAt: registeredAt))
                return v
            }
        }
        return BenchFixture(importOrganization: first, plainOrganization: second, activity: importActivity,
                            plainActivity: plainActivity, volunteers: volunteers, rows: rows, firstDay: firstDay.startOfDay(in: zone))
    }

    /// A valid 统一社会信用代码 for synthetic organization `n`.
    static func creditCode(_ n: Int) -> String {
        let body = "51330106" + String(format: "MA%07d", n)
        return body + String(UnifiedSocialCreditCode.checkCharacter(for: body)!)
    }

    /// (volunteer, start) of row `i`: volunteers round-robin, one two-hour slot a day each.
    func slot(_ i: Int) -> (Volunteer, Date) {
        let volunteer = volunteers[i % volunteers.count]
        let day = i / volunteers.count
        return (volunteer, firstDay.addingTimeInterval(Double(day) * 86_400 + 9 * 3600))
    }

    func writeCSV(to path: String) throws {
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        var writer = CSVStreamWriter(fileHandle: handle)
        try writer.writeRow(["姓名", "志愿者编号", "活动", "开始时间", "结束时间", "服务时长(小时)", "备注"])
        let zone = TimeZone.ledgerDefault
        for i in 0..<rows {
            let (volunteer, start) = slot(i)
            try writer.writeRow([volunteer.name, volunteer.number, activity.title,
                                 LocalDateTime(start, in: zone).description,
                                 LocalDateTime(start.addingTimeInterval(7200), in: zone).description, "2", ""])
        }
        try writer.finish()
    }

    /// The same rows (in the evenings, of the second organization) stored with their revisions through the
    /// store's batch insert, the bulk import's own write, without parsing or checks, in one transaction.
    func plainBatchInsert(into store: any LedgerStore) async throws {
        let fixture = self
        try await store.write { w in
            var head = try w.lockChain(organizationId: fixture.plainOrganization.id)
            let ids = try w.newRecordIds(count: fixture.rows)
            var records: [ServiceRecord] = [], revisions: [RecordRevision] = []
            for (i, id) in ids.enumerated() {
                let (volunteer, morning) = fixture.slot(i)
                let start = morning.addingTimeInterval(10 * 3600), end = start.addingTimeInterval(7200)
                records.append(ServiceRecord(
                    id: id, volunteerId: volunteer.id, activityId: fixture.plainActivity.id,
                    organizationId: fixture.plainOrganization.id, startAt: start, endAt: end, minutes: 120, source: .import,
                    note: "", recordedBy: nil, recordedAt: start, isLate: false, isVoid: false, revision: 1))
                revisions.append(RecordRevision(recordId: id, revision: 1, kind: .created, startAt: start, endAt: end, minutes: 120,
                                                note: "", reason: "", actorId: nil, at: start, chainSequence: head.sequence + 1,
                                                digest: String(repeating: "0", count: 64)))
                head = ChainHead(sequence: head.sequence + 1, digest: String(repeating: "0", count: 64))
            }
            try w.insert(records, revisions: revisions)
            try w.advanceChain(organizationId: fixture.plainOrganization.id, to: head)
        }
    }

    /// The same rows stored through the store's plain inserts, without parsing or checks, in one transaction.
    func plainInsert(into store: any LedgerStore) async throws {
        let fixture = self
        try await store.write { w in
            var head = try w.lockChain(organizationId: fixture.plainOrganization.id)
            for i in 0..<fixture.rows {
                let (volunteer, morning) = fixture.slot(i)
                // The evening of the same day: the imported rows hold the mornings, and a store that enforces
                // the overlap rule in the database (PostgreSQL) refuses a second record of the same slot.
                let start = morning.addingTimeInterval(10 * 3600)
                let end = start.addingTimeInterval(7200)
                let record = try w.insert(ServiceRecord(
                    id: 0, volunteerId: volunteer.id, activityId: fixture.plainActivity.id,
                    organizationId: fixture.plainOrganization.id, startAt: start, endAt: end, minutes: 120, source: .import,
                    note: "", recordedBy: nil, recordedAt: start, isLate: false, isVoid: false, revision: 1))
                var revision = RecordRevision(recordId: record.id, revision: 1, kind: .created, startAt: start, endAt: end,
                                              minutes: 120, note: "", reason: "", actorId: nil, at: start,
                                              chainSequence: head.sequence + 1, digest: "")
                revision.digest = String(repeating: "0", count: 64)
                head = ChainHead(sequence: revision.chainSequence, digest: revision.digest)
                try w.append(revision, organizationId: fixture.plainOrganization.id)
            }
            try w.advanceChain(organizationId: fixture.plainOrganization.id, to: head)
        }
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

/// The process's peak resident memory, from /proc.
enum ResourceUsage {
    static func peakResidentMiB() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kib = Int(line.split(separator: " ").dropFirst().first ?? "") else { return -1 }
        return kib / 1024
    }
}
