import Foundation

/// A plain-text list of public holidays and make-up workdays that an administrator maintains,
/// one entry per line:
/// ```
/// # 国庆节
/// 2026-10-01 holiday      (or: 2026-10-01 休, 2026-10-01,holiday)
/// 2026-10-10 workday      (or: 2026-10-10 班)
/// ```
/// `#` starts a comment; blank lines are ignored.
public enum HolidayFile {
    private enum Kind: Equatable {
        case holiday, workday
    }

    public static func parse(_ text: String) throws(HolidayFileError) -> (holidays: Set<LocalDate>, adjustedWorkdays: Set<LocalDate>) {
        var entries: [LocalDate: (kind: Kind, line: Int)] = [:]
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        for (index, rawLine) in lines.enumerated() {
            let lineNumber = index + 1
            var content = Substring(rawLine)
            if let hash = content.firstIndex(of: "#") { content = content[..<hash] }
            let fields = content.split(whereSeparator: { $0 == "," || $0 == "，" || $0.isWhitespace || $0 == "\u{FEFF}" })
            guard let dateField = fields.first else { continue }
            guard let date = LocalDate(iso: String(dateField)) else {
                throw HolidayFileError(line: lineNumber, reason: .invalidDate(String(dateField)))
            }
            guard fields.count >= 2 else { throw HolidayFileError(line: lineNumber, reason: .missingKind) }
            guard fields.count == 2 else {
                throw HolidayFileError(line: lineNumber, reason: .unexpectedText(fields[2...].joined(separator: " ")))
            }
            let kind: Kind
            switch fields[1].lowercased() {
            case "holiday", "休": kind = .holiday
            case "workday", "班": kind = .workday
            default: throw HolidayFileError(line: lineNumber, reason: .unknownKind(String(fields[1])))
            }
            if kind == .workday, date.isoWeekday <= 5 {
                throw HolidayFileError(line: lineNumber, reason: .workdayNotOnWeekend(date))
            }
            if let earlier = entries[date] {
                if earlier.kind != kind {
                    throw HolidayFileError(line: lineNumber, reason: .conflictsWithLine(earlier.line, date))
                }
            } else {
                entries[date] = (kind, lineNumber)
            }
        }
        var holidays: Set<LocalDate> = []
        var adjustedWorkdays: Set<LocalDate> = []
        for (date, entry) in entries {
            switch entry.kind {
            case .holiday: holidays.insert(date)
            case .workday: adjustedWorkdays.insert(date)
            }
        }
        return (holidays, adjustedWorkdays)
    }
}

/// A line of a holiday file that cannot be read.
public struct HolidayFileError: Error, Hashable, Sendable, LocalizedError, CustomStringConvertible {
    /// 1-based.
    public let line: Int
    public let reason: Reason

    public enum Reason: Hashable, Sendable {
        /// The first field is not a real date written as YYYY-MM-DD.
        case invalidDate(String)
        case missingKind
        /// The second field is none of holiday, 休, workday, 班.
        case unknownKind(String)
        case unexpectedText(String)
        /// A make-up workday on Monday to Friday (which is a working day anyway; probably a typo).
        case workdayNotOnWeekend(LocalDate)
        /// The date was listed with the other kind on the given earlier line.
        case conflictsWithLine(Int, LocalDate)
    }

    public init(line: Int, reason: Reason) {
        self.line = line
        self.reason = reason
    }

    public var message: String {
        let (chinese, english): (String, String) = switch reason {
        case .invalidDate(let text):
            ("“\(text)”不是有效日期（应为 YYYY-MM-DD）", "\"\(text)\" is not a valid date (expected YYYY-MM-DD)")
        case .missingKind:
            ("日期后缺少类型（holiday/休 或 workday/班）", "the date must be followed by holiday/休 or workday/班")
        case .unknownKind(let text):
            ("未知类型“\(text)”（应为 holiday/休 或 workday/班）", "unknown kind \"\(text)\" (expected holiday/休 or workday/班)")
        case .unexpectedText(let text):
            ("多余内容“\(text)”（说明请写在 # 之后）", "unexpected text \"\(text)\" (put notes after #)")
        case .workdayNotOnWeekend(let date):
            ("调休上班日 \(date) 不是周六或周日", "make-up workday \(date) is not a Saturday or Sunday")
        case .conflictsWithLine(let earlier, let date):
            ("\(date) 与第 \(earlier) 行的类型相矛盾", "\(date) conflicts with line \(earlier), which gives it the other kind")
        }
        return "节假日文件第 \(line) 行：\(chinese) / holiday file line \(line): \(english)"
    }

    public var description: String { message }
    public var errorDescription: String? { message }
}
