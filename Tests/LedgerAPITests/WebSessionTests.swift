import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LedgerCore
import Testing
@testable import LedgerWeb

/// The web pages' sessions: the cookie, the CSRF token of every form, the security headers, and that
/// staff pages show one organization only.
@Suite struct WebSessionTests {
    /// A browser's cookie jar and the CSRF token of the last page read.
    struct Browser {
        var cookies: [String: String] = [:]
        var csrf = ""

        var headers: HTTPFields {
            var fields: HTTPFields = [:]
            if !cookies.isEmpty { fields[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; ") }
            return fields
        }

        mutating func take(_ response: TestResponse) {
            for header in response.headers[values: .setCookie] {
                let pair = header.split(separator: ";")[0].split(separator: "=", maxSplits: 1).map(String.init)
                if pair.count == 2 { cookies[pair[0]] = pair[1].isEmpty ? nil : pair[1] }
            }
            let html = String(buffer: response.body)
            if let range = html.range(of: #"name="_csrf" value=""#) {
                csrf = String(html[range.upperBound...].prefix { $0 != "\"" })
            }
        }

        mutating func get(_ client: any TestClientProtocol, _ uri: String) async throws -> TestResponse {
            let response = try await client.execute(uri: uri, method: .get, headers: headers, body: nil)
            take(response)
            return response
        }

        mutating func post(_ client: any TestClientProtocol, _ uri: String, _ fields: [String: String], csrf: Bool = true) async throws -> TestResponse {
            var all = fields
            if csrf { all["_csrf"] = self.csrf }
            let body = all.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&")
            var headers = self.headers
            headers[.contentType] = "application/x-www-form-urlencoded"
            let response = try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body))
            take(response)
            return response
        }

        /// Logs in through the login form.
        mutating func logIn(_ client: any TestClientProtocol, _ username: String) async throws -> TestResponse {
            _ = try await get(client, "/login")
            return try await post(client, "/login", ["username": username, "password": APIFixture.password])
        }
    }

    @Test func pagesCarryTheSecurityHeaders() async throws {
        let fixture = try await APIFixture.make()
        try await fixture.test { client in
            var browser = Browser()
            let response = try await browser.get(client, "/login")
            #expect(response.status == .ok)
            let policy = response.headers[.contentSecurityPolicy] ?? ""
            #expect(policy.contains("script-src 'self'"))
            #expect(policy.contains("frame-ancestors 'none'"))
            #expect(!policy.contains("unsafe-inline"))
            #expect(response.headers[.xContentTypeOptions] == "nosniff")
            #expect(response.headers[HTTPField.Name("Referrer-Policy")!] == "same-origin")
            #expect(browser.csrf.count == 32)
        }
    }

    @Test func aLoginWithoutTheCSRFTokenIsRefusedAndOpensNoSession() async throws {
        let fixture = try await APIFixture.make()
        try await fixture.test { client in
            var browser = Browser()
            _ = try await browser.get(client, "/login")
            let response = try await browser.post(client, "/login", ["username": "aStaff", "password": APIFixture.password], csrf: false)
            #expect(response.status == .forbidden)
            #expect(browser.cookies["vledger_session"] == nil)
            var forged = browser
            forged.csrf = String(repeating: "0", count: 32)
            let wrong = try await forged.post(client, "/login", ["username": "aStaff", "password": APIFixture.password])
            #expect(wrong.status == .forbidden)
            #expect(forged.cookies["vledger_session"] == nil)
        }
    }

