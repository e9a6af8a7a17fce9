import Testing
@testable import LedgerCore

@Suite struct CSVParsingTests {
    private func parse(_ text: String) throws -> [CSVRow] {
        try CSVTestSupport.rows(Array(text.utf8))
    }

    @Test func quotedFieldsWithDoubledQuotesAndEmbeddedCommas() throws {
        let rows = try parse("name,note\n张三,\"敬老院, 二楼 \"\"东区\"\"\"\n")
        #expect(rows.map(\.fields) == [["name", "note"], ["张三", "敬老院, 二楼 \"东区\""]])
    }

    @Test func quotedNewlinesKeepLaterLineNumbersRight() throws {
        let rows = try parse("a,b\n1,\"first\nsecond\nthird\"\n2,z\n")
        #expect(rows.map(\.fields) == [["a", "b"], ["1", "first\nsecond\nthird"], ["2", "z"]])
        #expect(rows.map(\.lineNumber) == [1, 2, 5])
    }

    @Test func crlfInsideQuotesCountsAsOneLine() throws {
        let rows = try parse("a,b\r\n1,\"x\r\ny\"\r\n2,z\r\n")
        #expect(rows.map(\.fields) == [["a", "b"], ["1", "x\r\ny"], ["2", "z"]])
        #expect(rows.map(\.lineNumber) == [1, 2, 4])
    }

    @Test func crlfLineEndings() throws {
        let rows = try parse("a,b\r\n1,2\r\n3,4\r\n")
        #expect(rows.map(\.fields) == [["a", "b"], ["1", "2"], ["3", "4"]])
        #expect(rows.map(\.lineNumber) == [1, 2, 3])
    }

    @Test func carriageReturnOnlyLineEndings() throws {
        let rows = try parse("a,b\r1,2\r3,4")
        #expect(rows.map(\.fields) == [["a", "b"], ["1", "2"], ["3", "4"]])
        #expect(rows.map(\.lineNumber) == [1, 2, 3])
    }

    @Test func lastLineWithoutLineBreakAndTrailingEmptyLine() throws {
        #expect(try parse("a,b\n1,2").map(\.fields) == [["a", "b"], ["1", "2"]])
        #expect(try parse("a,b\n1,2\n").count == 2)
        #expect(try parse("").isEmpty)
    }

    @Test func blankAndAllEmptyRowsAreSkippedWithoutShiftingLineNumbers() throws {
        let rows = try parse("a,b\n\n   \n,,\n\u{3000},\"\"\n1,2\n\r\n")
        #expect(rows.map(\.fields) == [["a", "b"], ["1", "2"]])
        #expect(rows.map(\.lineNumber) == [1, 6])
    }

    @Test func unquotedFieldsAreTrimmedOfASCIIAndFullWidthSpaces() throws {
        let rows = try parse(" 张三 ,\u{3000}敬老院\u{3000}, a b \n")
        #expect(rows.map(\.fields) == [["张三", "敬老院", "a b"]])
    }

    @Test func quotedFieldsKeepTheirSpacesAndMayBeSurroundedBySpaces() throws {
        let rows = try parse("  \" spaced \"  ,\"\u{3000}x\" \n")
        #expect(rows.map(\.fields) == [[" spaced ", "\u{3000}x"]])
    }

    @Test func quotedFieldClosedAtEndOfFileKeepsTrailingSpace() throws {
        #expect(try parse("a,\"x \"").map(\.fields) == [["a", "x "]])
        #expect(try parse("a,\"\"").map(\.fields) == [["a", ""]])
    }

    @Test func emptyFieldsArePreserved() throws {
        #expect(try parse("a,,c\nd,e,\n").map(\.fields) == [["a", "", "c"], ["d", "e", ""]])
    }

    @Test func quoteInsideUnquotedFieldIsLiteral() throws {
        #expect(try parse("5\" disk,x\n").map(\.fields) == [["5\" disk", "x"]])
    }

    @Test func tabDelimiterWhenFirstLineHasTabsAndNoCommas() throws {
        var reader = try CSVReader(bytes: Array("姓名\t活动\n张三\t敬老院, 二楼\n".utf8))
        #expect(reader.delimiter == "\t")
        #expect(try CSVTestSupport.readAll(&reader).map(\.fields) == [["姓名", "活动"], ["张三", "敬老院, 二楼"]])
    }

    @Test func commaDelimiterWhenFirstLineHasCommasOrOnlyQuotedTabs() throws {
        let mixed = try CSVReader(bytes: Array("a,b\tc\n".utf8))
        #expect(mixed.delimiter == ",")
        var quotedTab = try CSVReader(bytes: Array("\"a\tb\"\n1\n".utf8))
        #expect(quotedTab.delimiter == ",")
        #expect(try CSVTestSupport.readAll(&quotedTab).map(\.fields) == [["a\tb"], ["1"]])
    }

    @Test func firstLineLongerThanAChunkStillChoosesTab() throws {
        let header = (1...20).map { "column\($0)" }.joined(separator: "\t")
        var reader = try CSVReader(bytes: Array("\(header)\n1\t2\n".utf8), chunkSize: 3)
        #expect(reader.delimiter == "\t")
        #expect(try CSVTestSupport.readAll(&reader).first?.fields.count == 20)
    }
}
