import Foundation
import LedgerCore
import LedgerPasswords
import LedgerSQLite
import Testing

/// `vledger samples generate`: the same seed gives the same bytes, and the ledger's own loader accepts every
/// row (so every rule holds), with the counts asked for and intact audit chains.
@Suite struct CitySampleGeneratorTests {
    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vledger-city-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Every file of a generated folder, by relative path.
    static func contents(_ folder: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try FileManager.default.subpathsOfDirectory(atPath: folder.path) {
            var isDirectory: ObjCBool = false
            let url = folder.appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[name] = try Data(contentsOf: url)
            }
        }
        return files
    }

    @Test func sameSeedSameBytesOtherSeedOtherBytes() throws {
        let a = try Self.folder(), b = try Self.folder(), c = try Self.folder()
        defer { for url in [a, b, c] { try? FileManager.default.removeItem(at: url) } }
        let generator = CitySampleGenerator(volunteers: 2_000, organizations: 20, records: 20_000, seed: 42)
        let summary = try generator.write(to: a.path)
        try generator.write(to: b.path)
        var other = generator
        other.seed = 43
        try other.write(to: c.path)
        let first = try Self.contents(a), second = try Self.contents(b), third = try Self.contents(c)
        #expect(first.count == 5 + 20)
        #expect(first == second)
        #expect(first["volunteers.csv"] != third["volunteers.csv"])
        #expect(summary.records == 20_000)
        #expect(summary.volunteers == 2_000)
        // Zipf: the largest organization holds far more than an even share (100), the smallest a few.
        #expect(summary.largestOrganization > 300)
        let volunteerLines = String(decoding: first["volunteers.csv"]!, as: UTF8.self).split(separator: "\r\n")
        #expect(volunteerLines.count == 2_001)
        let recordLines = first.filter { $0.key.hasPrefix("records/") }.values
            .reduce(0) { $0 + String(decoding: $1, as: UTF8.self).split(separator: "\r\n").count - 1 }
        #expect(recordLines == 20_000)
        // Every document number is a valid, unique resident ID whose birth date and sex match the row.
        var documents = Set<String>()
        for line in volunteerLines.dropFirst() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let id = try ResidentIDNumber(fields[4], today: LocalDate(year: 2026, month: 12, day: 1)!)
            #expect(id.birthDate.description == fields[2])
            #expect(id.sex == Sex(label: fields[1]))
            documents.insert(fields[4])
        }
        #expect(documents.count == 2_000)
        let organizationLines = String(decoding: first["organizations.csv"]!, as: UTF8.self).split(separator: "\r\n").dropFirst()
        for line in organizationLines {
            _ = try UnifiedSocialCreditCode(String(line.split(separator: ",")[0]))
        }
    }

    @Test func refusesImpossibleSizes() {
        #expect(throws: SampleDataError.self) { try CitySampleGenerator(volunteers: 5, organizations: 10, records: 0).validate() }
        #expect(throws: SampleDataError.self) { try CitySampleGenerator(volunteers: 10, organizations: 0, records: 0).validate() }
        #expect(throws: SampleDataError.self) { try CitySampleGenerator(volunteers: 10, organizations: 2, records: 10_000).validate() }
    }

    /// The existing loader (every use case's checks) accepts the whole set; the counts and the audit chains hold.
    @Test func loadsIntoAFreshLedgerWithIntactChains() async throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let summary = try CitySampleGenerator(volunteers: 600, organizations: 12, records: 6_000, seed: 7).write(to: folder.path)
        let store = try SQLiteLedgerStore(path: folder.appendingPathComponent("ledger.sqlite").path)
        try await store.migrate()
        let now = Date(timeIntervalSince1970: 1_796_083_200) // 2026-12-01 00:00 UTC
        var ledger = Ledger(store: store, clock: { now }, random: .seeded(7))
        ledger.passwords = BcryptPasswordHasher(cost: 4)
        let message = try #require(try await SampleDataLoader(ledger: ledger, folder: folder.path).loadIfEmpty())
        #expect(message.hasPrefix("loaded samples: 12 organizations, 600 volunteers, \(summary.activities) activities, 6000 records"))
        let (records, organizations, members) = try await store.read { r in
            let records = try r.records(RecordFilter(includeVoid: true), after: nil, limit: 100_000)
            let organizations = try r.organizations(after: nil, limit: 100)
            let members = try r.memberships(organizationId: organizations[0].id, after: nil, limit: 100_000)
            return (records.count, organizations, members.count)
        }
        #expect(records == 6_000)
        #expect(organizations.count == 12)
        #expect(members == summary.largestOrganization)
        let report = try await ledger.verifyAuditChains(.full, by: .localOperator)
        #expect(report.isIntact)
        #expect(report.revisions == 6_000)
    }
}
