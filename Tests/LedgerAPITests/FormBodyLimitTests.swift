import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LedgerCore
@testable import LedgerForms
import Testing
@testable import LedgerWeb

/// Bodies are limited before they are read: a login or any form is a few KiB, uploads are large only on their own
/// routes and only for a session whose role may use them; a JSON body without a login is small too.
@Suite struct FormBodyLimitTests {
    typealias Browser = WebSessionTests.Browser

    /// A urlencoded body of at least `bytes` bytes carrying a valid CSRF token.
    static func padded(_ browser: Browser, _ bytes: Int) -> ByteBuffer {
        ByteBuffer(string: "_csrf=\(browser.csrf)&username=aStaff&password=x&padding=" + String(repeating: "a", count: bytes))
    }

    static func post(_ client: any TestClientProtocol, _ browser: Browser, _ uri: String, _ body: ByteBuffer,
                     contentType: String = "application/x-www-form-urlencoded", declareLength: Bool) async throws -> TestResponse {
        var headers = browser.headers
        headers[.contentType] = contentType
        if declareLength { headers[.contentLength] = "\(body.readableBytes)" }
        return try await client.execute(uri: uri, method: .post, headers: headers, body: body)
    }

    @Test func anAnonymousFormLargerThanAFormIsRefusedWhetherOrNotItDeclaresItsLength() async throws {
        let fixture = try await APIFixture.make()
        try await fixture.test { client in
            var browser = Browser()
            _ = try await browser.get(client, "/login")
            for declareLength in [true, false] {
                let response = try await Self.post(client, browser, "/login", Self.padded(browser, FormBodyLimits.form), declareLength: declareLength)
                #expect(response.status == .contentTooLarge)
                #expect(response.headers[values: .setCookie].allSatisfy { !$0.hasPrefix("vledger_session=") || $0.contains("Max-Age=0") })
            }
            // Anonymous uploads to an upload route get the form's limit too, not the route's.
            let upload = try await Self.post(client, browser, "/org/import", Self.padded(browser, 200 << 10), declareLength: true)
            #expect(upload.status == .contentTooLarge)
            // A form within the limit is read and checked as usual.
            let small = try await browser.post(client, "/login", ["username": "aStaff", "password": APIFixture.password])
            #expect(small.status == .seeOther)
        }
    }

    @Test func uploadsAreLargeOnlyOnTheirRouteForTheRoleThatMayUseIt() async throws {
        #expect(FormBodyLimits.limit(path: "/login", principal: nil) == 64 << 10)
        let staff = Principal(userId: 1, role: .organizationStaff, organizationId: 1)
        let volunteer = Principal(userId: 2, role: .volunteer, volunteerId: 1)
        #expect(FormBodyLimits.limit(path: "/org/import", principal: staff) == ImportLimits.maxPageUploadBytes)
        #expect(FormBodyLimits.limit(path: "/org/import", principal: volunteer) == FormBodyLimits.form)
        #expect(FormBodyLimits.limit(path: "/org/import", principal: nil) == FormBodyLimits.form)
        #expect(FormBodyLimits.limit(path: "/org/records", principal: staff) == FormBodyLimits.form)
        #expect(FormBodyLimits.limit(path: "/org/activities/7/record", principal: staff) == 1 << 20)
        #expect(FormBodyLimits.limit(path: "/org/activities/7/record/x", principal: staff) == FormBodyLimits.form)
        #expect(FormBodyLimits.limit(path: "/org/activities/7/record", principal: volunteer) == FormBodyLimits.form)
        #expect(FormBodyLimits.limit(path: "/me/claims", principal: volunteer) > ClaimEvidence.maximumSize)
        #expect(FormBodyLimits.limit(path: "/me/claims", principal: staff) == FormBodyLimits.form)

        let fixture = try await APIFixture.make()
        try await fixture.test { client in
            // Staff may send a file of 300 KiB to the import page: it is read (and refused for its content, not its size).
            var staffBrowser = Browser()
            _ = try await staffBrowser.logIn(client, "aStaff")
            _ = try await staffBrowser.get(client, "/org/import")
            let boundary = "vledger-test-boundary"
            let csv = "not,a,record\n" + String(repeating: "x,y,z\n", count: 300 << 10 / 6)
            let multipart = "--\(boundary)\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(staffBrowser.csrf)\r\n"
                + "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\nContent-Type: text/csv\r\n\r\n"
                + csv + "\r\n--\(boundary)--\r\n"
            let staffUpload = try await Self.post(client, staffBrowser, "/org/import", ByteBuffer(string: multipart),
                                                  contentType: "multipart/form-data; boundary=\(boundary)", declareLength: true)
            #expect(staffUpload.status != .contentTooLarge)
            #expect(staffUpload.status != .forbidden)
            // A volunteer sending the same file is refused by its size before anything is read.
            var volunteerBrowser = Browser()
            _ = try await volunteerBrowser.logIn(client, "volunteerA")
            _ = try await volunteerBrowser.get(client, "/me")
            let volunteerUpload = try await Self.post(client, volunteerBrowser, "/org/import", ByteBuffer(string: multipart),
                                                      contentType: "multipart/form-data; boundary=\(boundary)", declareLength: false)
            #expect(volunteerUpload.status == .contentTooLarge)
        }
    }

