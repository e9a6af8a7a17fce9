import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerCore
import Testing

/// The public activity search over HTTP, without a token: open activities with places left and no person's data;
/// every number and date of the query checked with bounds.
@Suite struct PublicActivityAPITests {
    @Test func anyoneFindsOpenActivitiesAndOpensOne() async throws {
        let f = try await APIFixture.make()
        try await f.test { client in
            let found = try await f.send(client, .get, "/api/v1/public/activities?limit=1", as: nil)
            #expect(found.status == .ok)
            #expect(found.items.compactMap { $0.id("id") } == [f.recruitingA.id])
            let first = try #require(found.items.first)
            #expect(first["organizationName"] as? String == f.organizationA.name && first["placesLeft"] as? Int == 4)
            #expect(first["open"] as? Bool == true && first["deadline"] as? String == "2026-06-19T18:00:00+08:00")
            // No person's data: not even the leader's name.
            #expect(first["leader"] == nil && !String(buffer: found.body).contains(f.volunteerA.name))
            let cursor = try #require(found.json["nextCursor"] as? String)
            let next = try await f.send(client, .get, "/api/v1/public/activities?limit=1&after=\(cursor)", as: nil)
            #expect(next.items.compactMap { $0.id("id") } == [f.recruitingB.id] && next.json["nextCursor"] == nil)

            let one = try await f.send(client, .get, "/api/v1/public/activities/\(f.recruitingB.id)", as: nil)
            #expect(one.status == .ok && one.json["organizationName"] as? String == f.organizationB.name)
            // An activity never opened for sign-up is not public.
            #expect(try await f.send(client, .get, "/api/v1/public/activities/\(f.activityA.id)", as: nil).status == .notFound)

            for query in ["from=2026-13-01", "from=1900-01-01", "to=2026-6-1", "limit=0", "limit=99999999999999999999", "region=33x",
                          "after=d1-x", "category=none", "available=maybe", "q=" + String(repeating: "a", count: 51),
                          "from=2026-06-20&to=2026-06-10"] {
                let refused = try await f.send(client, .get, "/api/v1/public/activities?\(query)", as: nil)
                #expect(refused.status == .unprocessableContent, "\(query): \(refused.status)")
                #expect(refused.isProblem, "\(query)")
            }
            #expect(try await f.send(client, .get, "/api/v1/public/activities/99999999999999999999", as: nil).status == .unprocessableContent)
        }
    }
}
