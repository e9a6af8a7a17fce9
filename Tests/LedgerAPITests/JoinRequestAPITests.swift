import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerCore
import Testing

/// Joining an organization over HTTP: a volunteer asks (once), staff of that organization accept, the volunteer is a
/// member and may leave; an organization that takes no requests refuses them (rules: the contract suite).
@Suite struct JoinRequestAPITests {
    @Test func aVolunteerAsksStaffAcceptAndTheVolunteerLeaves() async throws {
        let f = try await APIFixture.make()
        try await f.test { client in
            // selfCheckedIn (a member of A) asks to join B, with a note; asking again is 409 with the problem's type.
            let path = "/api/v1/organizations/\(f.organizationB.id)/join-requests"
            let asked = try await f.send(client, .post, path, as: "selfCheckedIn", json: ["note": "住在附近"])
            #expect(asked.status == .created, "\(String(buffer: asked.body))")
            let id = try #require(asked.json.id("id"))
            #expect(asked.json["state"] as? String == "pending" && asked.json["note"] as? String == "住在附近")
            let again = try await f.send(client, .post, path, as: "selfCheckedIn", json: ["note": ""])
            #expect(again.status == .conflict && again.problemType == "urn:vledger:problem:join-request-pending")
            let long = try await f.send(client, .post, "/api/v1/organizations/\(f.organizationA.id)/join-requests", as: "volunteerB",
                                        json: ["note": String(repeating: "长", count: 201)])
            #expect(long.status == .unprocessableContent)

            // B's staff list it with the volunteer's name; A's staff cannot see it or decide it.
            let listed = try await f.send(client, .get, path, as: "bStaff")
            #expect(listed.items.compactMap { $0.id("id") }.contains(id))
            #expect(listed.items.first { $0.id("id") == id }?["volunteerName"] as? String == f.selfCheckedIn.name)
            #expect(try await f.send(client, .get, path, as: "aStaff").status == .notFound)
            let foreign = try await f.send(client, .post, "/api/v1/join-requests/\(id)/decision", as: "aStaff", json: ["decision": "accept"])
            #expect(foreign.status == .notFound)
            let noReason = try await f.send(client, .post, "/api/v1/join-requests/\(id)/decision", as: "bStaff", json: ["decision": "decline"])
            #expect(noReason.status == .unprocessableContent)
            let accepted = try await f.send(client, .post, "/api/v1/join-requests/\(id)/decision", as: "bStaff", json: ["decision": "accept"])
            #expect(accepted.status == .ok && accepted.json["state"] as? String == "accepted")
            let memberships = try await f.send(client, .get, "/api/v1/volunteers/\(f.selfCheckedIn.id)/memberships", as: "selfCheckedIn")
            #expect(memberships.items.compactMap { $0.id("organizationId") }.contains(f.organizationB.id))
            let own = try await f.send(client, .get, "/api/v1/join-requests", as: "selfCheckedIn")
            #expect(own.items.first?["organizationName"] as? String == f.organizationB.name)

            // Leaving ends the membership; the second time there is none (404).
            let left = try await f.send(client, .post, "/api/v1/organizations/\(f.organizationB.id)/leave", as: "selfCheckedIn")
            #expect(left.status == .ok && left.json.id("organizationId") == f.organizationB.id)
            let twice = try await f.send(client, .post, "/api/v1/organizations/\(f.organizationB.id)/leave", as: "selfCheckedIn")
            #expect(twice.status == .notFound)
        }
    }

    @Test func anOrganizationSetToTakeNoRequestsRefusesThem() async throws {
        let f = try await APIFixture.make()
        try await f.test { client in
            let settings = "/api/v1/organizations/\(f.organizationB.id)/settings"
            let closed = try await f.send(client, .put, settings, as: "bAdmin",
                                          body: ByteBuffer(string: #"{"checkOutGraceMinutes": 90, "acceptsJoinRequests": false}"#))
            #expect(closed.status == .ok && closed.json["acceptsJoinRequests"] as? Bool == false)
            let refused = try await f.send(client, .post, "/api/v1/organizations/\(f.organizationB.id)/join-requests", as: "selfCheckedIn",
                                           json: ["note": "你好"])
            #expect(refused.status == .conflict && refused.problemType == "urn:vledger:problem:join-requests-closed")
            // The grace alone leaves the setting as it was.
            let grace = try await f.send(client, .put, settings, as: "bAdmin", json: ["checkOutGraceMinutes": 30])
            #expect(grace.json["acceptsJoinRequests"] as? Bool == false && grace.json["checkOutGraceMinutes"] as? Int == 30)
        }
    }
}
