import Testing
@testable import LedgerCore

/// Issue 12, defects 2 and 3: a header or line too big is refused early with a short message, and a
/// UTF-8 file with one bad byte is reported at that byte's line, not as GBK on line 1.
@Suite struct CSVLimitTests {
    @Test func aLineLongerThanTheLimitIsRefusedNamingTheLine() throws {
        let long = String(repeating: "x", count: CSVRowParser.maxRowBytes + 10)
        var reader = try CSVReader(bytes: Array("a,b\n1,\(long)\n3,4\n".utf8), chunkSize: 4096)
        let result = CSVTestSupport.rowsUntilError(&reader)
        #expect(result.rows.map(\.fields) == [["a", "b"]])
        #expect(result.error == .lineTooLong(line: 2, limit: CSVRowParser.maxRowBytes))
        #expect(result.error?.description.contains("line 2") == true)
    }

    @Test func aHugeHeaderStopsAtTheLimitWithoutReadingTheWholeLine() throws {
        // 5 MB of header: the reader must give up after the first 64 KB and a chunk, not buffer it all.
        let header = String(repeating: "列", count: 2_000_000)
        var reader = try CSVReader(bytes: Array((header + "\n").utf8))
        #expect(throws: CSVError.lineTooLong(line: 1, limit: CSVRowParser.maxRowBytes)) { _ = try reader.next() }
        #expect(reader.bytesRead < 2 << 20)
    }

    @Test func aLongLastLineWithoutLineBreakIsRefused() throws {
        let long = String(repeating: "y", count: CSVRowParser.maxRowBytes + 1)
        var reader = try CSVReader(bytes: Array("a,b\n\"\(long)\"".utf8), chunkSize: 1 << 20)
        let result = CSVTestSupport.rowsUntilError(&reader)
        #expect(result.error == .lineTooLong(line: 2, limit: CSVRowParser.maxRowBytes))
    }

    @Test func tooManyColumnsAreRefusedNamingTheLine() throws {
        let wide = Array(repeating: "1", count: CSVRowParser.maxColumns + 1).joined(separator: ",")
        var reader = try CSVReader(bytes: Array("a,b\n1,2\n\(wide)\n".utf8))
        let result = CSVTestSupport.rowsUntilError(&reader)
        #expect(result.rows.count == 2)
        #expect(result.error == .tooManyColumns(line: 3, limit: CSVRowParser.maxColumns))
    }

    @Test func exactlyTheColumnLimitIsAccepted() throws {
        let wide = Array(repeating: "1", count: CSVRowParser.maxColumns).joined(separator: ",")
        let rows = try CSVTestSupport.rows(Array("\(wide)\n".utf8))
        #expect(rows.first?.fields.count == CSVRowParser.maxColumns)
    }

    @Test func aUTF8FileWithABadByteOnLineTwoIsReportedAtLineTwo() throws {
        // The reported case: a Chinese UTF-8 header, then a bad byte on the next line.
        let bytes = Array("姓名,证件号码,活动,开始时间,结束时间\n".utf8) + [0xFF, 0xFE] + Array("张三,1,2,3,4\n".utf8)
        var reader = try CSVReader(bytes: bytes)
        #expect(reader.encoding == .utf8)
        let result = CSVTestSupport.rowsUntilError(&reader)
        #expect(result.rows.count == 1)
        #expect(result.error == .invalidEncoding(line: 2, encoding: .utf8))
    }

    @Test func aGBKFileIsStillReadAsGBK() throws {
        let bytes = CSVTestSupport.gbk("姓名,证件号码,活动,开始时间,结束时间\r\n张三,110101199001011234,敬老院,2026-03-01 09:00,2026-03-01 11:00\r\n")
        var reader = try CSVReader(bytes: bytes)
        #expect(reader.encoding == .gb18030)
        #expect(try reader.next()?.fields.first == "姓名")
    }

    @Test func unknownColumnsAreQuotedShortly() {
        let headers = (1...50).map { "未知列\($0)" + String(repeating: "长", count: 1000) }
        let message = RecordImportHeaderError.unknownColumns(headers).description
        #expect(message.count < 1000)
        #expect(message.contains("未知列1"))
        #expect(message.contains("and 45 more"))
        #expect(!message.contains(String(repeating: "长", count: 40)))
    }
}
