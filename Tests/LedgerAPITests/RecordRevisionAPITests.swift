import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerCore
import Testing

/// Corrections and voiding append revisions; the history keeps every one with its digest.
@Suite struct RecordRevisionAPITests {
    @Test func aCorrectionCreatesRevisionTwoThatTheHistoryListsAfterTheFirst() async throws {
        let fixture = try await APIFixture.make()
        let staffId = try await fixture.userId("aStaff")
        try await fixture.test { client in
            let uri = "/api/v1/records/\(fixture.recordA.id)"
            let corrected = try await fixture.send(client, .post, uri + "/corrections", as: "aStaff",
                                                   json: RecordCorrection(minutes: 90, reason: "扣除午休时间"))
            #expect(corrected.status == .ok)
            #expect(corrected.json["revision"] as? Int == 2)
            #expect(corrected.json["minutes"] as? Int == 90)
            #expect(corrected.json["hours"] as? String == "1.50")

            let history = try await fixture.send(client, .get, uri + "/history", as: "aStaff")
            #expect(history.status == .ok)
            let revisions = history.json["revisions"] as? [[String: Any]] ?? []
            try #require(revisions.count == 2)
            #expect(revisions.map { $0["revision"] as? Int } == [1, 2])
            #expect(revisions.map { $0["kind"] as? String } == ["created", "corrected"])
            #expect(revisions.map { $0["minutes"] as? Int } == [120, 90])
            #expect(revisions[0]["reason"] as? String == "")
            #expect(revisions[1]["reason"] as? String == "扣除午休时间")
            #expect(revisions[1].id("actorId") == staffId)
            let digests = revisions.compactMap { $0["digest"] as? String }
            #expect(digests.count == 2 && Set(digests).count == 2)
            #expect(digests.allSatisfy { $0.count == 64 && $0.allSatisfy(\.isHexDigit) })
            #expect((history.json["record"] as? [String: Any])?["revision"] as? Int == 2)
        }
    }

    @Test func onlyOrganizationAdminsVoid() async throws {
        let fixture = try await APIFixture.make()
        try await fixture.test { client in
            let uri = "/api/v1/records/\(fixture.recordA.id)/void"
            let before = try await fixture.snapshot()
            let byStaff = try await fixture.send(client, .post, uri, as: "aStaff", json: ["reason": "重复登记"])
            #expect(byStaff.status == .forbidden)
            #expect(byStaff.problemType == "urn:vledger:problem:forbidden")
            #expect(try await fixture.snapshot() == before)

            let byAdmin = try await fixture.send(client, .post, uri, as: "aAdmin", json: ["reason": "重复登记"])
            #expect(byAdmin.status == .ok)
            #expect(byAdmin.json["void"] as? Bool == true)
            #expect(byAdmin.json["revision"] as? Int == 2)
            let history = try await fixture.send(client, .get, "/api/v1/records/\(fixture.recordA.id)/history", as: "aAdmin")
            let kinds = (history.json["revisions"] as? [[String: Any]] ?? []).map { $0["kind"] as? String }
            #expect(kinds == ["created", "voided"])
        }
    }

    @Test func aVoidRecordLeavesTheTotals() async throws {
        let fixture = try await APIFixture.make()
        try await fixture.test { client in
            let volunteerSummary = "/api/v1/volunteers/\(fixture.volunteerA.id)/summary"
            let organizationSummary = "/api/v1/organizations/\(fixture.organizationA.id)/summary"
            #expect(try await fixture.send(client, .get, volunteerSummary, as: "aAdmin").json["minutes"] as? Int == 120)
            #expect(try await fixture.send(client, .get, organizationSummary, as: "aAdmin").json["minutes"] as? Int == 120)

            let voided = try await fixture.send(client, .post, "/api/v1/records/\(fixture.recordA.id)/void", as: "aAdmin",
                                                json: ["reason": "活动取消"])
            #expect(voided.status == .ok)

            let person = try await fixture.send(client, .get, volunteerSummary, as: "aAdmin").json
            #expect(person["minutes"] as? Int == 0)
            #expect(person["records"] as? Int == 0)
            #expect(person["allTimeHours"] as? String == "0.00")
            let organization = try await fixture.send(client, .get, organizationSummary, as: "aAdmin").json
            #expect(organization["minutes"] as? Int == 0)
            #expect(organization["records"] as? Int == 0)
            // The default list leaves void records out; includeVoid shows them.
            let list = try await fixture.send(client, .get, "/api/v1/records", as: "aAdmin")
            #expect(list.items.isEmpty)
            let all = try await fixture.send(client, .get, "/api/v1/records?includeVoid=true", as: "aAdmin")
            #expect(all.items.map { $0.id("id") } == [fixture.recordA.id])
        }
    }

    @Test func aVoidRecordCannotBeCorrectedOrVoidedAgain() async throws {
        let fixture = try await APIFixture.make()
        _ = try await fixture.ledger.voidRecord(id: fixture.recordA.id, reason: "重复登记", by: .localOperator)
        try await fixture.test { client in
            let uri = "/api/v1/records/\(fixture.recordA.id)"
            let before = try await fixture.snapshot()
            let correction = try await fixture.send(client, .post, uri + "/corrections", as: "aAdmin",
                                                    json: RecordCorrection(minutes: 60, reason: "更正时长"))
            #expect(correction.status == .conflict)
            #expect(correction.problemType == "urn:vledger:problem:record-voided")
            let again = try await fixture.send(client, .post, uri + "/void", as: "aAdmin", json: ["reason": "再次作废"])
            #expect(again.status == .conflict)
            #expect(again.problemType == "urn:vledger:problem:record-voided")
            #expect(try await fixture.snapshot() == before)
        }
    }

    @Test(arguments: ["corrections", "void"])
    func aReasonIsRequired(_ action: String) async throws {
        let fixture = try await APIFixture.make()
        try await fixture.test { client in
            let before = try await fixture.snapshot()
            let uri = "/api/v1/records/\(fixture.recordA.id)/\(action)"
            let body = action == "void" ? Factory.json(["reason": "  "]) : Factory.json(RecordCorrection(minutes: 60, reason: "  "))
            let response = try await fixture.send(client, .post, uri, as: "aAdmin", body: body)
            #expect(response.status == .unprocessableContent)
            #expect(response.problemType == "urn:vledger:problem:reason-required")
            #expect(response.json["field"] as? String == "reason")
            #expect(try await fixture.snapshot() == before)
        }
    }

    @Test func aCorrectionThatChangesNothingIsRefused() async throws {
        let fixture = try await APIFixture.make()
        try await fixture.test { client in
            let before = try await fixture.snapshot()
            let response = try await fixture.send(client, .post, "/api/v1/records/\(fixture.recordA.id)/corrections", as: "aStaff",
                                                  json: RecordCorrection(minutes: 120, reason: "核对无误"))
            #expect(response.status == .unprocessableContent)
            #expect(response.problemType == "urn:vledger:problem:nothing-changed")
            #expect(try await fixture.snapshot() == before)
        }
    }
}
