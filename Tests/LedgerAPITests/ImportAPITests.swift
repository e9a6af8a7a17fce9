import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerCore
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// POST /api/v1/organizations/:id/imports: a CSV file saved by Excel is imported whole, or not at all.
@Suite struct ImportAPITests {
    static let utf8ByteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// `text` encoded as GBK (what Excel in China saves as "CSV"), through iconv.
    static func gbk(_ text: String) throws -> [UInt8] {
        let handle = try #require(iconv_open("GBK", "UTF-8"), "iconv cannot encode GBK")
        try #require(Int(bitPattern: handle) != -1, "iconv cannot encode GBK")
        defer { iconv_close(handle) }
        var input = Array(text.utf8)
        var output = [UInt8](repeating: 0, count: input.count * 2 + 16)
        let written = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer -> Int in
                var inPointer = UnsafeMutableRawPointer(inBuffer.baseAddress)?.assumingMemoryBound(to: CChar.self)
                var inLeft = inBuffer.count
                var outPointer = UnsafeMutableRawPointer(outBuffer.baseAddress)?.assumingMemoryBound(to: CChar.self)
                var outLeft = outBuffer.count
                guard iconv(handle, &inPointer, &inLeft, &outPointer, &outLeft) != -1, inLeft == 0 else { return -1 }
                return outBuffer.count - outLeft
            }
        }
        try #require(written >= 0, "iconv failed to encode the text as GBK")
        return Array(output[..<written])
    }

    static func upload(_ fixture: APIFixture, _ client: any TestClientProtocol, _ bytes: [UInt8],
                       as account: String = "aStaff") async throws -> TestResponse {
        try await fixture.send(client, .post, "/api/v1/organizations/\(fixture.organizationA.id)/imports", as: account,
                               body: ByteBuffer(bytes: bytes), contentType: "text/csv")
    }

    /// A file of volunteerA's hours on activityA, by volunteer number and activity id, one row per (from, to) hours.
    static func file(_ fixture: APIFixture, hours: [(Int, Int)]) -> String {
        let volunteer = fixture.volunteerA
        let rows = hours.map { from, to in
            "\(volunteer.name),\(volunteer.number),\(fixture.activityA.id),2026-06-10 \(from):00,2026-06-10 \(to):00\r\n"
        }
        return "姓名,志愿者编号,活动编号,开始时间,结束时间\r\n" + rows.joined()
    }

    @Test func aUTF8FileWithAByteOrderMarkImports() async throws {
        let fixture = try await APIFixture.make()
        try await fixture.test { client in
            let bytes = Self.utf8ByteOrderMark + Array(Self.file(fixture, hours: [(12, 14), (14, 15)]).utf8)
            let response = try await Self.upload(fixture, client, bytes)
            #expect(response.status == .created)
            #expect(response.json["encoding"] as? String == "utf8")
            #expect(response.json["imported"] as? Int == 2)
            #expect(response.json["minutesImported"] as? Int == 180)
            #expect(response.json["errorCount"] as? Int == 0)

            let records = try await fixture.send(client, .get, "/api/v1/records?volunteer=\(fixture.volunteerA.id)", as: "aStaff").items
            #expect(records.count == 3)
            #expect(records.filter { $0["source"] as? String == "import" }.map { $0["hours"] as? String } == ["2.00", "1.00"])
        }
    }

    @Test func aGBKFileWithChineseActivityTitleAndIDNumberImports() async throws {
        let fixture = try await APIFixture.make()
        try await fixture.test { client in
            let volunteer = fixture.volunteerA
            let text = """
                姓名,证件号码,活动名称,开始时间,结束时间,服务时长(小时),备注\r
                \(volunteer.name),\(volunteer.documentNumber),\(fixture.activityA.title),2026-06-10 12:00,2026-06-10 14:30,2,敬老院陪护\r

                """
            let bytes = try Self.gbk(text)
            #expect(bytes != Array(text.utf8))
            let response = try await Self.upload(fixture, client, bytes)
            #expect(response.status == .created, "\(String(buffer: response.body))")
            #expect(response.json["encoding"] as? String == "gb18030")
            #expect(response.json["imported"] as? Int == 1)
            #expect(response.json["minutesImported"] as? Int == 120)

            let stored = try await fixture.ledger.store.read { [id = volunteer.id] in
                try $0.records(RecordFilter(volunteerId: id), after: nil, limit: 10)
            }
            #expect(stored.map(\.note).contains("敬老院陪护"))
        }
    }

    @Test func aFileWithBadRowsIsRefusedWholeWithTheirLinesAndColumns() async throws {
        let fixture = try await APIFixture.make()
        try await fixture.test { client in
            let volunteer = fixture.volunteerA
            let activity = fixture.activityA.id
            let text = """
                姓名,志愿者编号,活动编号,开始时间,结束时间
                \(volunteer.name),\(volunteer.number),\(activity),2026-06-10 12:00,2026-06-10 13:00
                \(volunteer.name),\(volunteer.number),\(activity),2026-13-10 14:00,2026-06-10 15:00
                \(volunteer.name),V0000000000,\(activity),2026-06-10 15:00,2026-06-10 16:00

                """
            let before = try await fixture.snapshot()
            let response = try await Self.upload(fixture, client, Array(text.utf8))
            #expect(response.status == .unprocessableContent)
            #expect(response.isProblem)
            #expect(response.problemType == "urn:vledger:problem:import-rejected")
            let report = response.json["report"] as? [String: Any] ?? [:]
            #expect(report["imported"] as? Int == 0)
            #expect(report["errorCount"] as? Int == 2)
            let errors = (report["errors"] as? [[String: Any]] ?? []).map { ($0["line"] as? Int, $0["column"] as? String) }
            #expect(errors.count == 2)
            #expect(errors.first.map { $0.0 == 3 && $0.1 == "开始时间" } == true)
            #expect(errors.last.map { $0.0 == 4 && $0.1 == "志愿者编号" } == true)
            // The valid first row was not stored either.
            #expect(try await fixture.snapshot() == before)
        }
    }

    @Test func importingTheSameFileTwiceIsRefusedAsOverlapping() async throws {
        let fixture = try await APIFixture.make()
        try await fixture.test { client in
            let bytes = Self.utf8ByteOrderMark + Array(Self.file(fixture, hours: [(12, 13), (14, 16)]).utf8)
            #expect(try await Self.upload(fixture, client, bytes).status == .created)
            let afterFirst = try await fixture.snapshot()
            #expect(afterFirst.records.count == 4)

            let again = try await Self.upload(fixture, client, bytes, as: "aAdmin")
            #expect(again.status == .unprocessableContent)
            #expect(again.problemType == "urn:vledger:problem:import-rejected")
            let errors = (again.json["report"] as? [String: Any])?["errors"] as? [[String: Any]] ?? []
            #expect(errors.map { $0["code"] as? String } == ["overlapping-record", "overlapping-record"])
            #expect(errors.map { $0["line"] as? Int } == [2, 3])
            #expect(try await fixture.snapshot() == afterFirst)
        }
    }

    @Test func aFileWithOnlyAHeaderIsRefused() async throws {
        let fixture = try await APIFixture.make()
        try await fixture.test { client in
            let before = try await fixture.snapshot()
            let response = try await Self.upload(fixture, client, Array(Self.file(fixture, hours: []).utf8))
            #expect(response.status == .unprocessableContent)
            #expect(response.json["field"] as? String == "file")
            #expect(try await fixture.snapshot() == before)
        }
    }
}
