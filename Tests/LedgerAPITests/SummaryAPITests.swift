import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerCore
import Testing

/// GET /api/v1/volunteers/:id/summary and the organization and activity summaries.
@Suite struct SummaryAPITests {
    /// volunteerA, a member of A and B: 120 minutes at A on June 10 (the fixture's record), 180 at B the same
    /// afternoon, and 100 hours at A on June 1-5 (five 20-hour shifts), which make them a one-star volunteer.
    static func volunteerInTwoOrganizations() async throws -> APIFixture {
        let fixture = try await APIFixture.make()
        let op = Principal.localOperator
        let ledger = fixture.ledger
        _ = try await ledger.addMember(volunteerNumber: fixture.volunteerA.number, organizationId: fixture.organizationB.id, by: op)
        _ = try await ledger.recordService(Factory.record(fixture.volunteerA, fixture.activityB, day: 10, from: 12, to: 15), by: op)
        let drill = try await ledger.createActivity(
            Factory.activity(from: Factory.time(day: 1, hour: 0), to: Factory.time(day: 6, hour: 0), title: "防汛值守"),
            organizationId: fixture.organizationA.id, by: op)
        for day in 1...5 {
            _ = try await ledger.recordService(Factory.record(fixture.volunteerA, drill, day: day, from: 2, to: 22), by: op)
        }
        return fixture
    }

    @Test func totalsStarLevelAndEachOrganizationsShare() async throws {
        let fixture = try await Self.volunteerInTwoOrganizations()
        try await fixture.test { client in
            let response = try await fixture.send(client, .get, "/api/v1/volunteers/\(fixture.volunteerA.id)/summary", as: "admin")
            #expect(response.status == .ok)
            let summary = response.json
            #expect(summary["minutes"] as? Int == 6000 + 120 + 180)
            #expect(summary["hours"] as? String == "105.00")
            #expect(summary["records"] as? Int == 7)
            #expect(summary["starLevel"] as? Int == 1)
            #expect(summary["starLabel"] as? String == "一星级志愿者")
            #expect(summary["hoursToNextStar"] as? String == "195.00")
            let shares = (summary["byOrganization"] as? [[String: Any]] ?? []).map { ($0.id("organizationId"), $0["hours"] as? String) }
            #expect(shares.count == 2)
            #expect(shares.first { $0.0 == fixture.organizationA.id }?.1 == "102.00")
            #expect(shares.first { $0.0 == fixture.organizationB.id }?.1 == "3.00")
        }
    }

    @Test func aPeriodCountsOnlyRecordsStartingInIt() async throws {
        let fixture = try await Self.volunteerInTwoOrganizations()
        try await fixture.test { client in
            let uri = "/api/v1/volunteers/\(fixture.volunteerA.id)/summary?from=2026-06-10&to=2026-06-10"
            let summary = try await fixture.send(client, .get, uri, as: "volunteerA").json
            #expect(summary["from"] as? String == "2026-06-10")
            #expect(summary["minutes"] as? Int == 300)
            #expect(summary["records"] as? Int == 2)
            // The star level counts all time, whatever the period.
            #expect(summary["starLevel"] as? Int == 1)

            let early = try await fixture.send(client, .get,
                "/api/v1/volunteers/\(fixture.volunteerA.id)/summary?from=2026-06-01&to=2026-06-02", as: "volunteerA").json
            #expect(early["minutes"] as? Int == 2400)

            let backwards = try await fixture.send(client, .get,
                "/api/v1/volunteers/\(fixture.volunteerA.id)/summary?from=2026-06-10&to=2026-06-01", as: "volunteerA")
            #expect(backwards.status == .unprocessableContent)
            #expect(backwards.json["field"] as? String == "to")
        }
    }

    @Test(arguments: [("aStaff", 6120, 6), ("bStaff", 180, 1)])
    func staffSeeOnlyTheirOrganizationsShare(_ account: String, minutes: Int, records: Int) async throws {
        let fixture = try await Self.volunteerInTwoOrganizations()
        let own = account == "aStaff" ? fixture.organizationA.id : fixture.organizationB.id
        let other = account == "aStaff" ? fixture.organizationB.id : fixture.organizationA.id
        try await fixture.test { client in
            let path = "/api/v1/volunteers/\(fixture.volunteerA.id)/summary"
            let summary = try await fixture.send(client, .get, path, as: account).json
            #expect(summary["minutes"] as? Int == minutes)
            #expect(summary["records"] as? Int == records)
            let shares = summary["byOrganization"] as? [[String: Any]] ?? []
            #expect(shares.map { $0.id("organizationId") } == [own])

            let asked = try await fixture.send(client, .get, path + "?organization=\(other)", as: account)
            #expect(asked.status == .forbidden)
        }
    }

    @Test func organizationAndActivitySummariesCountTheirOwnRecords() async throws {
        let fixture = try await Self.volunteerInTwoOrganizations()
        try await fixture.test { client in
            let organization = try await fixture.send(client, .get, "/api/v1/organizations/\(fixture.organizationB.id)/summary",
                                                      as: "bAdmin").json
            #expect(organization["minutes"] as? Int == 300)
            #expect(organization["records"] as? Int == 2)
            let activities = organization["byActivity"] as? [[String: Any]] ?? []
            #expect(activities.map { $0.id("activityId") } == [fixture.activityB.id])
            #expect(activities.first?["hours"] as? String == "5.00")

            let activity = try await fixture.send(client, .get, "/api/v1/activities/\(fixture.activityA.id)/summary", as: "aStaff").json
            #expect(activity["minutes"] as? Int == 120)
            #expect(activity["records"] as? Int == 1)
        }
    }
}
