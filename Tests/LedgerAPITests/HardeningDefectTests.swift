import Foundation
import Hummingbird
import HummingbirdTesting
@testable import LedgerAPI
import LedgerCore
import Testing

/// Issue 12, defects 1 to 6: each found by an attacker's or an operator's hand, each a regression test.
@Suite struct HardeningDefectTests {
    static let header = "姓名,证件号码,活动,开始时间,结束时间\n"

    // MARK: 1. Undecodable files are a 4xx naming the line, never a 500

    @Test func aHeaderThatCannotBeDecodedIsA422NamingTheEncodingAndTheLine() async throws {
        let f = try await APIFixture.make()
        try await f.test { client in
            let before = try await f.snapshot()
            for bytes: [UInt8] in [[0xFF, 0xFF, 0xFE, 0x0A, 0x31, 0x0A], [0x81, 0x2C, 0xFF, 0x00, 0xC3, 0x28, 0x0A]] {
                let response = try await ImportAPITests.upload(f, client, bytes)
                #expect(response.status == .unprocessableContent)
                #expect(response.json["type"] as? String == "urn:vledger:problem:unreadable-file")
                let detail = try #require(response.json["detail"] as? String)
                #expect(detail.contains("line 1") && detail.contains("GBK"), "\(detail)")
            }
            #expect(try await f.snapshot() == before)
        }
    }

    @Test func theReportedFileIsRefusedNamingLineTwoAsUTF8() async throws {
        let f = try await APIFixture.make()
        try await f.test { client in
            let bytes = Array(Self.header.utf8) + [0xFF, 0xFE] + Array("\n".utf8)
            let response = try await ImportAPITests.upload(f, client, bytes)
            #expect(response.status == .unprocessableContent)
            let report = try #require(response.json["report"] as? [String: Any])
            let error = try #require((report["errors"] as? [[String: Any]])?.first)
            #expect(error["line"] as? Int == 2)
            #expect(error["code"] as? String == "unreadable-file")
            #expect((error["message"] as? String)?.contains("UTF-8") == true)
        }
    }

    // MARK: 2. Short excerpts, size and line limits

    @Test func aHugeHeaderGetsAShortErrorQuickly() async throws {
        let f = try await APIFixture.make()
        try await f.test { client in
            let header = Array(repeating: "未知的列", count: 400_000).joined(separator: ",") + "\n"
            let response = try await ImportAPITests.upload(f, client, Array(header.utf8))
            #expect(response.status == .unprocessableContent)
            #expect(response.body.readableBytes < 4096, "\(response.body.readableBytes) bytes of error")
            #expect((response.json["detail"] as? String)?.contains("line 1") == true)
        }
    }

    @Test func manyUnknownColumnsAreQuotedInAShortMessage() async throws {
        let f = try await APIFixture.make()
        try await f.test { client in
            let header = (1...300).map { "未知列\($0)" }.joined(separator: ",") + "\n"
            let response = try await ImportAPITests.upload(f, client, Array(header.utf8))
            #expect(response.status == .unprocessableContent)
            #expect(response.body.readableBytes < 4096)
            #expect((response.json["detail"] as? String)?.contains("and 295 more") == true)
        }
    }

