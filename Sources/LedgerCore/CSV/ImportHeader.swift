/// A column of an import file: the header texts it is known by. Each kind of import file (hour records, a
/// roster of volunteers) is an enum of its columns.
public protocol ImportColumn: CaseIterable, Hashable, Sendable {
    /// Header texts accepted for this column, the Chinese one first; compared after `ImportHeader.normalize`.
    var aliases: [String] { get }
    /// The English header used in templates and messages.
    var englishName: String { get }
    /// Columns every file of this kind must have.
    static var requiredColumns: [Self] { get }
    /// Columns of which at least one must be present (empty when there is no such choice).
    static var oneOfColumns: [Self] { get }
}

extension ImportColumn {
    /// The Chinese header used in templates and messages.
    public var chineseName: String { aliases[0] }
}

/// A problem with the header row of an import file; `description` is a bilingual message for the user.
public enum ImportHeaderError<Column: ImportColumn>: Error, Sendable, Equatable, CustomStringConvertible {
    /// Headers that match no known column (probably typos), as written in the file.
    case unknownColumns([String])
    /// Two or more headers name the same column; `headers` are the texts as written in the file.
    case duplicateColumn(Column, headers: [String])
    /// Required columns that are absent.
    case missingColumns([Column])
    /// None of these columns is present, and one of them must be.
    case missingOneOf([Column])

    public var description: String {
        switch self {
        case let .unknownColumns(headers):
            let shown = headers.prefix(Self.quotedHeaders).map(Self.excerpt)
            let more = headers.count - shown.count
            let quoted = shown.map { "“\($0)”" }.joined(separator: "、") + (more > 0 ? " 等 \(headers.count) 列" : "")
            let quotedEnglish = shown.map { "\"\($0)\"" }.joined(separator: ", ") + (more > 0 ? " and \(more) more" : "")
            let known = Column.allCases.map(\.chineseName).joined(separator: "、")
            let knownEnglish = Column.allCases.map(\.englishName).joined(separator: ", ")
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
        case let .missingOneOf(columns):
            let chinese = columns.map { "\($0.chineseName) (\($0.englishName))" }.joined(separator: " 或 ")
            let english = columns.map { "\($0.englishName) (\($0.chineseName))" }.joined(separator: " or ")
            return "缺少\(chinese)列，至少需要其中一列 / missing a column: add \(english)"
        }
    }

    /// How many headers a message quotes, and how many characters of each: a message stays short whatever the file holds.
    static var quotedHeaders: Int { 5 }
    static var excerptCharacters: Int { 32 }

    static func excerpt(_ header: String) -> String {
        header.count > excerptCharacters ? header.prefix(excerptCharacters) + "…" : header
    }
}

/// The header row of an import file, mapped to column positions.
///
/// Empty header cells (common at the right edge of Excel exports) are ignored.
public struct ImportHeader<Column: ImportColumn>: Sendable {
    private let positions: [Column: Int]
    private let headerTexts: [Column: String]

    public init(_ headerFields: [String]) throws(ImportHeaderError<Column>) {
        var positions: [Column: Int] = [:]
        var unknown: [String] = []
        var duplicate: (column: Column, headers: [String])?
        let byAlias = Self.byNormalizedAlias
        for (index, header) in headerFields.enumerated() {
            let key = Self.normalize(header)
            if key.isEmpty { continue }
            guard let column = byAlias[key] else {
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
        let missing = Column.requiredColumns.filter { positions[$0] == nil }
        if !missing.isEmpty { throw .missingColumns(missing) }
        if !Column.oneOfColumns.isEmpty, !Column.oneOfColumns.contains(where: { positions[$0] != nil }) {
            throw .missingOneOf(Column.oneOfColumns)
        }
        self.positions = positions
        headerTexts = positions.mapValues { Self.trimmed(headerFields[$0]) }
    }

    public func has(_ column: Column) -> Bool {
        positions[column] != nil
    }

    /// The header of `column` as written in the file (for error reports), or its Chinese name when absent.
    public func headerName(of column: Column) -> String {
        headerTexts[column] ?? column.chineseName
    }

    /// The trimmed cell of `column` in `row`; nil when the column or the cell is absent or empty.
    public func value(_ column: Column, in row: CSVRow) -> String? {
        guard let index = positions[column], index < row.fields.count else { return nil }
        let text = Self.trimmed(row.fields[index])
        return text.isEmpty ? nil : text
    }

    /// Every alias of every column, normalized.
    private static var byNormalizedAlias: [String: Column] {
        var table: [String: Column] = [:]
        for column in Column.allCases {
            for alias in column.aliases { table[normalize(alias)] = column }
        }
        return table
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
