/// Parses cell values as people type them in Excel in China, accepting full-width digits and punctuation.
public enum SpreadsheetValue {
    /// Parses a date and time such as `2026-03-01 09:00`, `2026/3/1 9:00:00`, `2026.3.1 9:00`, `2026-03-01T09:00`,
    /// `2026年3月1日 9:00` or `2026年3月1日 9时30分`; nil when malformed, impossible, or without a time.
    public static func localDateTime(_ text: String) -> LocalDateTime? {
        var scanner = SpreadsheetTextScanner(text)
        guard let year = scanner.number(digits: 4...4) else { return nil }
        let month: Int
        let day: Int
        if scanner.take("年") {
            guard let m = scanner.number(digits: 1...2), scanner.take("月"),
                  let d = scanner.number(digits: 1...2), scanner.take("日") || scanner.take("号") else { return nil }
            month = m
            day = d
            _ = scanner.take("T") || scanner.skipSpaces() > 0
        } else {
            guard let separator = scanner.takeOne(of: ["-", "/", "."]),
                  let m = scanner.number(digits: 1...2), scanner.take(separator),
                  let d = scanner.number(digits: 1...2),
                  scanner.take("T") || scanner.skipSpaces() > 0 else { return nil }
            month = m
            day = d
        }
        guard let hour = scanner.number(digits: 1...2) else { return nil }
        var minute = 0
        var second = 0
        if scanner.take(":") {
            guard let m = scanner.number(digits: 2...2) else { return nil }
            minute = m
            if scanner.take(":") {
                guard let s = scanner.number(digits: 2...2) else { return nil }
                second = s
            }
        } else if scanner.take("时") || scanner.take("点") {
            if let m = scanner.number(digits: 1...2) {
                minute = m
                _ = scanner.take("分")
                if let s = scanner.number(digits: 1...2) {
                    guard scanner.take("秒") else { return nil }
                    second = s
                }
            }
        } else {
            return nil
        }
        scanner.skipSpaces()
        guard scanner.isAtEnd, let date = LocalDate(year: year, month: month, day: day) else { return nil }
        return LocalDateTime(date: date, hour: hour, minute: minute, second: second)
    }

    /// Parses decimal hours (`2`, `2.5`, `０.７５`) or a duration `H:MM[:SS]` (`2:30`) into minutes, rounded to the nearest minute;
    /// nil for negatives, units such as `2h`, or empty text. Zero parses; callers reject it.
    public static func hoursAsMinutes(_ text: String) -> Int? {
        var scanner = SpreadsheetTextScanner(text)
        let wholeDigits = scanner.digitRun()
        if scanner.take(":") {
            guard !wholeDigits.isEmpty, wholeDigits.count <= 6, let hours = Int(wholeDigits),
                  let minutes = scanner.number(digits: 2...2), minutes < 60 else { return nil }
            var roundUp = 0
            if scanner.take(":") {
                guard let seconds = scanner.number(digits: 2...2), seconds < 60 else { return nil }
                roundUp = seconds >= 30 ? 1 : 0
            }
            scanner.skipSpaces()
            return scanner.isAtEnd ? hours * 60 + minutes + roundUp : nil
        }
        var fractionDigits = ""
        if scanner.take(".") {
            fractionDigits = scanner.digitRun()
            guard !fractionDigits.isEmpty else { return nil }
        }
        scanner.skipSpaces()
        guard scanner.isAtEnd, !(wholeDigits.isEmpty && fractionDigits.isEmpty), wholeDigits.count <= 6 else { return nil }
        let hours = Int(wholeDigits) ?? 0
        // Digits past the twelfth decimal place cannot change the rounded minute in practice.
        let kept = String(fractionDigits.prefix(12))
        guard let fraction = kept.isEmpty ? 0 : Int(kept) else { return nil }
        var scale = 1
        for _ in 0..<kept.count { scale *= 10 }
        // minutes = fraction * 60 / scale, rounded half up.
        return hours * 60 + (fraction * 120 + scale) / (2 * scale)
    }

    /// Drops ASCII spaces, tabs, ideographic spaces (U+3000) and byte order marks at both ends.
    static func trimmed(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !isSpace($0) })!
        return String(scalars[first...last])
    }

    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\t" || scalar == "\u{3000}" || scalar == "\u{FEFF}" || scalar == "\u{00A0}"
    }
}

/// Reads a cell's text scalar by scalar, with full-width digits and punctuation folded to ASCII.
private struct SpreadsheetTextScanner {
    private let scalars: [Unicode.Scalar]
    private var index = 0

    init(_ text: String) {
        scalars = SpreadsheetValue.trimmed(text).unicodeScalars.map { scalar in
            switch scalar.value {
            case 0xFF10...0xFF19, 0xFF1A, 0xFF0E, 0xFF0F, 0xFF0D:
                Unicode.Scalar(scalar.value - 0xFEE0)!  // full-width ０-９ ： ． ／ － to ASCII
            case 0x3000: " "
            default: scalar
            }
        }
    }

    var isAtEnd: Bool { index == scalars.count }

    mutating func take(_ scalar: Unicode.Scalar) -> Bool {
        guard index < scalars.count, scalars[index] == scalar else { return false }
        index += 1
        return true
    }

    mutating func takeOne(of choices: [Unicode.Scalar]) -> Unicode.Scalar? {
        guard index < scalars.count, choices.contains(scalars[index]) else { return nil }
        index += 1
        return scalars[index - 1]
    }

    @discardableResult
    mutating func skipSpaces() -> Int {
        let start = index
        while index < scalars.count, scalars[index] == " " || scalars[index] == "\t" { index += 1 }
        return index - start
    }

    /// The ASCII digits at the current position, consumed.
    mutating func digitRun() -> String {
        var digits = String.UnicodeScalarView()
        while index < scalars.count, ("0"..."9").contains(scalars[index]) {
            digits.append(scalars[index])
            index += 1
        }
        return String(digits)
    }

    /// A number of `digits` ASCII digits; nil (consuming nothing) when there are fewer or more.
    mutating func number(digits allowed: ClosedRange<Int>) -> Int? {
        let start = index
        let digits = digitRun()
        guard allowed.contains(digits.count) else {
            index = start
            return nil
        }
        return Int(digits)
    }
}
