import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerCore
import Testing

/// GET /api/v1/security-log and /api/v1/security-log.csv: sign-ins through the API are logged with the client's
/// user agent, platform admins read and export them by kind and account, bad filters are 422.
@Suite struct SecurityLogAPITests {
    struct Page: Decodable {
        struct Event: Decodable {
            var id: Int64
            var kind: String
            var username: String
            var accountId: Int64?
            var userAgent: String?
            var detail: String?
        }
        var items: [Event]
        var nextCursor: String?
    }

    @Test func signInsThroughTheAPIAreLoggedAndReadByKindAccountAndPage() async throws {
        let fixture = try await APIFixture.make()
        try await fixture.test { client in
            let agent = "SecurityLogAPITests/1.0 (" + String(repeating: "z", count: 300) + ")"
            let failed = try await client.execute(
                uri: "/api/v1/auth/login", method: .post, headers: [.contentType: "application/json", .userAgent: agent],
                body: Factory.json(["username": "aStaff", "password": "not-the-password"]))
            #expect(failed.status == .unauthorized)
            let signedIn = try await client.execute(
                uri: "/api/v1/auth/login", method: .post, headers: [.contentType: "application/json", .userAgent: agent],
                body: Factory.json(["username": "aStaff", "password": APIFixture.password]))
            #expect(signedIn.status == .ok)

            let response = try await fixture.send(client, .get, "/api/v1/security-log?account=aStaff&limit=2", as: "admin")
            #expect(response.status == .ok)
            let page = try JSONDecoder().decode(Page.self, from: Data(response.body.readableBytesView))
            let staffId = try await fixture.userId("aStaff")
            #expect(page.items.map(\.kind) == ["sign-in-succeeded", "sign-in-failed"])
            #expect(page.items.allSatisfy { $0.accountId == staffId && $0.username == "aStaff" })
            #expect(page.items[0].userAgent == String(agent.prefix(RequestOrigin.maxUserAgentLength)))
            #expect(page.items[1].detail == "wrong-password")
            let cursor = try #require(page.nextCursor)
            let rest = try await fixture.send(client, .get, "/api/v1/security-log?account=aStaff&limit=50&after=\(cursor)", as: "admin")
            let older = try JSONDecoder().decode(Page.self, from: Data(rest.body.readableBytesView))
            // The fixture's own sign-in and the account's creation come before.
            #expect(older.items.map(\.kind) == ["sign-in-succeeded", "account-created"])
            #expect(older.items.allSatisfy { $0.id < page.items[1].id })

            let failures = try await fixture.send(client, .get, "/api/v1/security-log?kind=sign-in-failed", as: "admin")
            let failedOnly = try JSONDecoder().decode(Page.self, from: Data(failures.body.readableBytesView))
            #expect(failedOnly.items.count == 1 && failedOnly.items[0].username == "aStaff")

            let csv = try await fixture.send(client, .get, "/api/v1/security-log.csv?account=aStaff&kind=sign-in-failed", as: "admin")
            #expect(csv.status == .ok && csv.headers[.contentType] == "text/csv; charset=utf-8")
            let rows = try ExportAPITests.rows(csv)
            #expect(rows.count == 2 && rows[0][0] == "编号 id" && rows[1][2] == "sign-in-failed" && rows[1][5] == "aStaff")

            for (query, field) in [("kind=sign-in-maybe", "kind"), ("from=June", "from"), ("from=2026-06-10&to=2026-06-01", "to"),
                                   ("limit=0", "limit")] {
                let bad = try await fixture.send(client, .get, "/api/v1/security-log?\(query)", as: "admin")
                #expect(bad.status == .unprocessableContent, "\(query)")
                #expect(String(buffer: bad.body).contains("\"\(field)\""), "\(query)")
            }
            for account in ["inspector", "aAdmin", "volunteerA"] {
                let refused = try await fixture.send(client, .get, "/api/v1/security-log.csv", as: account)
                #expect(refused.status == .forbidden, "\(account)")
            }
        }
    }
}
