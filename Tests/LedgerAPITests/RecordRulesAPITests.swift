import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerCore
import Testing

/// POST /api/v1/records: each rule of a service record answers with its own problem, and stores nothing.
@Suite struct RecordRulesAPITests {
    @Test func aValidRecordIsCreatedWithHoursAndLocalTimes() async throws {
        let fixture = try await APIFixture.make()
        try await fixture.test { client in
            let input = Factory.record(fixture.volunteerA, fixture.activityA, day: 10, from: 12, to: 14)
            let response = try await fixture.send(client, .post, "/api/v1/records", as: "aStaff", json: input)
            #expect(response.status == .created)
            let body = response.json
            #expect(body["hours"] as? String == "2.00")
            #expect(body["minutes"] as? Int == 120)
            #expect(body["start"] as? String == "2026-06-10T12:00:00+08:00")
            #expect(body["end"] as? String == "2026-06-10T14:00:00+08:00")
            #expect(body.id("volunteerId") == fixture.volunteerA.id)
            #expect(body.id("organizationId") == fixture.organizationA.id)
            #expect(body["revision"] as? Int == 1)
            #expect(body["void"] as? Bool == false)
            let stored = try await fixture.ledger.store.read { [id = body.id("id") ?? -1] in try $0.record(id: id) }
            #expect(stored?.minutes == 120)
        }
    }

    /// A rule broken by a request that is otherwise valid.
    struct BrokenRule: Sendable, CustomTestStringConvertible {
        var code: String
        var status: HTTPResponse.Status
        var field: String
        var input: @Sendable (APIFixture) -> RecordInput
        var testDescription: String { code }
    }

    static let brokenRules: [BrokenRule] = [
        BrokenRule(code: "end-not-after-start", status: .unprocessableContent, field: "end") {
            Factory.record($0.volunteerA, $0.activityA, day: 10, from: 14, to: 12)
        },
        BrokenRule(code: "minutes-not-positive", status: .unprocessableContent, field: "minutes") {
            Factory.record($0.volunteerA, $0.activityA, day: 10, from: 12, to: 14, minutes: 0)
        },
        BrokenRule(code: "minutes-exceed-span", status: .unprocessableContent, field: "minutes") {
            Factory.record($0.volunteerA, $0.activityA, day: 10, from: 12, to: 14, minutes: 121)
        },
        BrokenRule(code: "outside-activity-window", status: .unprocessableContent, field: "end") {
            Factory.record($0.volunteerA, $0.activityA, day: 10, from: 17, to: 19)
        },
        BrokenRule(code: "overlapping-record", status: .conflict, field: "end") {
            Factory.record($0.volunteerA, $0.activityA, day: 10, from: 10, to: 12)
        },
        BrokenRule(code: "not-a-member", status: .unprocessableContent, field: "") {
            Factory.record($0.volunteerB, $0.activityA, day: 10, from: 12, to: 14)
        },
    ]

    @Test(arguments: brokenRules)
    func aBrokenRuleIsAProblemAndStoresNothing(_ rule: BrokenRule) async throws {
        let fixture = try await APIFixture.make()
        try await fixture.test { client in
            let before = try await fixture.snapshot()
            let response = try await fixture.send(client, .post, "/api/v1/records", as: "aStaff", json: rule.input(fixture))
            #expect(response.status == rule.status)
            #expect(response.isProblem)
            #expect(response.problemType == "urn:vledger:problem:\(rule.code)")
            #expect(response.json["status"] as? Int == Int(rule.status.code))
            #expect((response.json["field"] as? String ?? "") == rule.field)
            #expect(try await fixture.snapshot() == before)
        }
    }

