/// A column of the service-record import file (服务记录导入文件).
public enum RecordImportColumn: String, CaseIterable, Sendable {
    case name, documentType, documentNumber, volunteerNumber, activity, start, end, hours, note, recordedAt

    /// Header texts accepted for this column; they are compared after `RecordImportHeader.normalize`.
    public var aliases: [String] {
        switch self {
        case .name: ["姓名", "志愿者姓名", "name"]
        case .documentType: ["证件类型", "document_type", "id_type"]
        case .documentNumber: ["证件号码", "身份证号", "身份证号码", "id_number", "document_number"]
        case .volunteerNumber: ["志愿者编号", "volunteer_number"]
        case .activity: ["活动", "活动名称", "活动编号", "activity", "activity_id"]
        case .start: ["开始时间", "start", "start_time"]
        case .end: ["结束时间", "end", "end_time"]
        case .hours: ["服务时长(小时)", "服务时长", "时长(小时)", "hours", "service_hours"]
        case .note: ["备注", "note"]
        case .recordedAt: ["登记时间", "recorded_at"]
        }
    }

    /// The Chinese header used in templates and messages.
    public var chineseName: String { aliases[0] }

    /// The English header used in templates and messages.
    public var englishName: String {
        switch self {
        case .name: "name"
        case .documentType: "document_type"
        case .documentNumber: "document_number"
        case .volunteerNumber: "volunteer_number"
        case .activity: "activity"
        case .start: "start_time"
        case .end: "end_time"
        case .hours: "hours"
        case .note: "note"
        case .recordedAt: "recorded_at"
        }
    }

    /// Columns every import file must have; one of `identifierColumns` is required as well.
    public static let requiredColumns: [RecordImportColumn] = [.name, .activity, .start, .end]

    /// Columns that identify the volunteer; at least one must be present.
    public static let identifierColumns: [RecordImportColumn] = [.documentNumber, .volunteerNumber]

    fileprivate static let byNormalizedAlias: [String: RecordImportColumn] = {
        var table: [String: RecordImportColumn] = [:]
        for column in allCases {
            for alias in column.aliases { table[RecordImportHeader.normalize(alias)] = column }
        }
        return table
    }()
}

/// A problem with the header row of an import file; `description` is a bilingual message for the user.
public enum RecordImportHeaderError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Headers that match no known column (probably typos), as written in the file.
    case unknownColumns([String])
    /// Two or more headers name the same column; `headers` are the texts as written in the file.
    case duplicateColumn(RecordImportColumn, headers: [String])
    /// Required columns that are absent.
    case missingColumns([RecordImportColumn])
    /// Neither 证件号码 (document number) nor 志愿者编号 (volunteer number) is present.
    case missingIdentifierColumn

    public var description: String {
        switch self {
        case let .unknownColumns(headers):
            let shown = headers.prefix(Self.quotedHeaders).map(Self.excerpt)
            let more = headers.count - shown.count
            let quoted = shown.map { "“\($0)”" }.joined(separator: "、") + (more > 0 ? " 等 \(headers.count) 列" : "")
            let quotedEnglish = shown.map { "\"\($0)\"" }.joined(separator: ", ") + (more > 0 ? " and \(more) more" : "")
            let known = RecordImportColumn.allCases.map(\.chineseName).joined(separator: "、")
            let knownEnglish = RecordImportColumn.allCases.map(\.englishName).joined(separator: ", ")
            return "无法识别的列：\(quoted)；可用的列为：\(known) / unknown columns: \(quotedEnglish); accepted columns are: \(knownEnglish)"
        case let .duplicateColumn(column, headers):
            let shown = headers.prefix(Self.quotedHeaders).map(Self.excerpt)
            let quoted = shown.map { "“\($0)”" }.joined(separator: "、")
            let quotedEnglish = shown.map { "\"\($0)\"" }.joined(separator: ", ")
            return "“\(column.chineseName)”列出现了多次（\(quoted)） / the column \(column.englishName) appears more than once (\(quotedEnglish))"
        case let .missingColumns(columns):
            let chinese = columns.map { "\($0.chineseName) (\($0.englishName))" }.joined(separator: "、")
            let english = columns.map { "\($0.englishName) (\($0.chineseName))" }.joined(separator: ", ")
            return "缺少必填列：\(chinese) / missing required columns: \(english)"
        case .missingIdentifierColumn:
            return "缺少证件号码 (document_number) 或志愿者编号 (volunteer_number) 列，至少需要其中一列 / missing a column identifying the volunteer: add document_number (证件号码) or volunteer_number (志愿者编号)"
        }
    }

    /// How many headers a message quotes, and how many characters of each: a message stays short whatever the file holds.
    static let quotedHeaders = 5
    static let excerptCharacters = 32

    static func excerpt(_ header: String) -> String {
        header.count > excerptCharacters ? header.prefix(excerptCharacters) + "…" : header
    }
}

