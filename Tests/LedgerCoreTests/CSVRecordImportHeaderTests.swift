import Testing
@testable import LedgerCore

@Suite struct CSVRecordImportHeaderTests {
    private func header(_ fields: [String]) throws(RecordImportHeaderError) -> RecordImportHeader {
        try RecordImportHeader(fields)
    }

    private func error(_ fields: [String]) -> RecordImportHeaderError? {
        do {
            _ = try RecordImportHeader(fields)
            return nil
        } catch {
            return error
        }
    }

    @Test func chineseHeadersMapToColumns() throws {
        let header = try header(["姓名", "证件类型", "身份证号", "活动名称", "开始时间", "结束时间", "服务时长(小时)", "备注", "登记时间"])
        let row = CSVRow(fields: ["张三", "居民身份证", "11010519491231002X", "敬老院", "2026-03-01 09:00", "2026-03-01 11:30", "2.5", "", "2026-03-02 10:00"], lineNumber: 2)
        #expect(header.value(.name, in: row) == "张三")
        #expect(header.value(.documentNumber, in: row) == "11010519491231002X")
        #expect(header.value(.activity, in: row) == "敬老院")
        #expect(header.value(.hours, in: row) == "2.5")
        #expect(header.value(.recordedAt, in: row) == "2026-03-02 10:00")
        #expect(header.value(.note, in: row) == nil)
        #expect(!header.has(.volunteerNumber))
        #expect(header.value(.volunteerNumber, in: row) == nil)
    }

    @Test func englishHeadersAreCaseInsensitiveAndSpaceTolerant() throws {
        let header = try header([" Name ", "VOLUNTEER_NUMBER", "activity_id", "Start_Time", "end", "Service_Hours"])
        #expect(header.has(.name) && header.has(.volunteerNumber) && header.has(.activity))
        #expect(header.has(.start) && header.has(.end) && header.has(.hours))
        #expect(!header.has(.documentNumber))
    }

    @Test(arguments: ["服务时长（小时）", "时长（小时）", "服务时长 ( 小时 )", "\u{3000}时长(小时)\u{3000}", "服务时长"])
    func hoursAliasesIncludingFullWidthParentheses(hoursHeader: String) throws {
        let header = try header(["姓名", "志愿者编号", "活动", "开始时间", "结束时间", hoursHeader])
        #expect(header.has(.hours))
        #expect(header.value(.hours, in: CSVRow(fields: ["a", "b", "c", "d", "e", "1.5"], lineNumber: 2)) == "1.5")
    }

    @Test func everyAliasMapsToItsColumn() throws {
        let minimal: [(RecordImportColumn, String)] = [
            (.name, "姓名"), (.documentNumber, "证件号码"), (.activity, "活动"), (.start, "开始时间"), (.end, "结束时间"),
        ]
        for column in RecordImportColumn.allCases {
            for alias in column.aliases {
                var fields = minimal.filter { $0.0 != column }.map(\.1) + [alias]
                if column == .documentNumber { fields.append("志愿者编号") }
                let header = try RecordImportHeader(fields)
                let row = CSVRow(fields: fields.indices.map { "value\($0)" }, lineNumber: 2)
                let aliasIndex = try #require(fields.firstIndex(of: alias))
                #expect(header.value(column, in: row) == "value\(aliasIndex)", "\(alias) should map to \(column)")
            }
        }
    }

    @Test func headerNameIsTheTextAsWrittenOrTheChineseName() throws {
        let header = try header([" Name ", "volunteer_number", "活动名称", "开始时间", "结束时间", "服务时长（小时）"])
        #expect(header.headerName(of: .name) == "Name")
        #expect(header.headerName(of: .activity) == "活动名称")
        #expect(header.headerName(of: .hours) == "服务时长（小时）")
        #expect(header.headerName(of: .note) == "备注")
    }

    @Test func valueTrimsAndTreatsEmptyOrMissingCellsAsNil() throws {
        let header = try header(["姓名", "证件号码", "活动", "开始时间", "结束时间", "备注"])
        let shortRow = CSVRow(fields: ["  张三\u{3000}", "   ", "敬老院"], lineNumber: 3)
        #expect(header.value(.name, in: shortRow) == "张三")
        #expect(header.value(.documentNumber, in: shortRow) == nil)
        #expect(header.value(.note, in: shortRow) == nil)
    }

    @Test func emptyHeaderCellsAreIgnored() throws {
        let header = try header(["姓名", "", "证件号码", "活动", "开始时间", "结束时间", " ", ""])
        let row = CSVRow(fields: ["张三", "ignored", "X1", "敬老院", "s", "e"], lineNumber: 2)
        #expect(header.value(.documentNumber, in: row) == "X1")
    }

    @Test func missingRequiredColumnsAreListedWithBothNames() {
        let failure = error(["姓名", "证件号码", "结束时间"])
        #expect(failure == .missingColumns([.activity, .start]))
        let message = failure?.description ?? ""
        #expect(message.contains("缺少必填列") && message.contains("missing required columns"))
        #expect(message.contains("活动") && message.contains("activity"))
        #expect(message.contains("开始时间") && message.contains("start_time"))
        #expect(!message.contains("结束时间"))
    }

    @Test func missingIdentifierColumn() {
        let failure = error(["姓名", "活动", "开始时间", "结束时间", "备注"])
        #expect(failure == .missingIdentifierColumn)
        let message = failure?.description ?? ""
        #expect(message.contains("证件号码") && message.contains("志愿者编号"))
        #expect(message.contains("document_number") && message.contains("volunteer_number"))
    }

    @Test func columnGivenTwice() {
        let failure = error(["姓名", "证件号码", "活动", "开始时间", "结束时间", "Name"])
        #expect(failure == .duplicateColumn(.name, headers: ["姓名", "Name"]))
        let message = failure?.description ?? ""
        #expect(message.contains("多次") && message.contains("more than once") && message.contains("“Name”"))
    }

    @Test func unknownColumnsAreListed() {
        let failure = error(["姓明", "证件号码", "活动", "开始时间", "结束时间", "hourz"])
        #expect(failure == .unknownColumns(["姓明", "hourz"]))
        let message = failure?.description ?? ""
        #expect(message.contains("无法识别的列") && message.contains("unknown columns"))
        #expect(message.contains("姓明") && message.contains("hourz"))
        #expect(message.contains("志愿者编号") && message.contains("volunteer_number"))
    }
}