    @Test func aLoginSetsAnHttpOnlyLaxCookieAndLandsOnTheRolesHome() async throws {
        let fixture = try await APIFixture.make()
        try await fixture.test { client in
            for (account, home) in [("aStaff", "/org"), ("volunteerA", "/me"), ("inspector", "/inspect"), ("admin", "/admin")] {
                var browser = Browser()
                let response = try await browser.logIn(client, account)
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == home, "\(account)")
                let cookie = response.headers[values: .setCookie].first { $0.hasPrefix("vledger_session=") } ?? ""
                #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && !cookie.contains("Secure"))
                #expect(try await browser.get(client, home).status == .ok, "\(account) home")
            }
        }
    }

    @Test func aWrongPasswordShowsTheFormAgain() async throws {
        let fixture = try await APIFixture.make()
        try await fixture.test { client in
            var browser = Browser()
            _ = try await browser.get(client, "/login")
            let response = try await browser.post(client, "/login", ["username": "aStaff", "password": "not-the-password"])
            #expect(response.status == .unauthorized)
            #expect(String(buffer: response.body).contains("login-error"))
            #expect(browser.cookies["vledger_session"] == nil)
        }
    }

    @Test func logoutRevokesTheSession() async throws {
        let fixture = try await APIFixture.make()
        try await fixture.test { client in
            var browser = Browser()
            _ = try await browser.logIn(client, "aStaff")
            let stolen = browser.cookies
            _ = try await browser.get(client, "/org")
            #expect(try await browser.post(client, "/logout", [:]).status == .seeOther)
            var replay = Browser()
            replay.cookies = stolen
            let response = try await replay.get(client, "/org")
            #expect(response.status == .seeOther)
            #expect(response.headers[.location]?.hasPrefix("/login") == true)
        }
    }

    @Test func anonymousVisitorsAreSentToTheLoginPage() async throws {
        let fixture = try await APIFixture.make()
        try await fixture.test { client in
            var browser = Browser()
            let response = try await browser.get(client, "/org/records")
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/login?next=%2Forg%2Frecords")
        }
    }

    @Test func staffPagesShowTheirOwnOrganizationOnly() async throws {
        let fixture = try await APIFixture.make()
        try await fixture.test { client in
            var browser = Browser()
            _ = try await browser.logIn(client, "aStaff")
            let own = try await browser.get(client, "/org/records/\(fixture.recordA.id)")
            #expect(own.status == .ok)
            #expect(try await browser.get(client, "/org/records/\(fixture.recordB.id)").status == .notFound)
            #expect(try await browser.get(client, "/org/activities/\(fixture.activityB.id)").status == .notFound)
            #expect(try await browser.get(client, "/org/volunteers/\(fixture.volunteerB.id)").status == .notFound)
            #expect(try await browser.get(client, "/me").status == .forbidden)
            // A correction posted to the other organization's record changes nothing.
            let before = try await fixture.snapshot()
            let post = try await browser.post(client, "/org/records/\(fixture.recordB.id)/correct",
                                              ["start": "2026-06-10T09:00", "end": "2026-06-10T10:00", "hours": "1", "reason": "x"])
            #expect(post.status == .notFound)
            #expect(try await fixture.snapshot() == before)
        }
    }

    @Test func markupInDataIsShownAsText() async throws {
        let fixture = try await APIFixture.make()
        let title = "<script>alert(1)</script>"
        _ = try await fixture.ledger.createActivity(Factory.activity(day: 12, title: title), organizationId: fixture.organizationA.id,
                                                    by: .localOperator)
        try await fixture.test { client in
            var browser = Browser()
            _ = try await browser.logIn(client, "aStaff")
            let html = String(buffer: try await browser.get(client, "/org/activities").body)
            #expect(!html.contains(title))
            #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        }
    }

    /// The records table escapes its cells itself (its hot loop skips the template library's escaping): once, not twice.
    @Test func theRecordsTableEscapesEveryCellExactlyOnce() async throws {
        let fixture = try await APIFixture.make()
        let title = "<b>\"A&B\"</b> 'x'"
        let activity = try await fixture.ledger.createActivity(Factory.activity(day: 12, title: title),
                                                               organizationId: fixture.organizationA.id, by: .localOperator)
        _ = try await fixture.ledger.recordService(
            RecordInput(volunteerNumber: fixture.volunteerA.number, activityId: activity.id, start: Factory.time(day: 12, hour: 9),
                        end: Factory.time(day: 12, hour: 11)), by: .localOperator)
        try await fixture.test { client in
            var browser = Browser()
            _ = try await browser.logIn(client, "aStaff")
            let html = String(buffer: try await browser.get(client, "/org/records").body)
            #expect(html.contains("<td>&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt; &#39;x&#39;</td>"))
            #expect(!html.contains(title) && !html.contains("&amp;lt;"))
            #expect(html.contains(fixture.volunteerA.number))
        }
    }

    @Test func theLanguageSwitchIsRememberedInACookie() async throws {
        let fixture = try await APIFixture.make()
        try await fixture.test { client in
            var browser = Browser()
            #expect(String(buffer: try await browser.get(client, "/login").body).contains("用户名"))
            let response = try await browser.get(client, "/lang/en?next=%2Flogin")
            #expect(response.headers[.location] == "/login")
            #expect(String(buffer: try await browser.get(client, "/login").body).contains("User name"))
            // Accept-Language chooses when there is no cookie.
            let english = try await client.execute(uri: "/login", method: .get, headers: [.acceptLanguage: "en-US,en;q=0.9"], body: nil)
            #expect(String(buffer: english.body).contains("User name"))
        }
    }
}

