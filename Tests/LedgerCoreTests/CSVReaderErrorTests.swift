import Testing
@testable import LedgerCore

@Suite struct CSVReaderErrorTests {
    @Test func invalidUTF8InTheMiddleOfASmallFileNamesTheLine() throws {
        let bytes = Array("姓名,活动\n张三,敬老院\n".utf8) + [0x4C, 0x69, 0xFF, 0x2C, 0x31, 0x0A] + Array("王五,2\n".utf8)
        var reader = try CSVReader(bytes: bytes, chunkSize: 5, detectionSampleSize: 8)
        #expect(reader.encoding == .utf8)
        let result = CSVTestSupport.rowsUntilError(&reader)
        #expect(result.rows.map(\.fields) == [["姓名", "活动"], ["张三", "敬老院"]])
        #expect(result.error == .invalidEncoding(line: 3, encoding: .utf8))
    }

    @Test func invalidUTF8PastTheDetectionSampleNamesTheLine() throws {
        var text = "姓名,活动,开始时间\n"
        for index in 2...3000 { text += "志愿者\(index),敬老院,2026-03-01 09:00\n" }
        var bytes = Array(text.utf8)
        // Corrupt line 2500, well past the 64 KiB detection sample, with a lone continuation byte.
        let lineStart = bytes.indices.filter { $0 == 0 || bytes[$0 - 1] == 0x0A }[2499]
        #expect(lineStart > 64 * 1024)
        bytes.insert(0x80, at: lineStart + 3)
        var reader = try CSVReader(bytes: bytes)
        #expect(reader.encoding == .utf8)
        let result = CSVTestSupport.rowsUntilError(&reader)
        #expect(result.rows.count == 2499)
        #expect(result.error == .invalidEncoding(line: 2500, encoding: .utf8))
    }

    @Test func utf8TruncatedAtEndOfFileIsAnError() throws {
        let bytes = Array("a,b\n张三,".utf8) + [0xE6, 0x95]
        var reader = try CSVReader(bytes: bytes)
        #expect(CSVTestSupport.rowsUntilError(&reader).error == .invalidEncoding(line: 2, encoding: .utf8))
    }

    @Test func invalidGBKBytesNameTheLine() throws {
        let bytes = CSVTestSupport.gbk("姓名,活动\r\n张三,敬老院\r\n李四,") + [0xFF, 0xFF] + CSVTestSupport.gbk("\r\n")
        var reader = try CSVReader(bytes: bytes, chunkSize: 4)
        #expect(reader.encoding == .gb18030)
        let result = CSVTestSupport.rowsUntilError(&reader)
        #expect(result.rows.count == 2)
        #expect(result.error == .invalidEncoding(line: 3, encoding: .gb18030))
        #expect(result.error?.lineNumber == 3)
    }

    @Test func gbkLeadByteAtEndOfFileIsAnError() throws {
        let bytes = CSVTestSupport.gbk("张三,1\n李四,") + [0xD5]
        var reader = try CSVReader(bytes: bytes)
        #expect(reader.encoding == .gb18030)
        #expect(CSVTestSupport.rowsUntilError(&reader).error == .invalidEncoding(line: 2, encoding: .gb18030))
    }

    @Test func unterminatedQuoteNamesTheLineWhereTheFieldStarted() throws {
        var reader = try CSVReader(bytes: Array("a,b\n1,2\n3,\"never closed\n4,5\n6,7\n".utf8))
        let result = CSVTestSupport.rowsUntilError(&reader)
        #expect(result.rows.map(\.fields) == [["a", "b"], ["1", "2"]])
        #expect(result.error == .unterminatedQuote(line: 3))
        #expect(result.error?.lineNumber == 3)
    }

    @Test func missingFileIsUnreadable() {
        let path = "/nonexistent/\(Int.random(in: 0...1_000_000)).csv"
        #expect {
            _ = try CSVReader(path: path)
        } throws: { error in
            guard case let .unreadableFile(failedPath, reason) = error as? CSVError else { return false }
            return failedPath == path && reason.contains("No such file") && (error as? CSVError)?.lineNumber == nil
        }
    }

    @Test func directoryIsUnreadable() {
        #expect(throws: CSVError.self) { _ = try CSVReader(path: "/tmp") }
    }

    @Test func messagesAreBilingual() {
        let invalid = CSVError.invalidEncoding(line: 12, encoding: .utf8).description
        #expect(invalid.contains("第 12 行") && invalid.contains("line 12") && invalid.contains("UTF-8"))
        let gbk = CSVError.invalidEncoding(line: 7, encoding: .gb18030).description
        #expect(gbk.contains("第 7 行") && gbk.contains("line 7") && gbk.contains("GBK"))
        let quote = CSVError.unterminatedQuote(line: 3).description
        #expect(quote.contains("第 3 行") && quote.contains("line 3") && quote.contains("quote"))
        let file = CSVError.unreadableFile(path: "/x.csv", reason: "Permission denied").description
        #expect(file.contains("无法读取") && file.contains("cannot read") && file.contains("/x.csv"))
    }
}
