import Foundation
import Testing
@testable import LedgerCore

@Suite struct CSVWriterTests {
    private func written(_ rows: [[String]]) -> [UInt8] {
        var writer = CSVWriter()
        for row in rows { writer.writeRow(row) }
        return writer.bytes
    }

    @Test func startsWithByteOrderMarkAndEndsRowsWithCRLF() {
        #expect(written([["姓名", "活动"], ["张三", "敬老院"]])
            == CSVTestSupport.utf8ByteOrderMark + Array("姓名,活动\r\n张三,敬老院\r\n".utf8))
        #expect(CSVWriter().bytes == CSVTestSupport.utf8ByteOrderMark)
    }

    @Test func quotesFieldsWithCommasQuotesAndLineBreaks() {
        let bytes = written([["a,b", "say \"hi\"", "x\ny", "cr\rhere", "plain"]])
        #expect(bytes == CSVTestSupport.utf8ByteOrderMark
            + Array("\"a,b\",\"say \"\"hi\"\"\",\"x\ny\",\"cr\rhere\",plain\r\n".utf8))
    }

    @Test func roundTripGivesBackTheSameFields() throws {
        let rows = [
            ["姓名", "证件号码", "活动", "备注"],
            ["张三", "11010519491231002X", "敬老院, 二楼", "第一行\n第二行"],
            ["李四", "", "说 \"你好\"", "windows\r\nbreak"],
            [" leading", "trailing ", "\u{3000}全角空格\u{3000}", "tab\there"],
            ["-5", "3-4", "a=b", "最后"],
        ]
        let readBack = try CSVTestSupport.rows(written(rows))
        #expect(readBack.map(\.fields) == rows)
        #expect(readBack.map(\.lineNumber) == [1, 2, 4, 6, 7])
    }

    @Test func prefixesFormulaLikeTextWithApostrophe() throws {
        let dangerous = ["=SUM(A1:A9)", "+1+2", "@cmd", "-x", "\tindent", "\rreturn", "=1,2"]
        let readBack = try CSVTestSupport.fields(written([dangerous]))
        #expect(readBack == [dangerous.map { "'" + $0 }])
    }

    @Test func leavesHarmlessTextAlone() throws {
        let harmless = ["-5", "-0.5", "-", "a=b", "1+1", "邮箱@example.com", "'quoted"]
        #expect(try CSVTestSupport.fields(written([harmless])) == [harmless])
        #expect(!CSVWriter.startsLikeFormula("-12"))
        #expect(CSVWriter.startsLikeFormula("-A1"))
    }

    @Test func takeBytesDrainsPagesWithOneByteOrderMark() throws {
        var writer = CSVWriter()
        writer.writeRow(["姓名", "活动"])
        let first = writer.takeBytes()
        #expect(writer.bytes.isEmpty)
        writer.writeRow(["张三", "敬老院"])
        let second = writer.takeBytes()
        #expect(first.starts(with: CSVTestSupport.utf8ByteOrderMark))
        #expect(second == Array("张三,敬老院\r\n".utf8))
        #expect(first + second == written([["姓名", "活动"], ["张三", "敬老院"]]))
    }

    @Test func streamWriterProducesTheSameBytesInChunks() throws {
        let rows = (1...500).map { ["志愿者\($0)", "敬老院, 二楼", "=\($0)"] }
        var chunks: [[UInt8]] = []
        var stream = CSVStreamWriter(bufferSize: 1024) { chunks.append($0) }
        for row in rows { try stream.writeRow(row) }
        try stream.finish()
        #expect(chunks.count > 5)
        #expect(chunks.dropLast().allSatisfy { $0.count >= 1024 && $0.count < 2048 })
        #expect(chunks.flatMap { $0 } == written(rows))
    }

    @Test func streamWriterWritesToAFileHandle() throws {
        let path = try CSVTestSupport.temporaryFile([])
        defer { try? FileManager.default.removeItem(atPath: path) }
        let handle = try #require(FileHandle(forWritingAtPath: path))
        var stream = CSVStreamWriter(fileHandle: handle, bufferSize: 64)
        try stream.writeRow(["姓名", "活动"])
        for index in 1...100 { try stream.writeRow(["志愿者\(index)", "活动\(index)"]) }
        try stream.finish()
        try handle.close()

        var reader = try CSVReader(path: path)
        #expect(reader.encoding == .utf8)
        let rows = try CSVTestSupport.readAll(&reader)
        #expect(rows.count == 101)
        #expect(rows.last?.fields == ["志愿者100", "活动100"])
    }
}