    @Test func aServiceThatHasNotEndedYetIsInTheFuture() async throws {
        let fixture = try await APIFixture.make()
        // Today's activity; the fixture's clock stands at 12:00.
        let today = try await fixture.ledger.createActivity(Factory.activity(day: 15, title: "今日活动"),
                                                            organizationId: fixture.organizationA.id, by: .localOperator)
        try await fixture.test { client in
            let before = try await fixture.snapshot()
            let response = try await fixture.send(client, .post, "/api/v1/records", as: "aStaff",
                                                  json: Factory.record(fixture.volunteerA, today, day: 15, from: 11, to: 13))
            #expect(response.status == .unprocessableContent)
            #expect(response.problemType == "urn:vledger:problem:in-future")
            #expect(try await fixture.snapshot() == before)

            let past = try await fixture.send(client, .post, "/api/v1/records", as: "aStaff",
                                              json: Factory.record(fixture.volunteerA, today, day: 15, from: 10, to: 12))
            #expect(past.status == .created)
        }
    }

    @Test func anOverlapNamesTheOtherRecord() async throws {
        let fixture = try await APIFixture.make()
        try await fixture.test { client in
            let response = try await fixture.send(client, .post, "/api/v1/records", as: "aAdmin",
                                                  json: Factory.record(fixture.volunteerA, fixture.activityA, day: 10, from: 10, to: 12))
            #expect(response.status == .conflict)
            let detail = response.json["detail"] as? String ?? ""
            #expect(detail.contains("#\(fixture.recordA.id)"))
            #expect(detail.contains("2026-06-10 09:00"))
        }
    }

    @Test func anOverlapWithAnotherOrganizationsRecordIsCaught() async throws {
        let fixture = try await APIFixture.make()
        // volunteerA also joins B; their record in A (09:00-11:00) must block B's overlapping one.
        _ = try await fixture.ledger.addMember(volunteerNumber: fixture.volunteerA.number,
                                               organizationId: fixture.organizationB.id, by: .localOperator)
        try await fixture.test { client in
            let before = try await fixture.snapshot()
            let response = try await fixture.send(client, .post, "/api/v1/records", as: "bStaff",
                                                  json: Factory.record(fixture.volunteerA, fixture.activityB, day: 10, from: 10, to: 12))
            #expect(response.status == .conflict)
            #expect(response.problemType == "urn:vledger:problem:overlapping-record")
            #expect((response.json["detail"] as? String ?? "").contains("#\(fixture.recordA.id)"))
            #expect(try await fixture.snapshot() == before)

            let after = try await fixture.send(client, .post, "/api/v1/records", as: "bStaff",
                                               json: Factory.record(fixture.volunteerA, fixture.activityB, day: 10, from: 11, to: 12))
            #expect(after.status == .created)
        }
    }

    @Test func moreThan24HoursStartingOnOneDayExceedTheDailyLimit() async throws {
        let fixture = try await APIFixture.make()
        let op = Principal.localOperator
        let longActivity = try await fixture.ledger.createActivity(
            Factory.activity(from: Factory.time(day: 1, hour: 0), to: Factory.time(day: 3, hour: 0), title: "防汛值守"),
            organizationId: fixture.organizationA.id, by: op)
        // 23 hours starting on June 1.
        _ = try await fixture.ledger.recordService(Factory.record(fixture.volunteerA, longActivity, day: 1, from: 0, to: 23), by: op)
        try await fixture.test { client in
            let before = try await fixture.snapshot()
            // Two more hours starting on June 1 (ending on June 2) make 25.
            let input = RecordInput(volunteerNumber: fixture.volunteerA.number, activityId: longActivity.id,
                                    start: Factory.time(day: 1, hour: 23), end: Factory.time(day: 2, hour: 1))
            let response = try await fixture.send(client, .post, "/api/v1/records", as: "aStaff", json: input)
            #expect(response.status == .conflict)
            #expect(response.problemType == "urn:vledger:problem:daily-limit-exceeded")
            #expect((response.json["detail"] as? String ?? "").contains("2026-06-01"))
            #expect(try await fixture.snapshot() == before)

            // One hour fits exactly.
            let fitting = RecordInput(volunteerNumber: fixture.volunteerA.number, activityId: longActivity.id,
                                      start: Factory.time(day: 1, hour: 23), end: Factory.time(day: 2, hour: 0))
            #expect(try await fixture.send(client, .post, "/api/v1/records", as: "aStaff", json: fitting).status == .created)
        }
    }
}
