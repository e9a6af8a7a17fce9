import Foundation
import LedgerCore
import LedgerPostgres
import Testing

/// Two `vledger serve` processes on one PostgreSQL database, driven at once with conflicting writes, as
/// behind a load balancer. Afterwards nothing was lost, no rule was bypassed, no id was handed out twice.
///
/// Each race is a scenario run against the same deployment; a new rule that processes could race on gets
/// one more scenario.
@Suite("Two server processes on one PostgreSQL database", .serialized)
struct TwoServerProcessesTests {
    /// The deployment the scenarios race on: two servers, a signed-in admin on each, and two organizations
    /// with an activity over the last days each. Records of one volunteer go to both organizations, so
    /// only the per-volunteer lock and the exclusion constraint, not an organization's chain lock, keep
    /// them apart.
    struct Deployment: Sendable {
        var databaseURL: String
        var clients: [APIClient]
        var organizationIds: [Int64]
        var activityIds: [Int64]
        var activityStart: Date
    }

    typealias Scenario = @Sendable (Deployment) async throws -> Void

    static let scenarios: [(name: String, run: Scenario)] = [
        ("one document registered on both servers at once", registrationRace),
        ("overlapping hour records for the same volunteers", hourRecordRace),
        ("a day's 24-hour limit under concurrent records", dailyLimitRace),
        ("certificates issued on both servers at once", certificateRace),
        ("two imports of the same volunteers' hours at once", importRace),
    ]

    @Test(.enabled(if: Backend.all.contains(.postgres)), .timeLimit(.minutes(10)))
    func twoServersKeepEveryRuleUnderConcurrentWrites() async throws {
        let (databaseURL, dropDatabase) = try await TestPostgres.freshDatabase()
        try await Self.runDeployment(databaseURL: databaseURL)
        await dropDatabase()
    }

    /// The same races with every connection, the servers' and the command line's, through PgBouncer in
    /// transaction pooling mode, where consecutive transactions of one client run on different server
    /// connections: the store keeps no session state.
    @Test(.enabled(if: Backend.all.contains(.postgres)), .timeLimit(.minutes(10)))
    func twoServersKeepEveryRuleThroughPgBouncerInTransactionPooling() async throws {
        guard let port = try TestPostgres.pgBouncerPort() else { return }
        let (databaseURL, dropDatabase) = try await TestPostgres.freshDatabase()
        try await Self.runDeployment(databaseURL: try TestPostgres.url(databaseURL, port: port))
        await dropDatabase()
    }