/// The header row of a service-record import file, mapped to column positions.
///
/// Empty header cells (common at the right edge of Excel exports) are ignored.
public struct RecordImportHeader: Sendable {
    private let positions: [RecordImportColumn: Int]
    private let headerTexts: [RecordImportColumn: String]

    public init(_ headerFields: [String]) throws(RecordImportHeaderError) {
        var positions: [RecordImportColumn: Int] = [:]
        var unknown: [String] = []
        var duplicate: (column: RecordImportColumn, headers: [String])?
        for (index, header) in headerFields.enumerated() {
            let key = Self.normalize(header)
            if key.isEmpty { continue }
            guard let column = RecordImportColumn.byNormalizedAlias[key] else {
                unknown.append(Self.trimmed(header))
                continue
            }
            if let first = positions[column] {
                if duplicate == nil {
                    duplicate = (column, [Self.trimmed(headerFields[first]), Self.trimmed(header)])
                } else if duplicate?.column == column {
                    duplicate?.headers.append(Self.trimmed(header))
                }
            } else {
                positions[column] = index
            }
        }
        if !unknown.isEmpty { throw .unknownColumns(unknown) }
        if let duplicate { throw .duplicateColumn(duplicate.column, headers: duplicate.headers) }
        let missing = RecordImportColumn.requiredColumns.filter { positions[$0] == nil }
        if !missing.isEmpty { throw .missingColumns(missing) }
        if !RecordImportColumn.identifierColumns.contains(where: { positions[$0] != nil }) {
            throw .missingIdentifierColumn
        }
        self.positions = positions
        headerTexts = positions.mapValues { Self.trimmed(headerFields[$0]) }
    }

    public func has(_ column: RecordImportColumn) -> Bool {
        positions[column] != nil
    }

    /// The header of `column` as written in the file (for error reports), or its Chinese name when absent.
    public func headerName(of column: RecordImportColumn) -> String {
        headerTexts[column] ?? column.chineseName
    }

    /// The trimmed cell of `column` in `row`; nil when the column or the cell is absent or empty.
    public func value(_ column: RecordImportColumn, in row: CSVRow) -> String? {
        guard let index = positions[column], index < row.fields.count else { return nil }
        let text = Self.trimmed(row.fields[index])
        return text.isEmpty ? nil : text
    }

    /// Lowercases, drops all spaces and a byte order mark, and maps full-width parentheses to ASCII ones.
    static func normalize(_ header: String) -> String {
        var result = String.UnicodeScalarView()
        for scalar in header.unicodeScalars {
            switch scalar {
            case " ", "\t", "\u{3000}", "\u{FEFF}", "\u{00A0}": continue
            case "（": result.append("(")
            case "）": result.append(")")
            default: result.append(scalar)
            }
        }
        return String(result).lowercased()
    }

    private static func trimmed(_ text: String) -> String {
        SpreadsheetValue.trimmed(text)
    }
}
