import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerCore
import Testing

/// Recruitment over HTTP: staff open an activity, volunteers find it and sign up, staff decide on the roster (the
/// rules are covered by the contract suite).
@Suite struct SignUpAPITests {
    /// The body of `openActivityForSignUp`.
    struct RecruitmentPayload: Encodable {
        var audience: String
        var capacity: Int
        var deadline: Date
        var requiredSkills: [String]?
    }

    @Test func aVolunteerFindsAnActivitySignsUpAndStaffConfirmFromTheRoster() async throws {
        let f = try await APIFixture.make()
        try await f.test { client in
            // Staff of A open their past-capacity-prone activity for one place, members only.
            let activity = try await f.ledger.createActivity(Factory.activity(day: 22, title: "社区义诊"), organizationId: f.organizationA.id,
                                                             by: .localOperator)
            let recruitment = "/api/v1/activities/\(activity.id)/recruitment"
            let opened = try await f.send(client, .put, recruitment, as: "aStaff", json: RecruitmentPayload(
                audience: "members", capacity: 1, deadline: Factory.time(day: 21, hour: 18)))
            #expect(opened.status == .ok)
            #expect(opened.json["deadline"] as? String == "2026-06-21T18:00:00+08:00")
            #expect(opened.json["placesLeft"] as? Int == 1)
            let foreign = try await f.send(client, .put, recruitment, as: "bStaff", json: RecruitmentPayload(
                audience: "everyone", capacity: 9, deadline: Factory.time(day: 21, hour: 18)))
            #expect(foreign.status == .notFound)

            // volunteerA (a member of A) sees it; volunteerB (of B) does not.
            let seenByA = try await f.send(client, .get, "/api/v1/open-activities?region=330106", as: "volunteerA")
            let listedForA: [Int64] = seenByA.items.compactMap { ($0["activity"] as? [String: Any])?.id("id") }
            #expect(listedForA.contains(activity.id))
            let seenByB = try await f.send(client, .get, "/api/v1/open-activities", as: "volunteerB")
            let listedForB: [Int64] = seenByB.items.compactMap { ($0["activity"] as? [String: Any])?.id("id") }
            #expect(!listedForB.contains(activity.id))

            let signedUp = try await f.send(client, .post, "/api/v1/activities/\(activity.id)/sign-ups", as: "volunteerA")
            #expect(signedUp.status == .created)
            #expect(signedUp.json["state"] as? String == "pending")
            let id = try #require(signedUp.json.id("id"))
            #expect(signedUp.headers[.location] == "/api/v1/sign-ups/\(id)")
            let refused = try await f.send(client, .post, "/api/v1/activities/\(activity.id)/sign-ups", as: "volunteerB")
            #expect(refused.status == .forbidden)
            let twice = try await f.send(client, .post, "/api/v1/activities/\(activity.id)/sign-ups", as: "volunteerA")
            #expect(twice.status == .conflict)
            #expect(twice.problemType == "urn:vledger:problem:already-signed-up")

            // The roster names the volunteer; staff confirm.
            let roster = try await f.send(client, .get, "/api/v1/sign-ups?activity=\(activity.id)", as: "aStaff")
            #expect(roster.items.map { $0["volunteerName"] as? String } == [f.volunteerA.name])
            let declineWithoutReason = try await f.send(client, .post, "/api/v1/sign-ups/\(id)/decision", as: "aStaff",
                                                        json: ["decision": "decline"])
            #expect(declineWithoutReason.status == .unprocessableContent)
            let confirmed = try await f.send(client, .post, "/api/v1/sign-ups/\(id)/decision", as: "aStaff", json: ["decision": "confirm"])
            #expect(confirmed.json["state"] as? String == "confirmed")

            // The volunteer's own list, and withdrawing.
            let own = try await f.send(client, .get, "/api/v1/sign-ups", as: "volunteerA")
            let ownIds: [Int64] = own.items.compactMap { $0.id("id") }
            #expect(ownIds.contains(id))
            #expect(own.items.allSatisfy { $0["volunteerName"] == nil }, "the own list carries no roster columns")
            let canceled = try await f.send(client, .post, "/api/v1/sign-ups/\(id)/cancel", as: "volunteerA")
            #expect(canceled.json["state"] as? String == "canceled")
            let state = try await f.send(client, .get, recruitment, as: "volunteerA")
            #expect(state.json["placesTaken"] as? Int == 0)
        }
    }
}

/// The body of `selfCheckIn` and `selfCheckOut`.
struct SelfCheckInPayload: Encodable {
    var code: String
    var latitude: Double?
    var longitude: Double?
    var accuracy: Double?
}

/// The body of `submitHoursClaim`.
struct ClaimPayload: Encodable {
    var activityId: Int64
    var start: Date
    var end: Date
    var note: String
    var evidence: String?
}
