import Foundation
import LedgerCore
import LedgerPasswords
import LedgerSQLite
import Synchronization
import Testing

/// A clock the test moves by hand.
final class TestClock: Sendable {
    private let current: Mutex<Date>
    init(_ start: Date) { current = Mutex(start) }
    var now: Date { current.withLock { $0 } }
    func set(_ date: Date) { current.withLock { $0 = date } }
}

/// A ledger on a fresh temporary SQLite file with a hand-moved clock (2026-06-15 12:00 CST at first).
struct Testbed: Sendable {
    let ledger: Ledger
    let store: SQLiteLedgerStore
    let clock: TestClock
    let directory: URL
    static let op = Principal.localOperator

    init() async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("vledger-svc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try SQLiteLedgerStore(path: directory.appendingPathComponent("ledger.sqlite").path)
        try await store.migrate()
        let clock = TestClock(At.june(15, 12))
        self.clock = clock
        var ledger = Ledger(store: store, clock: { clock.now }, random: .seeded(7))
        ledger.passwords = BcryptPasswordHasher(cost: 4)
        self.ledger = ledger
    }

    /// An organization, n-th of the test.
    func organization(_ n: Int = 1) async throws -> Organization {
        try await ledger.createOrganization(Make.organization(n), by: Self.op)
    }

    func volunteer(_ n: Int, in organization: Organization) async throws -> Volunteer {
        try await ledger.registerVolunteer(Make.volunteer(n), organizationId: organization.id, by: Self.op).volunteer
    }

    /// An activity of `organization` from `start` to `end`.
    func activity(_ organization: Organization, from start: Date = At.june(10, 8), to end: Date = At.june(10, 18),
                  title: String = "社区服务日") async throws -> Activity {
        try await ledger.createActivity(
            ActivityInput(title: title, content: "社区服务", category: .communityService, place: "社区", start: start, end: end, leader: "王队长"),
            organizationId: organization.id, by: Self.op)
    }

    @discardableResult
    func record(_ volunteer: Volunteer, _ activity: Activity, from start: Date, to end: Date, minutes: Int? = nil) async throws -> ServiceRecord {
        try await ledger.recordService(RecordInput(volunteerNumber: volunteer.number, activityId: activity.id, start: start,
                                                   end: end, minutes: minutes), by: Self.op)
    }

    /// Number of rows in the ledger's record and revision tables.
    func counts() async throws -> (records: Int, revisions: Int) {
        try await store.read { r in
            let records = try r.records(RecordFilter(includeVoid: true), after: nil, limit: 1_000_000)
            return (records.count, try records.reduce(0) { $0 + (try r.revisions(recordId: $1.id).count) })
        }
    }

    /// The project's samples/ folder.
    static var samplesFolder: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("samples").path
    }
}

/// Instants in China Standard Time.
enum At {
    static func june(_ day: Int, _ hour: Int, _ minute: Int = 0) -> Date {
        on(2026, 6, day, hour, minute)
    }

    static func on(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int = 0) -> Date {
        LocalDateTime(date: LocalDate(year: year, month: month, day: day)!, hour: hour, minute: minute)!.instant(in: .ledgerDefault)
    }
}

/// Valid inputs; `n` makes each unique.
enum Make {
    static func creditCode(_ n: Int) -> String {
        let body = "51330106" + String(format: "MA%07d", n)
        return body + String(UnifiedSocialCreditCode.checkCharacter(for: body)!)
    }

    static func residentID(_ n: Int) -> String {
        let body = "330106" + "19900307" + String(format: "%02d", n % 100) + String((n % 5) * 2 + 1)
        return body + String(ResidentIDNumber.checkCharacter(for: body)!)
    }

    static func organization(_ n: Int) -> OrganizationInput {
        OrganizationInput(creditCode: creditCode(n), name: "测试志愿者协会\(n)", regionCode: "330106", contactName: "联系人",
                          contactPhone: "13800000000")
    }

    static func volunteer(_ n: Int) -> VolunteerRegistration {
        VolunteerRegistration(name: "志愿者\(n)", documentNumber: residentID(n), phone: "1390000\(String(format: "%04d", n))")
    }
}

/// Expects `body` to throw exactly `expected`.
func expectLedgerError(_ expected: LedgerError, sourceLocation: SourceLocation = #_sourceLocation,
                       _ body: () async throws -> Void) async {
    do {
        try await body()
        Issue.record("expected \(expected.code), but nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as LedgerError {
        #expect(error == expected, sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected \(expected.code), got \(error)", sourceLocation: sourceLocation)
    }
}

import Crypto

/// SHA-256 computed independently of the ledger's encoder.
enum SHA256Reference {
    static func hex(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }
}
