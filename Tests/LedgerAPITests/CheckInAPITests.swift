import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerCore
import Testing

/// Check-in and check-out over HTTP, as staff on site use them (the rules are covered by the contract suite).
@Suite struct CheckInAPITests {
    @Test func staffCheckAVolunteerInAndOutAndTheStayBecomesARecord() async throws {
        let f = try await APIFixture.make()
        try await f.test { client in
            let activity = "/api/v1/activities/\(f.liveActivityA.id)/check-ins"
            let created = try await f.send(client, .post, activity, as: "aStaff", json: ["volunteerNumber": f.walkInA.number])
            #expect(created.status == .created)
            let id = try #require(created.json.id("id"))
            #expect(created.headers[.location] == "/api/v1/check-ins/\(id)")
            #expect(created.json["state"] as? String == "open")
            #expect(created.json["checkedInAt"] as? String == "2026-06-15T12:00:00+08:00")

            let listed = try await f.send(client, .get, activity, as: "aStaff")
            #expect(listed.items.compactMap { $0.id("id") } == [f.checkInA.id, id])

            // volunteerA has been on site since 10:00; checked out at 12:00 after a 30-minute break.
            let out = try await f.send(client, .post, "/api/v1/check-ins/\(f.checkInA.id)/check-out", as: "aStaff",
                                       json: ["minutes": 90])
            #expect(out.status == .ok)
            let record = try #require(out.json["record"] as? [String: Any])
            #expect(record["source"] as? String == "check_in")
            #expect(record["start"] as? String == "2026-06-15T10:00:00+08:00")
            #expect(record["end"] as? String == "2026-06-15T12:00:00+08:00")
            #expect(record["hours"] as? String == "1.50")
            let checkIn = try #require(out.json["checkIn"] as? [String: Any])
            #expect(checkIn["state"] as? String == "checked_out")
            #expect(checkIn.id("recordId") == record.id("id"))

            let history = try await f.send(client, .get, "/api/v1/records/\(record.id("id") ?? 0)/history", as: "aStaff")
            #expect((history.json["revisions"] as? [[String: Any]])?.count == 1)

            let again = try await f.send(client, .post, "/api/v1/check-ins/\(f.checkInA.id)/check-out", as: "aStaff", json: [String: Int]())
            #expect(again.status == .conflict)
            #expect(again.problemType == "urn:vledger:problem:check-in-not-open")
            let twice = try await f.send(client, .post, activity, as: "aStaff", json: ["volunteerNumber": f.walkInA.number])
            #expect(twice.status == .conflict)
            #expect(twice.problemType == "urn:vledger:problem:already-checked-in")
        }
    }
}
