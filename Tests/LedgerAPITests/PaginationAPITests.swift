import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerCore
import Testing

/// Lists page with `limit` and the opaque `nextCursor`, passed back as `after`.
@Suite struct PaginationAPITests {
    /// Follows `nextCursor` from the first page to the last; returns the ids in order and the page sizes.
    static func walk(_ fixture: APIFixture, _ client: any TestClientProtocol, _ path: String,
                     as account: String) async throws -> (ids: [Int64], pageSizes: [Int]) {
        var ids: [Int64] = []
        var pageSizes: [Int] = []
        var cursor: String?
        repeat {
            let separator = path.contains("?") ? "&" : "?"
            let uri = path + separator + "limit=2" + (cursor.map { "&after=\($0)" } ?? "")
            let response = try await fixture.send(client, .get, uri, as: account)
            try #require(response.status == .ok, "\(uri): \(String(buffer: response.body))")
            ids += response.items.compactMap { $0.id("id") }
            pageSizes.append(response.items.count)
            cursor = response.json["nextCursor"] as? String
            try #require(pageSizes.count <= 20, "the cursor does not advance")
        } while cursor != nil
        return (ids, pageSizes)
    }

    @Test func recordPagesWalkEveryRecordOnce() async throws {
        let fixture = try await APIFixture.make()
        var created = [fixture.recordA.id]
        for day in 1...4 {
            let activity = try await fixture.ledger.createActivity(Factory.activity(day: day), organizationId: fixture.organizationA.id,
                                                                   by: .localOperator)
            created.append(try await fixture.ledger.recordService(
                Factory.record(fixture.volunteerA, activity, day: day, from: 9, to: 10), by: .localOperator).id)
        }
        let expected = created
        try await fixture.test { client in
            // Five records of A (B's record stays out of A's staff's pages): pages of 2, 2 and 1.
            let walked = try await Self.walk(fixture, client, "/api/v1/records", as: "aStaff")
            #expect(walked.ids == expected.sorted())
            #expect(walked.pageSizes == [2, 2, 1])

            // The platform sees both organizations' six records, in three full pages and no empty fourth.
            let all = try await Self.walk(fixture, client, "/api/v1/records", as: "admin")
            #expect(all.ids == (expected + [fixture.recordB.id]).sorted())
            #expect(all.pageSizes == [2, 2, 2])
        }
    }

    @Test func memberPagesWalkEveryMemberOnce() async throws {
        let fixture = try await APIFixture.make()
        var registered = [fixture.volunteerA.id]
        for n in 10..<14 {
            registered.append(try await fixture.ledger.registerVolunteer(Factory.volunteer(n), organizationId: fixture.organizationA.id,
                                                                       by: .localOperator).volunteer.id)
        }
        let expected = registered
        try await fixture.test { client in
            let walked = try await Self.walk(fixture, client, "/api/v1/organizations/\(fixture.organizationA.id)/members", as: "aStaff")
            #expect(walked.ids == expected.sorted())
            #expect(Set(walked.ids).count == walked.ids.count)
            #expect(walked.pageSizes == [2, 2, 1])
        }
    }

    static let forgedCursors = [
        "42",                                          // an id, not a cursor
        "not-a-cursor",
        Data("c2:1".utf8).base64EncodedString(),       // another format's prefix
        Data("c1:abc".utf8).base64EncodedString(),     // no id inside
        "%FF%FE",
    ]

    @Test(arguments: forgedCursors)
    func aForgedCursorIsRefused(_ cursor: String) async throws {
        let fixture = try await APIFixture.make()
        try await fixture.test { client in
            for path in ["/api/v1/records", "/api/v1/organizations/\(fixture.organizationA.id)/members"] {
                let response = try await fixture.send(client, .get, path + "?limit=2&after=\(cursor)", as: "aStaff")
                #expect(response.status == .unprocessableContent, "\(path)")
                #expect(response.problemType == "urn:vledger:problem:invalid-field")
                #expect(response.json["field"] as? String == "after")
            }
        }
    }

    @Test(arguments: ["0", "501", "ten"])
    func aLimitOutsideOneTo500IsRefused(_ limit: String) async throws {
        let fixture = try await APIFixture.make()
        try await fixture.test { client in
            let response = try await fixture.send(client, .get, "/api/v1/records?limit=\(limit)", as: "aStaff")
            #expect(response.status == .unprocessableContent)
            #expect(response.json["field"] as? String == "limit")
        }
    }
}
