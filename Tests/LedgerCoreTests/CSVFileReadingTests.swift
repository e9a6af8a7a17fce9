import Foundation
import Testing
@testable import LedgerCore

@Suite struct CSVFileReadingTests {
    @Test func readsAGBKFileInChunksReportingProgress() throws {
        var text = "姓名,证件号码,活动,开始时间,结束时间\r\n"
        let rowCount = 20_000
        for index in 1...rowCount {
            text += "志愿者\(index),11010519491231002X,社区敬老院服务,2026-03-01 09:00,2026-03-01 11:30\r\n"
        }
        let bytes = CSVTestSupport.gbk(text)
        let path = try CSVTestSupport.temporaryFile(bytes)
        defer { try? FileManager.default.removeItem(atPath: path) }

        var reader = try CSVReader(path: path)
        #expect(reader.encoding == .gb18030)
        #expect(reader.totalBytes == bytes.count)
        let header = try reader.next()
        #expect(header?.fields.first == "姓名")
        // Only the first chunks have been read, not the whole file.
        #expect(reader.bytesRead <= 2 * 64 * 1024)
        #expect(reader.bytesRead < bytes.count)

        var last: CSVRow?
        var count = 0
        var previousProgress = reader.bytesRead
        while let row = try reader.next() {
            #expect(reader.bytesRead >= previousProgress)
            previousProgress = reader.bytesRead
            last = row
            count += 1
        }
        #expect(count == rowCount)
        #expect(last?.fields == ["志愿者\(rowCount)", "11010519491231002X", "社区敬老院服务", "2026-03-01 09:00", "2026-03-01 11:30"])
        #expect(last?.lineNumber == rowCount + 1)
        #expect(reader.bytesRead == bytes.count)
    }

    @Test func readsUTF16FileFromPath() throws {
        let bytes: [UInt8] = [0xFF, 0xFE] + CSVTestSupport.encode("姓名\t活动\r\n张三\t敬老院\r\n", as: "UTF-16LE")
        let path = try CSVTestSupport.temporaryFile(bytes, suffix: ".txt")
        defer { try? FileManager.default.removeItem(atPath: path) }
        var reader = try CSVReader(path: path)
        #expect(reader.delimiter == "\t")
        #expect(try CSVTestSupport.readAll(&reader).map(\.fields) == [["姓名", "活动"], ["张三", "敬老院"]])
    }
}
