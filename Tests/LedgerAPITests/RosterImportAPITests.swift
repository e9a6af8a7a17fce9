import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LedgerCore
import LedgerSpreadsheets
@testable import LedgerWeb
import Testing

/// Rosters of volunteers (花名册) as Excel saves them, through POST /api/v1/organizations/{id}/volunteer-imports and
/// the page /org/volunteers/import: GBK, UTF-16 and UTF-8 CSV and workbooks, refused whole with the rows named.
@Suite struct RosterImportAPITests {
    static let header = "姓名,证件号码,性别,出生日期,手机号码,居住区域,技能特长,服务类别"

    static func row(_ n: Int, name: String? = nil) -> String {
        "\(name ?? "花名\(n)"),\(Factory.residentID(40 + n)),,,1380000\(String(format: "%04d", n)),西湖区,急救,社区服务"
    }

    static func upload(_ fixture: APIFixture, _ client: any TestClientProtocol, _ bytes: [UInt8], as account: String = "aStaff",
                       organization: Int64? = nil) async throws -> TestResponse {
        try await fixture.send(client, .post, "/api/v1/organizations/\(organization ?? fixture.organizationA.id)/volunteer-imports",
                               as: account, body: ByteBuffer(bytes: bytes), contentType: "text/csv")
    }

    func memberNames(_ fixture: APIFixture) async throws -> Set<String> {
        Set(try await fixture.ledger.members(organizationId: fixture.organizationA.id, after: nil, limit: 500, by: .localOperator).items.map(\.name))
    }

    @Test func gbkUTF16AndUTF8RostersImportAsExcelSavesThem() async throws {
        let fixture = try await APIFixture.make()
        try await fixture.test { client in
            let gbk = try ImportAPITests.gbk(Self.header + "\r\n" + Self.row(1) + "\r\n")
            let utf16 = [UInt8]([0xFF, 0xFE]) + Array((Self.header + "\r\n" + Self.row(2) + "\r\n").data(using: .utf16LittleEndian)!)
            let tabbed16 = [UInt8]([0xFF, 0xFE]) + Array((Self.header.replacingOccurrences(of: ",", with: "\t") + "\r\n"
                + Self.row(3).replacingOccurrences(of: ",", with: "\t") + "\r\n").data(using: .utf16LittleEndian)!)
            let utf8 = ImportAPITests.utf8ByteOrderMark + Array(("name,document_number,phone\n" + "花名4,\(Factory.residentID(44)),13800000004\n").utf8)
            for (bytes, encoding) in [(gbk, "gb18030"), (utf16, "utf16LittleEndian"), (tabbed16, "utf16LittleEndian"), (utf8, "utf8")] {
                let response = try await Self.upload(fixture, client, bytes)
                #expect(response.status == .created, "\(encoding): \(String(buffer: response.body).prefix(400))")
                #expect(response.json["encoding"] as? String == encoding)
                #expect(response.json["volunteersRegistered"] as? Int == 1)
            }
            #expect(try await memberNames(fixture).isSuperset(of: ["花名1", "花名2", "花名3", "花名4"]))
            // Skills and categories of the GBK row, read as Chinese text.
            let member = try #require(try await fixture.ledger.members(organizationId: fixture.organizationA.id, after: nil, limit: 500,
                                                                       by: .localOperator).items.first { $0.name == "花名1" })
            #expect(member.skills == ["急救"] && member.serviceCategories == [.communityService] && member.residenceArea == "西湖区")