    private static func runDeployment(databaseURL: String) async throws {
        // One certificate key file for both, as servers behind one load balancer share their keys.
        let keysFolder = FileManager.default.temporaryDirectory.appendingPathComponent("vledger-keys-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: keysFolder, withIntermediateDirectories: true)
        let keysFile = keysFolder.appendingPathComponent("keys.json").path
        // Both start on the empty database at once, so they also race on the schema migrations.
        async let first = ServerProcess.start(database: databaseURL, keysFile: keysFile)
        async let second = ServerProcess.start(database: databaseURL, keysFile: keysFile)
        var servers: [ServerProcess] = []
        do {
            servers = [try await first, try await second]
            try await run(on: servers, databaseURL: databaseURL)
        } catch {
            Issue.record(error)
        }
        // A server that started before the other failed is stopped too.
        if servers.isEmpty {
            if let server = try? await first { await server.stop() }
            if let server = try? await second { await server.stop() }
        }
        for server in servers { await server.stop() }
        try? FileManager.default.removeItem(at: keysFolder)
    }

    private static func run(on servers: [ServerProcess], databaseURL: String) async throws {
        let password = "two-process-42"
        let created = try await VLedgerProcess.run(
            ["admin", "create-user", "--username", "race-admin", "--role", "platform_admin", "--password-stdin",
             "--database", databaseURL], input: password + "\n")
        try #require(created.status == 0, "create-user: \(created.output) \(created.errorOutput)")
        var clients: [APIClient] = []
        for server in servers {
            clients.append(try await APIClient(baseURL: server.baseURL).signedIn("race-admin", password: password))
        }
        // Sessions live in the database: a token from one server works on the other.
        let crossed = APIClient(baseURL: servers[1].baseURL, token: clients[0].token)
        #expect(try await crossed.get("me").status == 200)

        // From four days ago to an hour ago, on whole hours.
        let now = Date().timeIntervalSince1970
        let activityStart = Date(timeIntervalSince1970: (now / 3600).rounded(.down) * 3600 - 4 * 86_400)
        let activityEnd = Date(timeIntervalSince1970: (now / 3600).rounded(.down) * 3600 - 3600)
        var organizationIds: [Int64] = []
        var activityIds: [Int64] = []
        for n in 1...2 {
            let organization = try await clients[n - 1].post("organizations", Make.organizationInput(n))
            try #require(organization.status == 201, "\(organization.text)")
            let organizationId = try #require(organization.int64("id"))
            let activity = try await clients[2 - n].post(
                "organizations/\(organizationId)/activities",
                ActivityInput(title: "并发登记测试", content: "两台服务器同时登记", category: .communityService, place: "测试",
                              start: activityStart, end: activityEnd, leader: "测试"))
            try #require(activity.status == 201, "\(activity.text)")
            organizationIds.append(organizationId)
            activityIds.append(try #require(activity.int64("id")))
        }
        let deployment = Deployment(databaseURL: databaseURL, clients: clients, organizationIds: organizationIds,
                                    activityIds: activityIds, activityStart: activityStart)
        for scenario in scenarios {
            try await scenario.run(deployment)
        }
        let audit = try await VLedgerProcess.run(["audit", "verify", "--database", databaseURL])
        #expect(audit.status == 0, "audit verify: \(audit.output) \(audit.errorOutput)")
        #expect(audit.output.contains("audit chains intact"))
    }

    /// Sends every request to both servers at once; returns the responses in request order, two each.
    private static func race<Body: Encodable & Sendable>(_ deployment: Deployment, path: String,
                                                         _ bodies: [Body]) async throws -> [(body: Body, response: APIClient.Response)] {
        try await withThrowingTaskGroup(of: (Int, APIClient.Response).self) { group in
            for (index, body) in bodies.enumerated() {
                for (side, client) in deployment.clients.enumerated() {
                    group.addTask { (index * 2 + side, try await client.post(path, body)) }
                }
            }
            var responses: [(Int, APIClient.Response)] = []
            for try await response in group { responses.append(response) }
            return responses.sorted { $0.0 < $1.0 }.map { (bodies[$0.0 / 2], $0.1) }
        }
    }

    // MARK: Scenarios

    static func registrationRace(_ deployment: Deployment) async throws {
        let registrations = (11...16).map { Make.registration($0) }
        let results = try await race(deployment, path: "organizations/\(deployment.organizationIds[0])/volunteers", registrations)
        #expect(results.allSatisfy { [200, 201].contains($0.response.status) }, "\(results.map { "\($0.response.status) \($0.response.text)" })")
        for index in registrations.indices {
            let pair = results[index * 2...index * 2 + 1].map(\.response)
            // One server created the person, the other found them: one volunteer, never two.
            #expect(pair.map(\.status).sorted() == [200, 201])
            let ids = pair.compactMap { ($0.object["volunteer"] as? [String: Any])?["id"] as? NSNumber }.map(\.int64Value)
            #expect(ids.count == 2 && ids[0] == ids[1])
        }
        let store = try await PostgresLedgerStore(url: deployment.databaseURL, logger: TestPostgres.logger)
        let counts = try await store.read { try $0.rowCounts() }
        try await store.close()
        #expect(counts.volunteers == registrations.count)
        #expect(counts.memberships == registrations.count)
    }

    static func hourRecordRace(_ deployment: Deployment) async throws {
        let volunteerNumbers = try await registerVolunteers(deployment, 1...4)
        // Hour-long slots every 20 minutes on the activities' second day, alternating between the two
        // organizations: each overlaps two neighbours on either side, and every slot is sent to both
        // servers at once.
        let dayStart = deployment.activityStart.addingTimeInterval(86_400)
        let inputs = volunteerNumbers.flatMap { number in
            (0..<12).map { slot in
                RecordInput(volunteerNumber: number, activityId: deployment.activityIds[slot % 2],
                            start: dayStart.addingTimeInterval(Double(slot) * 1200),
                            end: dayStart.addingTimeInterval(Double(slot) * 1200 + 3600))
            }
        }
        let results = try await race(deployment, path: "records", inputs)
        let accepted = try checkRecordResponses(results)
        // 3 or 4 of the 12 slots per volunteer, whatever the order.
        #expect((3 * volunteerNumbers.count...4 * volunteerNumbers.count).contains(accepted.count))
        try await checkStoredRecords(deployment, accepted: accepted)
    }

    static func dailyLimitRace(_ deployment: Deployment) async throws {
        let volunteerNumbers = try await registerVolunteers(deployment, 21...28)
        // Three ten-hour shifts starting on the same day, in alternating organizations, do not overlap,
        // but only two fit in 24 hours.
        let day = LocalDate(deployment.activityStart.addingTimeInterval(2 * 86_400), in: .ledgerDefault)
        let dayStart = day.startOfDay(in: .ledgerDefault)
        let inputs = volunteerNumbers.flatMap { number in
            (0..<3).map { shift in
                RecordInput(volunteerNumber: number, activityId: deployment.activityIds[shift % 2],
                            start: dayStart.addingTimeInterval(Double(shift) * 36_000),
                            end: dayStart.addingTimeInterval(Double(shift) * 36_000 + 36_000))
            }
        }
        let results = try await race(deployment, path: "records", inputs)
        let accepted = try checkRecordResponses(results)
        #expect(accepted.count == 2 * volunteerNumbers.count)
        for number in volunteerNumbers {
            #expect(accepted.filter { $0.volunteerNumber == number }.count == 2)
        }
        try await checkStoredRecords(deployment, accepted: accepted)
    }

    static func certificateRace(_ deployment: Deployment) async throws {
        // The volunteers of the hour-record race have records in both organizations.
        let store = try await PostgresLedgerStore(url: deployment.databaseURL, logger: TestPostgres.logger)
        let volunteerIds = try await store.read { r in
            try (1...4).compactMap { try r.volunteer(documentType: .residentID, documentNumber: Make.residentID($0))?.id }
        }
        try #require(volunteerIds.count == 4)
        // Each volunteer's platform certificate, requested twice from each server at once.
        let requests = (volunteerIds + volunteerIds).map { CertificateRequest(volunteerId: $0) }
        let results = try await race(deployment, path: "certificates", requests)
        #expect(results.allSatisfy { $0.response.status == 201 }, "\(results.filter { $0.response.status != 201 }.map(\.response.text))")
        let serials = results.compactMap { $0.response.string("serial") }
        #expect(serials.count == requests.count * 2)
        #expect(Set(serials).count == serials.count, "a serial was handed out twice")
        let certificates = try await store.read { try $0.certificates(volunteerId: nil, organizationId: nil, after: nil, limit: 1000) }
        try await store.close()
        #expect(certificates.count == serials.count)
        #expect(Set(certificates.map(\.statusIndex)).count == certificates.count, "a status index was handed out twice")
        // A certificate issued by one server verifies on the other: keys and ledger are shared.
        for (index, result) in results.enumerated() {
            guard let token = result.response.string("token") else { continue }
            let other = deployment.clients[1 - index % 2]
            let verified = try await APIClient(baseURL: other.baseURL).get("verify?token=\(token)")
            #expect(verified.string("status") == "valid", "\(verified.text)")
        }
    }

    // MARK: Helpers

    /// Registers volunteers `numbers` as members of both organizations; returns their volunteer numbers.
    static func importRace(_ deployment: Deployment) async throws {
        let volunteerNumbers = try await registerVolunteers(deployment, 31...34)
        // The same ten hours of each volunteer, imported into both organizations at once (the bulk path: COPY
        // on PostgreSQL): one import is stored whole, the other finds every row taken and stores nothing.
        let first = deployment.activityStart.addingTimeInterval(3 * 86_400)
        var csv = "姓名,志愿者编号,活动,开始时间,结束时间\n"
        for (index, number) in volunteerNumbers.enumerated() {
            for hour in 0..<10 {
                let start = first.addingTimeInterval(Double(hour) * 3600)
                csv += "志愿者\(31 + index),\(number),并发登记测试,\(LocalDateTime(start, in: .ledgerDefault)),"
                    + "\(LocalDateTime(start.addingTimeInterval(3600), in: .ledgerDefault))\n"
            }
        }
        async let one = deployment.clients[0].post("organizations/\(deployment.organizationIds[0])/imports", csv: csv)
        async let other = deployment.clients[1].post("organizations/\(deployment.organizationIds[1])/imports", csv: csv)
        let responses = try await [one, other]
        #expect(responses.map(\.status).sorted() == [201, 422], "\(responses.map { "\($0.status) \($0.text.prefix(300))" })")
        if let refused = responses.first(where: { $0.status == 422 }) {
            #expect(refused.text.contains("overlapping-record"), "\(refused.text.prefix(300))")
        }
        let store = try await PostgresLedgerStore(url: deployment.databaseURL, logger: TestPostgres.logger)
        let stored = try await store.read { r -> [ServiceRecord] in
            try volunteerNumbers.flatMap { number -> [ServiceRecord] in
                guard let volunteer = try r.volunteer(number: number) else { return [] }
                return try r.records(RecordFilter(volunteerId: volunteer.id), after: nil, limit: 100)
            }
        }
        try await store.close()
        #expect(stored.count == 40)
        #expect(Set(stored.map(\.organizationId)).count == 1)
        #expect(ConcurrentWriterTests.overlaps(in: stored).isEmpty)
    }

    private static func registerVolunteers(_ deployment: Deployment, _ numbers: ClosedRange<Int>) async throws -> [String] {
        var volunteerNumbers: [String] = []
        for n in numbers {
            var volunteerNumber: String?
            for (side, organizationId) in deployment.organizationIds.enumerated() {
                let response = try await deployment.clients[(n + side) % 2].post("organizations/\(organizationId)/volunteers",
                                                                                 Make.registration(n))
                try #require([200, 201].contains(response.status), "\(response.text)")
                let volunteer = try #require(response.object["volunteer"] as? [String: Any])
                volunteerNumber = volunteer["number"] as? String
            }
            volunteerNumbers.append(try #require(volunteerNumber))
        }
        return volunteerNumbers
    }

    /// An accepted record: what was asked and the id the server answered.
    struct Accepted: Sendable {
        var id: Int64
        var volunteerNumber: String
        var start: Date
        var end: Date
    }

    /// Every response is 201 or a 409 rule refusal; returns the accepted records.
    private static func checkRecordResponses(_ results: [(body: RecordInput, response: APIClient.Response)]) throws -> [Accepted] {
        var accepted: [Accepted] = []
        for (input, response) in results {
            switch response.status {
            case 201:
                let id = try #require(response.int64("id"), "\(response.text)")
                accepted.append(Accepted(id: id, volunteerNumber: input.volunteerNumber, start: input.start, end: input.end))
            case 409:
                let type = response.string("type") ?? ""
                #expect(type.hasSuffix("overlapping-record") || type.hasSuffix("daily-limit-exceeded"), "\(response.text)")
            default:
                Issue.record("unexpected \(response.status): \(response.text)")
            }
        }
        #expect(Set(accepted.map(\.id)).count == accepted.count, "an id was handed out twice")
        return accepted
    }

    /// The stored records of the accepted volunteers are exactly the accepted ones, none overlap, and no
    /// volunteer has more than 24 hours starting on one day.
    private static func checkStoredRecords(_ deployment: Deployment, accepted: [Accepted]) async throws {
        let store = try await PostgresLedgerStore(url: deployment.databaseURL, logger: TestPostgres.logger)
        let numbers = Set(accepted.map(\.volunteerNumber))
        let stored = try await store.read { r -> [ServiceRecord] in
            var records: [ServiceRecord] = []
            for number in numbers {
                guard let volunteer = try r.volunteer(number: number) else { continue }
                records += try r.records(RecordFilter(volunteerId: volunteer.id, includeVoid: true), after: nil, limit: 1000)
            }
            return records
        }
        try await store.close()
        #expect(Set(stored.map(\.id)) == Set(accepted.map(\.id)), "stored records differ from the 201 responses")
        for record in stored {
            guard let asked = accepted.first(where: { $0.id == record.id }) else { continue }
            #expect(record.startAt == asked.start && record.endAt == asked.end)
        }
        #expect(ConcurrentWriterTests.overlaps(in: stored).isEmpty, "two accepted records of one volunteer overlap")
        let minutesByDay = Dictionary(grouping: stored, by: { "\($0.volunteerId) \(LocalDate($0.startAt, in: .ledgerDefault))" })
            .mapValues { $0.reduce(0) { $0 + $1.minutes } }
        #expect(minutesByDay.values.allSatisfy { $0 <= ServiceTimeRules.dailyLimitMinutes })
    }
}
