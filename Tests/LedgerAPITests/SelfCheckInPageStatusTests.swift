import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerCore
import Testing

/// The self check-in page answers the same bad input with the status the API gives it: a position off the globe is
/// 422 on both (the page used to answer 409 for every refusal), and a refusal that is a conflict is 409 on both.
struct SelfCheckInPageStatusTests {
    @Test func theCheckInPageAndTheAPIAgreeOnTheStatusOfARefusal() async throws {
        let f = try await APIFixture.make()
        try await f.test { client in
            let code = f.attendanceCode(f.liveActivityA)
            let api = "/api/v1/activities/\(f.liveActivityA.id)"
            var phone = WebSessionTests.Browser()
            _ = try await phone.logIn(client, "selfCheckedIn")
            _ = try await phone.get(client, "/a/\(f.liveActivityA.id)?code=\(code)")

            // Off the globe: invalid input on both.
            let apiOffGlobe = try await f.send(client, .post, api + "/self-check-out", as: "selfCheckedIn",
                                               json: SelfCheckInPayload(code: code, latitude: 91, longitude: 120))
            let pageOffGlobe = try await phone.post(client, "/a/\(f.liveActivityA.id)",
                                                    ["code": code, "latitude": "91", "longitude": "120", "action": "check-out"])
            #expect(apiOffGlobe.status == .unprocessableContent)
            #expect(pageOffGlobe.status == apiOffGlobe.status, "\(pageOffGlobe.status)")
            #expect(String(buffer: pageOffGlobe.body).contains("latitude"))

            // Checking out without having checked in: a conflict on both.
            var other = WebSessionTests.Browser()
            _ = try await other.logIn(client, "volunteerA")
            _ = try await other.get(client, "/a/\(f.liveActivityA.id)?code=\(code)")
            // (The fixture has volunteerA on site: out once, then neither may check out again.)
            _ = try await f.send(client, .post, api + "/self-check-out", as: "volunteerA", json: SelfCheckInPayload(code: code))
            let apiOut = try await f.send(client, .post, api + "/self-check-out", as: "volunteerA", json: SelfCheckInPayload(code: code))
            let pageOut = try await other.post(client, "/a/\(f.liveActivityA.id)", ["code": code, "action": "check-out"])
            #expect(apiOut.status == .conflict && apiOut.problemType == "urn:vledger:problem:not-checked-in")
            #expect(pageOut.status == apiOut.status, "\(pageOut.status)")
        }
    }
}
