import Foundation
import LedgerCore
import LedgerPostgres
import Testing

/// Two `vledger serve` processes on one PostgreSQL database, driven at once with conflicting writes, as
/// behind a load balancer. Afterwards nothing was lost, no rule was bypassed, no id was handed out twice.
///
/// Each race is a scenario run against the same deployment; certificate issuance (unique serials) is to
/// be added as one more scenario once certificates exist.
@Suite("Two server processes on one PostgreSQL database", .serialized)
struct TwoServerProcessesTests {
    /// The deployment the scenarios race on: two servers, a signed-in admin on each, an organization
    /// with an activity over the last days.
    struct Deployment: Sendable {
        var databaseURL: String
        var clients: [APIClient]
        var organizationId: Int64
        var activityId: Int64
        var activityStart: Date
    }

    typealias Scenario = @Sendable (Deployment) async throws -> Void

    static let scenarios: [(name: String, run: Scenario)] = [
        ("one document registered on both servers at once", registrationRace),
        ("overlapping hour records for the same volunteers", hourRecordRace),
        ("a day's 24-hour limit under concurrent records", dailyLimitRace),
    ]

    @Test(.enabled(if: Backend.all.contains(.postgres)), .timeLimit(.minutes(10)))
    func twoServersKeepEveryRuleUnderConcurrentWrites() async throws {
        let (databaseURL, dropDatabase) = try await TestPostgres.freshDatabase()
        // Both start on the empty database at once, so they also race on the schema migrations.
        async let first = ServerProcess.start(database: databaseURL)
        async let second = ServerProcess.start(database: databaseURL)
        var servers: [ServerProcess] = []
        do {
            servers = [try await first, try await second]
            try await Self.run(on: servers, databaseURL: databaseURL)
        } catch {
            Issue.record(error)
        }
        // A server that started before the other failed is stopped too.
        if servers.isEmpty {
            if let server = try? await first { await server.stop() }
            if let server = try? await second { await server.stop() }
        }
        for server in servers { await server.stop() }
        await dropDatabase()
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

        let organization = try await clients[0].post("organizations", Make.organizationInput(1))
        try #require(organization.status == 201, "\(organization.text)")
        let organizationId = try #require(organization.int64("id"))
        // From four days ago to an hour ago, on whole hours.
        let now = Date().timeIntervalSince1970
        let activityStart = Date(timeIntervalSince1970: (now / 3600).rounded(.down) * 3600 - 4 * 86_400)
        let activity = try await clients[1].post(
            "organizations/\(organizationId)/activities",
            ActivityInput(title: "并发登记测试", content: "两台服务器同时登记", category: .communityService, place: "测试",
                          start: activityStart, end: Date(timeIntervalSince1970: (now / 3600).rounded(.down) * 3600 - 3600),
                          leader: "测试"))
        try #require(activity.status == 201, "\(activity.text)")
        let deployment = Deployment(databaseURL: databaseURL, clients: clients, organizationId: organizationId,
                                    activityId: try #require(activity.int64("id")), activityStart: activityStart)
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
        let results = try await race(deployment, path: "organizations/\(deployment.organizationId)/volunteers", registrations)
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
        // Hour-long slots every 20 minutes on the activity's second day: each overlaps two neighbours
        // on either side, and every slot is sent to both servers at once.
        let dayStart = deployment.activityStart.addingTimeInterval(86_400)
        let inputs = volunteerNumbers.flatMap { number in
            (0..<12).map { slot in
                RecordInput(volunteerNumber: number, activityId: deployment.activityId,
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
        let volunteerNumbers = try await registerVolunteers(deployment, 21...22)
        // Three ten-hour shifts starting on the same day do not overlap, but only two fit in 24 hours.
        let day = LocalDate(deployment.activityStart.addingTimeInterval(2 * 86_400), in: .ledgerDefault)
        let dayStart = day.startOfDay(in: .ledgerDefault)
        let inputs = volunteerNumbers.flatMap { number in
            (0..<3).map { shift in
                RecordInput(volunteerNumber: number, activityId: deployment.activityId,
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

    // MARK: Helpers

    private static func registerVolunteers(_ deployment: Deployment, _ numbers: ClosedRange<Int>) async throws -> [String] {
        var volunteerNumbers: [String] = []
        for n in numbers {
            let response = try await deployment.clients[n % 2].post("organizations/\(deployment.organizationId)/volunteers",
                                                                    Make.registration(n))
            try #require(response.status == 201, "\(response.text)")
            let volunteer = try #require(response.object["volunteer"] as? [String: Any])
            volunteerNumbers.append(try #require(volunteer["number"] as? String))
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
