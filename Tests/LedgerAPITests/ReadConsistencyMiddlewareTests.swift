import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LedgerAPI
import LedgerCore
import Testing

/// The write position travels with the caller: in from `Ledger-Read-After` or the browser's cookie, out in
/// `Ledger-Write-Position` (and the cookie, for callers without a bearer token) after a write.
@Suite struct ReadConsistencyMiddlewareTests {
    /// `/written` plays a write committed at 0/16B3F28; `/required` answers what a lagging read must include.
    func app() -> some ApplicationProtocol {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: ReadConsistencyMiddleware())
        router.post("written") { _, _ -> String in
            ReadConsistency.current?.wrote(at: "0/16B3F28")
            return "ok"
        }
        router.get("required") { _, _ -> String in
            ReadConsistency.current?.required ?? "none"
        }
        return Application(router: router)
    }

    @Test func aPositionComesInByHeaderOrCookieAndAnythingElseIsIgnored() async throws {
        try await app().test(.router) { client in
            let readAfter = HTTPField.Name("Ledger-Read-After")!
            var answers: [String] = []
            let cases: [HTTPFields] = [[:], [readAfter: "1A/2B3C"], [.cookie: "lang=zh; vledger_written=0/5"],
                                       [readAfter: "2/0", .cookie: "vledger_written=1/0"]]
            for headers in cases {
                answers.append(try await client.execute(uri: "/required", method: .get, headers: headers) { String(buffer: $0.body) })
            }
            // The header wins over the cookie.
            #expect(answers == ["none", "1A/2B3C", "0/5", "2/0"])
            for bad in ["'; DROP TABLE x; --", String(repeating: "A", count: 65), "0/1 2", "位置"] {
                let answer = try await client.execute(uri: "/required", method: .get, headers: [readAfter: bad]) { String(buffer: $0.body) }
                #expect(answer == "none", "\(bad)")
            }
        }
    }

    @Test func aWriteHandsOutItsPositionAndOnlyBrowsersGetTheCookie() async throws {
        try await app().test(.router) { client in
            try await client.execute(uri: "/written", method: .post) { response in
                #expect(response.headers[HTTPField.Name("Ledger-Write-Position")!] == "0/16B3F28")
                let cookie = try #require(response.headers[.setCookie])
                #expect(cookie.hasPrefix("vledger_written=0/16B3F28;"))
                #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"))
            }
            try await client.execute(uri: "/written", method: .post, headers: [.authorization: "Bearer abc"]) { response in
                #expect(response.headers[HTTPField.Name("Ledger-Write-Position")!] == "0/16B3F28")
                #expect(response.headers[.setCookie] == nil)
            }
            try await client.execute(uri: "/required", method: .get) { response in
                #expect(response.headers[HTTPField.Name("Ledger-Write-Position")!] == nil)
                #expect(response.headers[.setCookie] == nil)
            }
        }
    }
}
