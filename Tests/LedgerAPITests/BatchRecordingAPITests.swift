import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerCore
import Testing

/// Hours for many volunteers at once: all stored in one transaction, or none, with every failing row named.
@Suite struct BatchRecordingAPITests {
    @Test func aBatchIsStoredWhole() async throws {
        let fixture = try await APIFixture.make()
        let other = try await fixture.ledger.registerVolunteer(Factory.volunteer(21), organizationId: fixture.organizationA.id, by: .localOperator).volunteer
        try await fixture.test { client in
            let body = ["entries": [
                BatchRecordEntry(volunteerNumber: fixture.volunteerA.number, start: Factory.time(day: 10, hour: 13), end: Factory.time(day: 10, hour: 15)),
                BatchRecordEntry(volunteerNumber: other.number, start: Factory.time(day: 10, hour: 13), end: Factory.time(day: 10, hour: 15), minutes: 90),
            ]]
            let response = try await fixture.send(client, .post, "/api/v1/activities/\(fixture.activityA.id)/records", as: "aStaff", json: body)
            #expect(response.status == .created)
            let items = response.body.jsonObject["items"] as? [[String: Any]] ?? []
            #expect(items.count == 2)
            #expect(items.map { $0["minutes"] as? Int } == [120, 90])
        }
        let stored = try await fixture.ledger.records(RecordFilter(activityId: fixture.activityA.id), after: nil, limit: 10, by: .localOperator)
        #expect(stored.items.count == 3)
    }

    @Test func oneBadRowStoresNothingAndEveryBadRowIsNamed() async throws {
        let fixture = try await APIFixture.make()
        let before = try await fixture.snapshot()
        try await fixture.test { client in
            let body = ["entries": [
                // Fine on its own.
                BatchRecordEntry(volunteerNumber: fixture.volunteerA.number, start: Factory.time(day: 10, hour: 13), end: Factory.time(day: 10, hour: 14)),
                // Overlaps the fixture's record of 09:00 to 11:00.
                BatchRecordEntry(volunteerNumber: fixture.volunteerA.number, start: Factory.time(day: 10, hour: 10), end: Factory.time(day: 10, hour: 12)),
                // Not a member of organization A.
                BatchRecordEntry(volunteerNumber: fixture.volunteerB.number, start: Factory.time(day: 10, hour: 13), end: Factory.time(day: 10, hour: 14)),
                // Overlaps the first row of this batch.
                BatchRecordEntry(volunteerNumber: fixture.volunteerA.number, start: Factory.time(day: 10, hour: 13, minute: 30), end: Factory.time(day: 10, hour: 15)),
            ]]
            let response = try await fixture.send(client, .post, "/api/v1/activities/\(fixture.activityA.id)/records", as: "aStaff", json: body)
            #expect(response.status == .unprocessableContent)
            let problem = response.body.jsonObject
            #expect(problem["type"] as? String == "urn:vledger:problem:batch-rejected")
            let rows = problem["rows"] as? [[String: Any]] ?? []
            #expect(rows.map { $0["index"] as? Int } == [1, 2, 3])
            #expect(rows.map { $0["type"] as? String } == ["urn:vledger:problem:overlapping-record", "urn:vledger:problem:not-a-member",
                                                           "urn:vledger:problem:overlapping-record"])
        }
        let after = try await fixture.snapshot()
        #expect(after == before)
    }

    @Test func anotherOrganizationsActivityIsNotFoundBeforeAnyRowIsRead() async throws {
        let fixture = try await APIFixture.make()
        try await fixture.test { client in
            let body = ["entries": [BatchRecordEntry(volunteerNumber: "V00000000000", start: Factory.time(day: 10, hour: 13), end: Factory.time(day: 10, hour: 14))]]
            let response = try await fixture.send(client, .post, "/api/v1/activities/\(fixture.activityB.id)/records", as: "aStaff", json: body)
            #expect(response.status == .notFound)
        }
    }
}