/// Wrong passwords are throttled on the API and the web login alike, with 429 and Retry-After.
@Suite struct LoginThrottlingTests {
    @Test func thirtyWrongPasswordsThenTheRightOneWaits() async throws {
        let fixture = try await APIFixture.make()
        try await fixture.test { client in
            var statuses: [Int] = []
            for _ in 0..<8 {
                let response = try await fixture.send(client, .post, "/api/v1/auth/login", as: nil,
                                                      json: ["username": "aStaff", "password": "wrong-password"])
                statuses.append(response.status.code)
            }
            #expect(statuses.prefix(5).allSatisfy { $0 == 401 })
            #expect(statuses.last == 429)
            let right = try await fixture.send(client, .post, "/api/v1/auth/login", as: nil,
                                               json: ["username": "aStaff", "password": APIFixture.password])
            #expect(right.status == .tooManyRequests)
            #expect(Int(right.headers[.retryAfter] ?? "") ?? 0 > 0)
            #expect(right.problemType == "urn:vledger:problem:login-throttled")
            // Another account is not affected.
            let other = try await fixture.send(client, .post, "/api/v1/auth/login", as: nil,
                                               json: ["username": "bStaff", "password": APIFixture.password])
            #expect(other.status == .ok)
            // The web login uses the same throttle.
            var browser = WebSessionTests.Browser()
            _ = try await browser.get(client, "/login")
            let page = try await browser.post(client, "/login", ["username": "aStaff", "password": APIFixture.password])
            #expect(page.status == .tooManyRequests)
            #expect(page.headers[.retryAfter] != nil)
            #expect(browser.cookies["vledger_session"] == nil)
        }
    }
}

/// Pages write times as `LocalDateTime` does, in the organization's zone.
@Suite struct PageTimeFormatTests {
    @Test(arguments: [(2026, 3, 1, 9, 5, 0), (2026, 12, 31, 23, 59, 7), (987, 1, 2, 0, 0, 0)])
    func pageTimesMatchTheDomainsFormat(_ parts: (Int, Int, Int, Int, Int, Int)) throws {
        let local = try #require(LocalDateTime(date: LocalDate(year: parts.0, month: parts.1, day: parts.2)!, hour: parts.3,
                                               minute: parts.4, second: parts.5))
        let instant = local.instant(in: .ledgerDefault)
        #expect(PageFormat.time(instant, .ledgerDefault) == local.description)
    }

    /// The times something was done keep their seconds even when they are zero, so a history's times line up.
    @Test func momentsAlwaysCarrySeconds() throws {
        let local = try #require(LocalDateTime(date: LocalDate(year: 2026, month: 12, day: 2)!, hour: 13, minute: 21, second: 0))
        #expect(PageFormat.moment(local.instant(in: .ledgerDefault), .ledgerDefault) == "2026-12-02 13:21:00")
        #expect(PageFormat.time(local.instant(in: .ledgerDefault), .ledgerDefault) == "2026-12-02 13:21")
    }
}

/// Forms shown for the first time carry no error sections (mustache counts 0 as true, so pages test booleans).
@Suite struct EmptyFormTests {
    @Test func theImportAndBatchFormsStartWithoutErrors() async throws {
        let fixture = try await APIFixture.make()
        try await fixture.test { client in
            var browser = WebSessionTests.Browser()
            _ = try await browser.logIn(client, "aStaff")
            let importPage = String(buffer: try await browser.get(client, "/org/import").body)
            #expect(!importPage.contains("import-errors") && !importPage.contains("import-error\""))
            let batchPage = String(buffer: try await browser.get(client, "/org/activities/\(fixture.activityA.id)/record").body)
            #expect(!batchPage.contains("batch-errors"))
            #expect(batchPage.contains("name=\"volunteerNumber\""))
        }
    }
}