    @Test func anUploadAboveTheLimitIsRefusedAs413() async throws {
        var body = ByteBuffer()
        body.writeRepeatingByte(0x41, count: 3000)
        await #expect(throws: LedgerError.uploadTooLarge(limitBytes: 2048)) {
            _ = try await ImportExportRoutes.spool(RequestBody(buffer: body), limit: 2048)
        }
        #expect(LedgerError.uploadTooLarge(limitBytes: 2048).httpStatus == .contentTooLarge)
        #expect(ImportExportRoutes.maxUploadBytes == ImportLimits.maxFileBytes)
        let path = try await ImportExportRoutes.spool(RequestBody(buffer: body), limit: 4096)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)).count == 3000)
    }

    // MARK: 4. Dates in a sane range, offsets in whole minutes

    @Test(arguments: ["1062-01-01T09:00:00+08:00", "1900-01-01T09:00:00+08:00", "9999-01-01T09:00:00+08:00"])
    func absurdActivityDatesAreRefused(_ start: String) async throws {
        let f = try await APIFixture.make()
        try await f.test { client in
            let body = """
                {"title":"古代活动","content":"内容","category":"community_service","place":"某地","leader":"王",
                 "start":"\(start)","end":"2026-06-01T10:00:00+08:00"}
                """
            let response = try await f.send(client, .post, "/api/v1/organizations/\(f.organizationA.id)/activities", as: "aStaff",
                                            body: ByteBuffer(string: body))
            #expect(response.status == .unprocessableContent, "\(start): \(response.status)")
            #expect(response.json["field"] as? String == "start" || response.json["field"] as? String == "end")
        }
    }

    @Test func absurdCertificatePeriodsAreRefused() async throws {
        let f = try await APIFixture.make()
        try await f.test { client in
            let response = try await f.send(client, .post, "/api/v1/certificates", as: "volunteerA", body: ByteBuffer(string: """
                {"volunteerId":\(f.volunteerA.id),"from":"1062-01-01","to":"2026-12-31"}
                """))
            #expect(response.status == .unprocessableContent)
            #expect(response.json["field"] as? String == "from")
            let summary = try await f.send(client, .get, "/api/v1/volunteers/\(f.volunteerA.id)/summary?from=0001-01-01", as: "volunteerA")
            #expect(summary.status == .unprocessableContent)
        }
    }

    @Test func offsetsAreWrittenInWholeMinutes() throws {
        let shanghai = try #require(TimeZone(identifier: "Asia/Shanghai"))
        // Before 1901 Shanghai kept local mean time, +08:05:43.
        let old = Date(timeIntervalSince1970: -2_208_988_800)  // 1900-01-01T00:00:00Z
        let text = RFC3339.string(old, in: shanghai)
        #expect(text.range(of: #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$"#, options: .regularExpression) != nil, "\(text)")
        #expect(text == "1900-01-01T08:06:00+08:06")
        #expect(RFC3339.string(Date(timeIntervalSince1970: 1_781_053_200), in: shanghai) == "2026-06-10T09:00:00+08:00")
        #expect(RFC3339.string(Date(timeIntervalSince1970: 1_781_053_200), in: try #require(TimeZone(identifier: "UTC"))) == "2026-06-10T01:00:00Z")
        #expect(RFC3339.string(Date(timeIntervalSince1970: 1_781_053_200), in: try #require(TimeZone(identifier: "America/St_Johns"))) == "2026-06-09T22:30:00-02:30")
    }

    // MARK: 5. Verification pages: bounded tokens, no caching of invalid ones, a cache bounded in bytes

    @Test func invalidTokensAreNotCachedAndTheCacheIsBoundedInBytes() async throws {
        let (f, issued) = try await VerificationPageTests.issued()
        let pages = RenderedPages(capacityBytes: 40_000)
        let invalid = try await f.ledger.verifyCertificate(token: String(repeating: "eyJh", count: 15_000))
        #expect(invalid.status == .invalid)
        for index in 0..<50 {
            _ = pages.page(for: "junk\(index)" + String(repeating: "x", count: 60_000), invalid) { ByteBuffer(string: "page") }
        }
        #expect(pages.bytesHeld == 0)
        let valid = try await f.ledger.verifyCertificate(token: issued.certificate.token)
        var renders = 0
        for _ in 0..<3 {
            _ = pages.page(for: issued.certificate.token, valid) { renders += 1; return ByteBuffer(string: String(repeating: "p", count: 6000)) }
        }
        #expect(renders == 1, "a valid token's page is reused")
        for index in 0..<20 {
            _ = pages.page(for: "token\(index)", valid) { ByteBuffer(string: String(repeating: "p", count: 6000)) }
            #expect(pages.bytesHeld <= 40_000)
        }
        #expect(pages.bytesHeld > 0)
    }

    @Test func aTokenOverOneKilobyteIsMalformed() async throws {
        let (f, issued) = try await VerificationPageTests.issued()
        let padded = issued.certificate.token + String(repeating: "A", count: 1100 - issued.certificate.token.count)
        let result = try await f.ledger.verifyCertificate(token: padded)
        #expect(result.status == .invalid && result.reason == .malformed)
        #expect(issued.certificate.token.utf8.count < Ledger.maxTokenLength)
    }

    @Test func loggedPathsAreTruncated() {
        let path = "/v/" + String(repeating: "e", count: 64 * 1024)
        let logged = RequestLogMiddleware<LedgerRequestContext>.loggedPath(path)
        #expect(logged.utf8.count < 300)
        #expect(logged.hasSuffix("…(65539 bytes)"))
        #expect(RequestLogMiddleware<LedgerRequestContext>.loggedPath("/org") == "/org")
    }
}
