import Testing
@testable import LedgerCore

/// Multi-byte characters split across read chunks must decode as if read whole.
@Suite struct CSVChunkBoundaryTests {
    static let text = "姓名,活动,备注\r\n张三,敬老院,\"社区, 服务\"\r\n李四,图书馆,吉𠮷\r\n"
    static let expected = [["姓名", "活动", "备注"], ["张三", "敬老院", "社区, 服务"], ["李四", "图书馆", "吉𠮷"]]

    @Test(arguments: 1...7)
    func gbkCharacterSplitAcrossChunks(chunkSize: Int) throws {
        let bytes = CSVTestSupport.encode(Self.text, as: "GB18030")
        var reader = try CSVReader(bytes: bytes, chunkSize: chunkSize)
        #expect(reader.encoding == .gb18030)
        let rows = try CSVTestSupport.readAll(&reader)
        #expect(rows.map(\.fields) == Self.expected)
        #expect(rows.map(\.lineNumber) == [1, 2, 3])
        #expect(reader.bytesRead == bytes.count)
    }

    @Test(arguments: 1...7)
    func utf8CharacterSplitAcrossChunks(chunkSize: Int) throws {
        let bytes = CSVTestSupport.utf8ByteOrderMark + Array(Self.text.utf8)
        var reader = try CSVReader(bytes: bytes, chunkSize: chunkSize)
        #expect(reader.encoding == .utf8)
        #expect(try CSVTestSupport.readAll(&reader).map(\.fields) == Self.expected)
    }

    @Test(arguments: 1...7)
    func utf16CharacterSplitAcrossChunks(chunkSize: Int) throws {
        let bytes: [UInt8] = [0xFF, 0xFE] + CSVTestSupport.encode(Self.text, as: "UTF-16LE")
        var reader = try CSVReader(bytes: bytes, chunkSize: chunkSize)
        #expect(reader.encoding == .utf16LittleEndian)
        #expect(try CSVTestSupport.readAll(&reader).map(\.fields) == Self.expected)
    }

    @Test(arguments: 1...7)
    func quotedNewlineAndCRLFSplitAcrossChunks(chunkSize: Int) throws {
        let bytes = Array("a,b\r\n\"x\r\ny\",\"say \"\"hi\"\"\"\r\n\r\nlast,row".utf8)
        let rows = try CSVTestSupport.rows(bytes, chunkSize: chunkSize)
        #expect(rows.map(\.fields) == [["a", "b"], ["x\r\ny", "say \"hi\""], ["last", "row"]])
        #expect(rows.map(\.lineNumber) == [1, 2, 5])
    }
}
