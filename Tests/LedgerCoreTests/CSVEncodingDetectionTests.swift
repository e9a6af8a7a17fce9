import Testing
@testable import LedgerCore

@Suite struct CSVEncodingDetectionTests {
    @Test func utf8WithoutByteOrderMark() throws {
        var reader = try CSVReader(bytes: Array("姓名,活动\n张三,敬老院\n".utf8))
        #expect(reader.encoding == .utf8)
        #expect(try CSVTestSupport.readAll(&reader).map(\.fields) == [["姓名", "活动"], ["张三", "敬老院"]])
    }

    @Test func utf8ByteOrderMarkIsStripped() throws {
        var reader = try CSVReader(bytes: CSVTestSupport.utf8ByteOrderMark + Array("姓名,活动\r\n张三,敬老院\r\n".utf8))
        #expect(reader.encoding == .utf8)
        let rows = try CSVTestSupport.readAll(&reader)
        #expect(rows.first?.fields.first == "姓名")
        #expect(rows.map(\.fields) == [["姓名", "活动"], ["张三", "敬老院"]])
    }

    @Test func asciiOnlyIsUTF8() throws {
        let reader = try CSVReader(bytes: Array("name,activity\n".utf8))
        #expect(reader.encoding == .utf8)
    }

    @Test func hardCodedGBKBytesAreDetectedAsGB18030() throws {
        // "张三,敬老院" as Excel in China saves it: 张 = D5 C5, 三 = C8 FD.
        let bytes: [UInt8] = [0xD5, 0xC5, 0xC8, 0xFD, 0x2C, 0xBE, 0xB4, 0xC0, 0xCF, 0xD4, 0xBA]
        #expect(CSVTestSupport.gbk("张三,敬老院") == bytes)
        var reader = try CSVReader(bytes: bytes)
        #expect(reader.encoding == .gb18030)
        #expect(try CSVTestSupport.readAll(&reader).map(\.fields) == [["张三", "敬老院"]])
    }

    @Test func gb18030FourByteCharacterDecodes() throws {
        let bytes = CSVTestSupport.encode("姓名,备注\r\n吉𠮷,好\r\n", as: "GB18030")
        var reader = try CSVReader(bytes: bytes)
        #expect(reader.encoding == .gb18030)
        #expect(try CSVTestSupport.readAll(&reader).map(\.fields) == [["姓名", "备注"], ["吉𠮷", "好"]])
    }

    @Test func utf16LittleEndianWithByteOrderMarkAndTabs() throws {
        // Excel "Unicode text": UTF-16LE with a byte order mark, tab-separated, CRLF.
        let bytes: [UInt8] = [0xFF, 0xFE] + CSVTestSupport.encode("姓名\t活动\r\n张三\t敬老院, 二楼\r\n", as: "UTF-16LE")
        var reader = try CSVReader(bytes: bytes)
        #expect(reader.encoding == .utf16LittleEndian)
        #expect(reader.delimiter == "\t")
        let rows = try CSVTestSupport.readAll(&reader)
        #expect(rows.map(\.fields) == [["姓名", "活动"], ["张三", "敬老院, 二楼"]])
        #expect(rows.map(\.lineNumber) == [1, 2])
    }

    @Test func utf16BigEndianWithByteOrderMark() throws {
        let bytes: [UInt8] = [0xFE, 0xFF] + CSVTestSupport.encode("姓名,活动\n张三,敬老院\n", as: "UTF-16BE")
        var reader = try CSVReader(bytes: bytes)
        #expect(reader.encoding == .utf16BigEndian)
        #expect(reader.delimiter == ",")
        #expect(try CSVTestSupport.readAll(&reader).map(\.fields) == [["姓名", "活动"], ["张三", "敬老院"]])
    }

    @Test func utf8CharacterCutAtTheEndOfTheSampleStillMeansUTF8() throws {
        // 张 is E5 BC A0 in UTF-8; a 4-byte sample ends inside 三.
        var reader = try CSVReader(bytes: Array("张三,1\n".utf8), chunkSize: 2, detectionSampleSize: 4)
        #expect(reader.encoding == .utf8)
        #expect(try CSVTestSupport.readAll(&reader).map(\.fields) == [["张三", "1"]])
    }

    @Test func declaredEncodingSkipsDetection() throws {
        var reader = try CSVReader(bytes: CSVTestSupport.gbk("张三,敬老院\n"), encoding: .gb18030)
        #expect(reader.encoding == .gb18030)
        #expect(try CSVTestSupport.readAll(&reader).map(\.fields) == [["张三", "敬老院"]])
        let declaredUTF8 = try CSVReader(bytes: CSVTestSupport.gbk("张三\n"), encoding: .utf8)
        #expect(declaredUTF8.encoding == .utf8)
    }
}
