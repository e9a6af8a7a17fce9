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
            #expect(listed.items.compactMap { $0.id("id") } == [f.checkInA.id, f.selfCheckIn.id, id])

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

    @Test func aVolunteerChecksOutWithTheScreensCodeAndTheRecordIsTheirs() async throws {
        let f = try await APIFixture.make()
        try await f.test { client in
            let live = "/api/v1/activities/\(f.liveActivityA.id)"
            let shown = try await f.send(client, .get, live + "/attendance-code", as: "aStaff")
            #expect(shown.status == .ok)
            let code = try #require(shown.json["code"] as? String)
            #expect(code.count == 8 && code == f.attendanceCode(f.liveActivityA))
            #expect(shown.json["url"] as? String == "\(APIFixture.publicBaseURL)/a/\(f.liveActivityA.id)?code=\(code)")
            #expect(shown.json["expiresAt"] as? String == "2026-06-15T12:00:30+08:00")
            #expect(try await f.send(client, .get, live + "/attendance-code", as: "bStaff").status == .notFound)

            // Staff cannot check themselves in; a wrong code and a position off the globe are refused beside their fields.
            let staff = try await f.send(client, .post, live + "/self-check-in", as: "aStaff", json: SelfCheckInPayload(code: code))
            #expect(staff.status == .forbidden)
            let wrong = try await f.send(client, .post, live + "/self-check-out", as: "selfCheckedIn",
                                         json: SelfCheckInPayload(code: code == "12345678" ? "87654321" : "12345678"))
            #expect(wrong.status == .unprocessableContent)
            #expect(wrong.problemType == "urn:vledger:problem:attendance-code-invalid")
            let offGlobe = try await f.send(client, .post, live + "/self-check-out", as: "selfCheckedIn",
                                            json: SelfCheckInPayload(code: code, latitude: 91, longitude: 120))
            #expect(offGlobe.status == .unprocessableContent)
            #expect(String(buffer: offGlobe.body).contains("latitude"))

            // The fixture's volunteer checked in at 10:00 with the code and where the phone was; out at 12:00.
            let before = try await f.send(client, .get, "/api/v1/check-ins/\(f.selfCheckIn.id)", as: "aStaff")
            #expect(before.json["method"] as? String == "self")
            #expect((before.json["position"] as? [String: Any])?["latitude"] as? Double == 30.25)
            let out = try await f.send(client, .post, live + "/self-check-out", as: "selfCheckedIn", json: SelfCheckInPayload(code: code))
            #expect(out.status == .ok)
            let record = try #require(out.json["record"] as? [String: Any])
            #expect(record["source"] as? String == "self_check_in")
            #expect(record["minutes"] as? Int == 120)
            #expect(record.id("volunteerId") == f.selfCheckedIn.id)
            let again = try await f.send(client, .post, live + "/self-check-out", as: "selfCheckedIn", json: SelfCheckInPayload(code: code))
            #expect(again.problemType == "urn:vledger:problem:not-checked-in")
        }
    }
}