            // Again: every one a member already, reported, nothing changed (200, not an error).
            let before = try await fixture.snapshot()
            let again = try await Self.upload(fixture, client, gbk)
            #expect(again.status == .ok)
            #expect(again.json["alreadyMembers"] as? Int == 1)
            #expect(try await fixture.snapshot() == before)
        }
    }

    @Test func aBadRowRefusesTheRosterWholeAndOnlyStaffOfTheOrganizationMayImport() async throws {
        let fixture = try await APIFixture.make()
        try await fixture.test { client in
            let before = try await fixture.snapshot()
            let csv = Self.header + "\n" + Self.row(1) + "\n" + Self.row(2, name: "") + "\n" + Self.row(1, name: "花名1") + "\n"
            let refused = try await Self.upload(fixture, client, Array(csv.utf8))
            #expect(refused.status == .unprocessableContent)
            #expect(refused.problemType == "urn:vledger:problem:import-rejected")
            let report = try #require(refused.json["report"] as? [String: Any])
            let errors = try #require(report["errors"] as? [[String: Any]])
            #expect(errors.map { $0["line"] as? Int } == [3, 4])
            #expect(errors.map { $0["column"] as? String } == ["姓名", "证件号码"])
            #expect((errors[1]["message"] as? String)?.contains("第 2 行") == true)
            #expect(try await fixture.snapshot() == before)

            let other = try await Self.upload(fixture, client, Array((Self.header + "\n" + Self.row(5) + "\n").utf8), as: "bStaff")
            #expect(other.status == .forbidden)
            #expect(try await fixture.snapshot() == before)
        }
    }

    /// An upload answers 303 to its job's page; the page of the finished job, polled as the browser would.
    static func finished(_ client: any TestClientProtocol, _ browser: inout WebSessionTests.Browser,
                         _ started: TestResponse) async throws -> (page: TestResponse, location: String) {
        #expect(started.status == .seeOther)
        let location = try #require(started.headers[.location])
        #expect(location.hasPrefix("/org/volunteers/import/jobs/"))
        for _ in 0..<400 {
            let page = try await browser.get(client, location)
            if !String(buffer: page.body).contains("id=\"import-running\"") { return (page, location) }
            try await Task.sleep(for: .milliseconds(25))
        }
        Issue.record("the import did not finish")
        return (started, location)
    }

    @Test func twentyThousandRowsFromTheBrowserRunAsAJobWithProgress() async throws {
        let fixture = try await APIFixture.make()
        var csv = Self.header + "\n"
        for n in 0..<20_000 {
            // Distinct resident IDs: birth dates from 1970-01-01 on, 500 sequence numbers each.
            let birth = LocalDate(year: 1970, month: 1, day: 1)!.adding(days: n / 500).description.replacingOccurrences(of: "-", with: "")
            let body = "110105" + birth + String(format: "%03d", n % 500)
            csv += "名单\(n),\(body + String(ResidentIDNumber.checkCharacter(for: body)!)),,,139\(String(format: "%08d", n)),,,\n"
        }
        let file = Array(csv.utf8)
        try await fixture.test { client in
            var browser = WebSessionTests.Browser()
            _ = try await browser.logIn(client, "aStaff")
            _ = try await browser.get(client, "/org/volunteers/import")
            let (body, type) = WorkbookTests.upload(file, filename: "big.csv", csrf: browser.csrf)
            var fields = browser.headers
            fields[.contentType] = type
            let started = try await client.execute(uri: "/org/volunteers/import", method: .post, headers: fields, body: body)
            let location = try #require(started.headers[.location])
            let progress = try await browser.get(client, location + "/progress")
            let state = progress.body.jsonObject
            #expect(state["totalRows"] as? Int == 20_000 || state["running"] as? Bool == false, "\(state)")
            let (done, _) = try await Self.finished(client, &browser, started)
            #expect(done.status == .ok)
            #expect(String(buffer: done.body).contains("id=\"roster-registered\">20000<"))
            let members = try await fixture.ledger.members(organizationId: fixture.organizationA.id, after: nil, limit: 500,
                                                           by: .localOperator)
            #expect(members.items.count == 500 && members.nextAfter != nil)
        }
    }

    @Test func aWorkbookFromTheTemplateImportsFromTheBrowser() async throws {
        let fixture = try await APIFixture.make()
        try await fixture.test { client in
            var browser = WebSessionTests.Browser()
            _ = try await browser.logIn(client, "aStaff")
            let page = try await browser.get(client, "/org/volunteers/import")
            #expect(page.status == .ok)
            #expect(String(buffer: page.body).contains("/org/volunteers/import/template.xlsx"))

            // The templates: Chinese headers, the CSV with a byte order mark for Excel.
            let template = try await browser.get(client, "/org/volunteers/import/template.xlsx")
            let headers = try XLSXReader.rows(Array(buffer: template.body))
            #expect(headers == [["姓名", "证件类型", "证件号码", "性别", "出生日期", "手机号码", "居住区域", "技能特长", "服务类别"]])
            let csvTemplate = try await browser.get(client, "/org/volunteers/import/template.csv")
            #expect(Array(buffer: csvTemplate.body).starts(with: ImportAPITests.utf8ByteOrderMark + Array("姓名,证件类型".utf8)))

            // The template filled in Excel: a passport holder's birth date typed as a date.
            var workbook = XLSXWriter()
            workbook.writeRow(headers[0].map { .text($0) })
            workbook.writeRow([.text("表格甲"), .text("居民身份证"), .text(Factory.residentID(71)), .text(""), .text(""), .number(13800000071),
                               .text(""), .text(""), .text("")])
            workbook.writeRow([.text("表格乙"), .text("护照"), .text("G12345678"), .text("女"),
                               .dateTime(Double(LocalDate(year: 1991, month: 2, day: 3)!.daysSinceEpoch + 25569)), .number(13800000072),
                               .text(""), .text(""), .text("")])
            let (body, type) = WorkbookTests.upload(try workbook.bytes(), filename: "花名册.xlsx", csrf: browser.csrf)
            var fields = browser.headers
            fields[.contentType] = type
            let (done, location) = try await Self.finished(client, &browser,
                try await client.execute(uri: "/org/volunteers/import", method: .post, headers: fields, body: body))
            let text = String(buffer: done.body)
            #expect(done.status == .ok, "\(text.prefix(2000))")
            #expect(text.contains("id=\"roster-registered\">2<"))
            #expect(try await memberNames(fixture).isSuperset(of: ["表格甲", "表格乙"]))
            // The job is the roster page's: the records page does not show it, nor another organization's staff.
            let jobId = String(location.split(separator: "/").last!)
            #expect(try await browser.get(client, "/org/import/jobs/\(jobId)").status == .notFound)
            var other = WebSessionTests.Browser()
            _ = try await other.logIn(client, "bStaff")
            #expect(try await other.get(client, location).status == .notFound)
        }
    }
}
