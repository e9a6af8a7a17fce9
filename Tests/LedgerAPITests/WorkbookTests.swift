import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LedgerCore
import LedgerSpreadsheets
@testable import LedgerWeb
import Testing

/// Excel workbooks: read as Excel stores them (dates as serial numbers), imported from the browser, exported.
@Suite struct WorkbookTests {
    /// 2026-06-`day` `hour`:00 as an Excel date serial.
    static func serial(day: Int, hour: Int) -> Double {
        Double(LocalDate(year: 2026, month: 6, day: day)!.daysSinceEpoch + 25569) + Double(hour) / 24
    }

    @Test func aWorkbookReadsBackAsExcelShowsIt() throws {
        var writer = XLSXWriter()
        writer.writeRow([.text("姓名"), .text("开始时间"), .text("服务时长(小时)")])
        writer.writeRow([.text("<张 & 李>"), .dateTime(Self.serial(day: 10, hour: 13)), .number(2.5)])
        writer.writeRow([.text("=1+1"), .dateTime(Double(LocalDate(year: 2026, month: 6, day: 11)!.daysSinceEpoch + 25569)), .number(3)])
        let rows = try XLSXReader.rows(try writer.bytes())
        #expect(rows == [["姓名", "开始时间", "服务时长(小时)"], ["<张 & 李>", "2026-06-10 13:00", "2.5"], ["=1+1", "2026-06-11", "3"]])
    }

    @Test func somethingElseIsRefusedWithAMessage() {
        #expect(throws: XLSXError.self) { _ = try XLSXReader.rows(Array("PK\u{3}\u{4}not really a zip".utf8)) }
    }

    /// A multipart upload of `bytes` as the import form sends it.
    static func upload(_ bytes: [UInt8], filename: String, csrf: String) -> (ByteBuffer, String) {
        let boundary = "----vledger\(UInt32.random(in: 0...UInt32.max))"
        var body = Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(csrf)\r\n".utf8)
        body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(filename)\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8)
        body += bytes
        body += Array("\r\n--\(boundary)--\r\n".utf8)
        return (ByteBuffer(bytes: body), "multipart/form-data; boundary=\(boundary)")
    }

    @Test func staffImportAWorkbookFromTheBrowserAndExportOne() async throws {
        let fixture = try await APIFixture.make()
        var good = XLSXWriter()
        good.writeRow(["姓名", "志愿者编号", "活动编号", "开始时间", "结束时间"].map { .text($0) })
        good.writeRow([.text(fixture.volunteerA.name), .text(fixture.volunteerA.number), .number(Double(fixture.activityA.id)),
                       .dateTime(Self.serial(day: 10, hour: 13)), .dateTime(Self.serial(day: 10, hour: 15))])
        var bad = good
        bad.writeRow([.text(fixture.volunteerA.name), .text(fixture.volunteerA.number), .number(Double(fixture.activityA.id)),
                      .dateTime(Self.serial(day: 10, hour: 16)), .dateTime(Self.serial(day: 10, hour: 15))])
        let goodBytes = try good.bytes(), badBytes = try bad.bytes()
        try await fixture.test { client in
            var browser = WebSessionTests.Browser()
            _ = try await browser.logIn(client, "aStaff")
            _ = try await browser.get(client, "/org/import")

            // Row 3 ends before it starts: refused whole, the row named as Excel numbers it.
            let before = try await fixture.snapshot()
            let (badBody, badType) = Self.upload(badBytes, filename: "hours.xlsx", csrf: browser.csrf)
            var headers = browser.headers
            headers[.contentType] = badType
            let refused = try await Self.finished(client, &browser, try await client.execute(uri: "/org/import", method: .post, headers: headers, body: badBody))
            #expect(refused.status == .unprocessableContent)
            let refusedPage = String(buffer: refused.body)
            #expect(refusedPage.contains("id=\"import-errors\""))
            #expect(refusedPage.contains("<td>3</td>"))
            #expect(try await fixture.snapshot() == before)

            let (goodBody, goodType) = Self.upload(goodBytes, filename: "hours.xlsx", csrf: browser.csrf)
            headers[.contentType] = goodType
            let imported = try await Self.finished(client, &browser, try await client.execute(uri: "/org/import", method: .post, headers: headers, body: goodBody))
            #expect(imported.status == .ok)
            #expect(String(buffer: imported.body).contains("id=\"import-result\""))

            let export = try await browser.get(client, "/org/records.xlsx")
            #expect(export.status == .ok)
            let rows = try XLSXReader.rows(Array(buffer: export.body))
            #expect(rows.first?.first == "记录编号 record_id")
            #expect(rows.count == 3, "header, the fixture's record and the imported one")
            #expect(rows.contains { $0.contains("2026-06-10 13:00") })
        }
    }

    /// An upload answers 303 to its job's page; the page of the finished job, polled as the browser would.
    static func finished(_ client: any TestClientProtocol, _ browser: inout WebSessionTests.Browser,
                         _ started: TestResponse) async throws -> TestResponse {
        #expect(started.status == .seeOther)
        let location = try #require(started.headers[.location])
        #expect(location.hasPrefix("/org/import/jobs/"))
        for _ in 0..<400 {
            let page = try await browser.get(client, location)
            if !String(buffer: page.body).contains("id=\"import-running\"") { return page }
            let progress = try await browser.get(client, location + "/progress")
            #expect(progress.headers[.contentType] == "application/json")
            try await Task.sleep(for: .milliseconds(25))
        }
        Issue.record("the import did not finish")
        return started
    }

    @Test func aJobPageIsOnlyForItsOwnOrganizationAndShowsProgressWhileRunning() async throws {
        let fixture = try await APIFixture.make()
        // 20,000 rows, all bad (unknown volunteer number), so the import runs a while and stores nothing.
        var csv = "姓名,志愿者编号,活动编号,开始时间,结束时间\n"
        for index in 0..<20_000 { csv += "某人,V\(index),\(fixture.activityA.id),2026-06-10 13:00,2026-06-10 14:00\n" }
        let file = Array(csv.utf8)
        #expect(ImportJobs.rowEstimate(file) == 20_000)
        try await fixture.test { client in
            var browser = WebSessionTests.Browser()
            _ = try await browser.logIn(client, "aStaff")
            _ = try await browser.get(client, "/org/import")
            let (body, type) = Self.upload(file, filename: "big.csv", csrf: browser.csrf)
            var headers = browser.headers
            headers[.contentType] = type
            let started = try await client.execute(uri: "/org/import", method: .post, headers: headers, body: body)
            let location = try #require(started.headers[.location])
            let first = String(buffer: try await browser.get(client, location).body)
            if first.contains("id=\"import-running\"") {
                #expect(first.contains("http-equiv=\"refresh\""), "the page refreshes itself without script")
                #expect(first.contains("20000"))
            }
            var other = WebSessionTests.Browser()
            _ = try await other.logIn(client, "bStaff")
            #expect(try await other.get(client, location).status == .notFound)
            #expect(try await other.get(client, location + "/progress").status == .notFound)
            let done = try await Self.finished(client, &browser, started)
            #expect(done.status == .unprocessableContent)
            #expect(String(buffer: done.body).contains("id=\"import-errors\""))
            #expect(String(buffer: done.body).contains("+19800"), "200 rows listed, the rest counted")
        }
    }
}