    @Test func anAnonymousJSONBodyIsSmallAndASignedInOneLarger() async throws {
        let fixture = try await APIFixture.make()
        try await fixture.test { client in
            let big = ByteBuffer(string: #"{"username":"aStaff","password":""# + String(repeating: "a", count: 100 << 10) + #""}"#)
            let anonymous = try await fixture.send(client, .post, "/api/v1/auth/login", as: nil, body: big)
            #expect(anonymous.status == .contentTooLarge)
            let signedIn = try await fixture.send(client, .post, "/api/v1/users", as: "aAdmin", body: big)
            #expect(signedIn.status != .contentTooLarge)
            #expect(signedIn.status.code >= 400 && signedIn.status.code < 500)
        }
    }
}

/// The form parser: linear whatever the boundary, bounded in fields, decoding as browsers encode.
@Suite struct FormDataParsingTests {
    @Test func urlencodedFieldsDecodePlusAndPercentEscapes() throws {
        let form = try FormData.parse(Array("name=%E5%BC%A0+%E4%B8%89&rows=1&rows=&plus=%2B&bad=%ZZ&tail=%E5".utf8),
                                      contentType: "application/x-www-form-urlencoded; charset=utf-8")
        #expect(form["name"] == "张 三")
        #expect(form.all("rows") == ["1", ""])
        #expect(form["plus"] == "+")
        #expect(form.all("bad") == [""])
        #expect(form.all("tail") == [""])
    }

    @Test func multipartFieldsAndFilesParse() throws {
        let body = "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n一\r\n--b\r\n"
            + "Content-Disposition: form-data; name=\"file\"; filename=\"x.csv\"\r\nContent-Type: text/csv\r\n\r\n1,2\r\n--b--\r\n"
        let form = try FormData.parse(Array(body.utf8), contentType: "multipart/form-data; boundary=b")
        #expect(form["a"] == "一")
        #expect(form.files["file"]?.bytes == Array("1,2".utf8))
        #expect(form.files["file"]?.contentType == "text/csv")
    }

    @Test func aFormOfTooManyFieldsIsRefused() {
        let fields = Array(repeating: "a=1", count: FormData.maximumFields + 1).joined(separator: "&")
        #expect(throws: FormError.self) { try FormData.parse(Array(fields.utf8), contentType: "application/x-www-form-urlencoded") }
        let atLimit = Array(repeating: "a=1", count: FormData.maximumFields).joined(separator: "&")
        #expect((try? FormData.parse(Array(atLimit.utf8), contentType: "application/x-www-form-urlencoded"))?.count == FormData.maximumFields)
        let parts = String(repeating: "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n", count: FormData.maximumFields + 1) + "--b--"
        #expect(throws: FormError.self) { try FormData.parse(Array(parts.utf8), contentType: "multipart/form-data; boundary=b") }
    }

    @Test func aPartWithAnEndlessHeaderIsRefused() {
        let body = "--b\r\nContent-Disposition: form-data; name=\"a\"; x=\"" + String(repeating: "y", count: 20_000) + "\"\r\n\r\n1\r\n--b--\r\n"
        #expect(throws: FormError.self) { try FormData.parse(Array(body.utf8), contentType: "multipart/form-data; boundary=b") }
    }

    /// A boundary of 200 dashes in a body of dashes made the old search compare ~200 bytes at every position; the
    /// search now finds the boundary in one pass, so it returns the same positions a naive search would.
    @Test func theBoundarySearchFindsWhatANaiveSearchFinds() {
        let needle = Array(repeating: UInt8(ascii: "-"), count: 199) + [UInt8(ascii: "x")]
        var hay = Array(repeating: UInt8(ascii: "-"), count: 5_000)
        hay.append(contentsOf: needle)
        hay.append(contentsOf: Array(repeating: UInt8(ascii: "-"), count: 300))
        #expect(FormData.find(needle, in: hay, from: 0) == 5_000)
        #expect(FormData.find(needle, in: hay, from: 5_001) == nil)
        #expect(FormData.find(needle, in: hay, from: 0, before: 5_199) == nil)
        #expect(FormData.find(needle, in: hay, from: 0, before: 5_200) == 5_000)
        #expect(FormData.find([], in: hay, from: 0) == nil)
        #expect(FormData.find(needle, in: [], from: 0) == nil)
    }
}
