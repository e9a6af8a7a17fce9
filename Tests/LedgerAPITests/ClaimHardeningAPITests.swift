import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerCore
import Testing

/// Hour claims over HTTP: a second approval asking for other minutes is a 409 naming both, the same one again is
/// still 200; a photo declaring a giant canvas is 422 naming the field, and nothing is stored.
struct ClaimHardeningAPITests {
    @Test func aSecondApprovalWithOtherMinutesIsAConflictNamingBothMinutes() async throws {
        let f = try await APIFixture.make()
        try await f.test { client in
            let decision = "/api/v1/hours-claims/\(f.claimA.id)/decision"
            let first = try await f.send(client, .post, decision, as: "aStaff", body: ByteBuffer(string: #"{"decision": "approve", "minutes": 45}"#))
            #expect(first.status == .ok && first.json["state"] as? String == "approved")
            let other = try await f.send(client, .post, decision, as: "aStaff", body: ByteBuffer(string: #"{"decision": "approve", "minutes": 30}"#))
            #expect(other.status == .conflict)
            #expect(other.problemType == "urn:vledger:problem:claim-approved-with-other-minutes" && other.json["field"] as? String == "minutes")
            let detail = other.json["detail"] as? String ?? ""
            #expect(detail.contains("45") && detail.contains("30"), "\(detail)")
            let same = try await f.send(client, .post, decision, as: "aStaff", body: ByteBuffer(string: #"{"decision": "approve", "minutes": 45}"#))
            #expect(same.status == .ok && same.json["recordId"] as? Int == first.json["recordId"] as? Int)
        }
        let records = try await f.ledger.records(RecordFilter(volunteerId: f.volunteerA.id, activityId: f.activityA.id), after: nil, limit: 50,
                                                 by: .localOperator).items.filter { $0.source == .claim }
        #expect(records.map(\.minutes) == [45], "one record, with the first approval's minutes")
    }

    @Test func aPhotoDeclaringAGiantCanvasIsRefusedNamingItsField() async throws {
        let f = try await APIFixture.make()
        let before = try await f.snapshot()
        var bytes = APIFixture.png
        bytes.replaceSubrange(16..<24, with: [0, 0, 0xC3, 0x50, 0, 0, 0xC3, 0x50])  // 50000 × 50000
        let giant = Data(bytes).base64EncodedString()
        try await f.test { client in
            let response = try await f.send(client, .post, "/api/v1/hours-claims", as: "volunteerA", json: ClaimPayload(
                activityId: f.activityA.id, start: Factory.time(day: 10, hour: 15), end: Factory.time(day: 10, hour: 16), note: "签到表照片",
                evidence: giant))
            #expect(response.status == .unprocessableContent && response.json["field"] as? String == "evidence")
            #expect((response.json["detail"] as? String)?.contains("50000×50000") == true, "\(String(buffer: response.body))")
        }
        #expect(try await f.snapshot() == before)
    }
}
