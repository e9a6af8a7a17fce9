import Foundation

/// CSV bytes in the format of `CSVWriter`, appended field by field into one reused buffer, for exports of
/// millions of rows: no array of strings per row, numbers and times written as digits, and the caller hands the
/// buffer to its sink whenever it holds `chunkSize` bytes.
struct CSVRowBuffer {
    static let chunkSize = 64 * 1024
    private(set) var bytes: [UInt8]
    private var fieldsInRow = 0

    /// Starts with the byte order mark, as `CSVWriter` does.
    init() {
        bytes = CSVWriter.byteOrderMark
        bytes.reserveCapacity(Self.chunkSize + 16 * 1024)
    }

    var isFull: Bool { bytes.count >= Self.chunkSize }

    /// Empties the buffer, keeping its memory for the next chunk.
    mutating func clear() {
        bytes.removeAll(keepingCapacity: true)
    }

    private mutating func separate() {
        if fieldsInRow > 0 { bytes.append(0x2C) }
        fieldsInRow += 1
    }

    /// A text field, quoted and guarded against formulas as `CSVWriter` does.
    mutating func field(_ text: String) {
        separate()
        CSVWriter.append(field: text, to: &bytes)
    }

    /// A field whose bytes were encoded before (`encoded(_:)`), e.g. an organization's name used on every row.
    mutating func field(encoded: [UInt8]) {
        separate()
        bytes.append(contentsOf: encoded)
    }

    /// Several fields encoded together (`encoded(_:)` of each, comma-separated), counted as `count` fields.
    mutating func fields(encoded: [UInt8], count: Int) {
        separate()
        bytes.append(contentsOf: encoded)
        fieldsInRow += count - 1
    }

    /// Bytes of `fields` as they stand in a row, separated by commas.
    static func encoded(_ fields: [String]) -> [UInt8] {
        var output: [UInt8] = []
        for (index, field) in fields.enumerated() {
            if index > 0 { output.append(0x2C) }
            CSVWriter.append(field: field, to: &output)
        }
        return output
    }

    /// A whole number in decimal (never quoted: digits and a leading minus before a digit).
    mutating func field(_ number: Int64) {
        separate()
        appendDecimal(number)
    }

    /// Minutes as hours with two decimals, as `HoursFormat.hours(fromMinutes:)` writes them.
    mutating func field(hoursFromMinutes m: Int) {
        separate()
        let minutes = m.magnitude
        if m < 0 { bytes.append(UInt8(ascii: "-")) }
        appendDecimal(Int64(minutes / 60))
        bytes.append(UInt8(ascii: "."))
        appendTwoDigits(Int((minutes % 60 * 100 + 30) / 60))
    }

    /// The wall-clock time of `instant` at `offset` seconds from UTC, as `LocalDateTime.description` writes it:
    /// `YYYY-MM-DD HH:MM`, with `:SS` when the seconds are not zero.
    mutating func field(localTime seconds: Int64, offset: Int) {
        separate()
        let local = seconds + Int64(offset)
        let days = local.floorDivided(by: 86_400)
        let secondOfDay = Int(local - days * 86_400)
        let date = LocalDate(daysSinceEpoch: Int(days))
        if (0...9999).contains(date.year) {
            appendTwoDigits(date.year / 100)
            appendTwoDigits(date.year % 100)
        } else {
            bytes.append(contentsOf: String(format: "%04d", date.year).utf8)
        }
        bytes.append(UInt8(ascii: "-"))
        appendTwoDigits(date.month)
        bytes.append(UInt8(ascii: "-"))
        appendTwoDigits(date.day)
        bytes.append(0x20)
        appendTwoDigits(secondOfDay / 3600)
        bytes.append(UInt8(ascii: ":"))
        appendTwoDigits(secondOfDay / 60 % 60)
        if secondOfDay % 60 != 0 {
            bytes.append(UInt8(ascii: ":"))
            appendTwoDigits(secondOfDay % 60)
        }
    }

    /// Ends the row with CRLF.
    mutating func endRow() {
        bytes.append(0x0D)
        bytes.append(0x0A)
        fieldsInRow = 0
    }

    private mutating func appendTwoDigits(_ value: Int) {
        bytes.append(UInt8(ascii: "0") + UInt8(value / 10))
        bytes.append(UInt8(ascii: "0") + UInt8(value % 10))
    }

    private mutating func appendDecimal(_ number: Int64) {
        if number < 0 { bytes.append(UInt8(ascii: "-")) }
        var value = number.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[count] = UInt8(ascii: "0") + UInt8(value % 10)
                value /= 10
                count += 1
            } while value > 0
            for index in stride(from: count - 1, through: 0, by: -1) { bytes.append(buffer[index]) }
        }
    }
}

/// A time zone's offsets from UTC, found once per UTC day: formatting a million times in an organization's zone
/// then costs a dictionary lookup each instead of a time zone query. A day in which the offset changes is never
/// cached; its instants ask the zone.
final class ZoneOffsets {
    let zone: TimeZone
    /// The offset of each day seen, or nil for a day with a change of offset.
    private var byDay: [Int64: Int?] = [:]

    init(_ zone: TimeZone) {
        self.zone = zone
    }

    /// The offset in force at `seconds` since 1970, as `zone.secondsFromGMT(for:)` answers it.
    func offset(at seconds: Int64) -> Int {
        let day = seconds.floorDivided(by: 86_400)
        if let cached = byDay[day] {
            return cached ?? zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds)))
        }
        if byDay.count >= 200_000 { byDay.removeAll(keepingCapacity: true) }
        let start = Date(timeIntervalSince1970: TimeInterval(day * 86_400))
        let end = start.addingTimeInterval(86_400)
        let offset = zone.secondsFromGMT(for: start)
        let steady = zone.secondsFromGMT(for: end.addingTimeInterval(-1)) == offset
            && (zone.nextDaylightSavingTimeTransition(after: start).map { $0 >= end } ?? true)
        byDay[day] = steady ? offset : Int?.none
        return steady ? offset : zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }
}
