import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerCore
import Testing

/// Issue 27, items 3 to 5, over HTTP: guessing an attendance code or an invitation is answered 429 with `Retry-After`
/// (problem+json on the API, a message on the page), and a refusal away from the site says no distance.
@Suite struct GuessingAPITests {
    @Test func wrongAttendanceCodesEndIn429WithRetryAfterAndWriteNothing() async throws {
        let f = try await APIFixture.make()
        try await f.test { client in
            let live = "/api/v1/activities/\(f.liveActivityA.id)/self-check-in"
            let right = f.attendanceCode(f.liveActivityA)
            let wrong = String(right.dropLast()) + (right.last == "0" ? "1" : "0")
            let before = try await f.snapshot()
            var statuses: [Int] = []
            for _ in 0..<5 {
                let response = try await f.send(client, .post, live, as: "volunteerA", json: SelfCheckInPayload(code: wrong))
                statuses.append(response.status.code)
                #expect(response.problemType == "urn:vledger:problem:attendance-code-invalid")
            }
            #expect(statuses == [422, 422, 422, 422, 422])
            let waiting = try await f.send(client, .post, live, as: "volunteerA", json: SelfCheckInPayload(code: right))
            #expect(waiting.status == .tooManyRequests)
            #expect(waiting.headers[.retryAfter] == "1")
            #expect(waiting.headers[.contentType]?.hasPrefix("application/problem+json") == true)
            #expect(waiting.problemType == "urn:vledger:problem:attendance-code-throttled")
            #expect(waiting.json["field"] as? String == "code")
            #expect(try await f.snapshot() == before)
        }
    }

    @Test func theCheckInPageCountsAWrongCodeOnceAndThenAsksToWait() async throws {
        let f = try await APIFixture.make()
        try await f.test { client in
            let right = f.attendanceCode(f.liveActivityA)
            let wrong = String(right.dropLast()) + (right.last == "0" ? "1" : "0")
            var browser = WebSessionTests.Browser()
            _ = try await browser.logIn(client, "selfCheckedIn")
            let page = try await browser.get(client, "/a/\(f.liveActivityA.id)?code=\(right)")
            #expect(page.status == .ok)
            var statuses: [Int] = []
            for _ in 0..<6 {
                statuses.append(try await browser.post(client, "/a/\(f.liveActivityA.id)", ["code": wrong, "action": "check-in"]).status.code)
            }
            #expect(statuses == [422, 422, 422, 422, 422, 429], "each wrong code counts once")
            let waiting = try await browser.get(client, "/a/\(f.liveActivityA.id)?code=\(right)")
            #expect(waiting.status == .tooManyRequests)
            #expect(Int(waiting.headers[.retryAfter] ?? "") ?? 0 > 0)
            #expect(String(buffer: waiting.body).contains("签到码错误次数过多"))
        }
    }

    @Test func theRefusalAwayFromTheSiteHasNoDistanceAndACheckOutKeepsItsPosition() async throws {
        let f = try await APIFixture.make()
        _ = try await f.ledger.setActivitySite(activityId: f.liveActivityA.id, ActivitySite(
            latitude: 30.25, longitude: 120.17, radius: 500, presenceRequired: true), by: .localOperator)
        try await f.test { client in
            let out = "/api/v1/activities/\(f.liveActivityA.id)/self-check-out"
            let code = f.attendanceCode(f.liveActivityA)
            let far = try await f.send(client, .post, out, as: "selfCheckedIn",
                                       json: SelfCheckInPayload(code: code, latitude: 30.25, longitude: 120.20, accuracy: 9))
            #expect(far.status == .conflict)
            #expect(far.problemType == "urn:vledger:problem:not-on-site")
            let detail = try #require(far.json["detail"] as? String)
            let digits = detail.unicodeScalars.filter { CharacterSet.decimalDigits.contains($0) }
            #expect(digits.isEmpty, "\(detail)")

            let near = try await f.send(client, .post, out, as: "selfCheckedIn",
                                        json: SelfCheckInPayload(code: code, latitude: 30.251, longitude: 120.17, accuracy: 9))
            #expect(near.status == .ok)
            let checkIn = try #require(near.json["checkIn"] as? [String: Any])
            #expect((checkIn["checkOutPosition"] as? [String: Any])?["latitude"] as? Double == 30.251)
            #expect(checkIn["checkOutOffSite"] as? Bool == false)
            let stored = try await f.send(client, .get, "/api/v1/check-ins/\(f.selfCheckIn.id)", as: "aStaff")
            #expect((stored.json["checkOutPosition"] as? [String: Any])?["accuracy"] as? Double == 9)
        }
    }

    @Test func wrongDocumentNumbersForAnInvitationEndIn429OnTheAPIAndThePage() async throws {
        let f = try await APIFixture.make()
        try await f.test { client in
            func redeem(_ documentNumber: String) async throws -> TestResponse {
                try await f.send(client, .post, "/api/v1/invitations/redeem", as: nil, json: [
                    "code": f.invitationCodeB, "documentNumber": documentNumber, "username": "walk-in-b", "password": "a-long-password",
                ])
            }
            for _ in 0..<5 {
                let wrong = try await redeem(f.walkInA.documentNumber)
                #expect(wrong.status == .unprocessableContent)
                #expect(wrong.json["field"] as? String == "documentNumber")
            }
            let waiting = try await redeem(f.walkInB.documentNumber)
            #expect(waiting.status == .tooManyRequests)
            #expect(waiting.headers[.retryAfter] == "1")
            #expect(waiting.problemType == "urn:vledger:problem:invitation-throttled")
            #expect(try await f.ledger.store.read { try $0.hasLogin(volunteerId: f.walkInB.id) } == false)

            var browser = WebSessionTests.Browser()
            _ = try await browser.get(client, "/invite?code=\(f.invitationCodeB)")
            let page = try await browser.post(client, "/invite", [
                "code": f.invitationCodeB, "documentNumber": f.walkInB.documentNumber, "username": "walk-in-b",
                "password": "a-long-password", "passwordAgain": "a-long-password",
            ])
            #expect(page.status == .tooManyRequests)
            #expect(Int(page.headers[.retryAfter] ?? "") ?? 0 > 0)
            #expect(String(buffer: page.body).contains("邀请码或证件号码错误次数过多"))
        }
    }
}
