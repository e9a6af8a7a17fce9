import Foundation
import LedgerCore
import NIOCore

/// Rows in the text format of `COPY ... FROM STDIN`: fields separated by a tab, rows ended by a newline,
/// `\N` for NULL, and backslash, tab, newline and carriage return escaped inside text.
struct PostgresCopyText {
    /// Buffers of about `bufferBytes` each, ready to be written in turn.
    private(set) var buffers: [ByteBuffer] = []
    private var current = ByteBuffer()
    private var fieldsInRow = 0
    static let bufferBytes = 256 << 10

    init() {
        current.reserveCapacity(Self.bufferBytes)
    }

    private mutating func separate() {
        if fieldsInRow > 0 { current.writeInteger(UInt8(ascii: "\t")) }
        fieldsInRow += 1
    }

    mutating func int<I: FixedWidthInteger>(_ value: I) {
        separate()
        current.writeString(String(value))
    }

    mutating func int<I: FixedWidthInteger>(_ value: I?) {
        guard let value else { return null() }
        int(value)
    }

    mutating func bool(_ value: Bool) {
        separate()
        current.writeInteger(UInt8(ascii: value ? "t" : "f"))
    }

    mutating func null() {
        separate()
        current.writeStaticString("\\N")
    }

    mutating func text(_ value: String) {
        separate()
        var value = value
        value.withUTF8 { bytes in
            // Most values need no escape: write them whole.
            guard bytes.contains(where: { $0 == UInt8(ascii: "\\") || $0 == 9 || $0 == 10 || $0 == 13 }) else {
                current.writeBytes(bytes)
                return
            }
            for byte in bytes {
                switch byte {
                case UInt8(ascii: "\\"): current.writeStaticString("\\\\")
                case 9: current.writeStaticString("\\t")
                case 10: current.writeStaticString("\\n")
                case 13: current.writeStaticString("\\r")
                default: current.writeInteger(byte)
                }
            }
        }
    }

    /// A timestamptz in UTC to the second (`2026-03-01 01:00:00+00`), as the stores keep times.
    mutating func time(_ date: Date) {
        separate()
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        let (days, secondOfDay) = seconds.quotientAndRemainder(dividingBy: 86_400)
        let (day, second) = secondOfDay < 0 ? (days - 1, secondOfDay + 86_400) : (days, secondOfDay)
        let date = LocalDate(daysSinceEpoch: Int(day))
        let (year, month, dayOfMonth) = (Int64(date.year), Int64(date.month), Int64(date.day))
        var text = [UInt8](repeating: UInt8(ascii: "0"), count: 22)
        func put(_ value: Int64, at offset: Int, width: Int) {
            var value = value
            for index in stride(from: offset + width - 1, through: offset, by: -1) {
                text[index] = UInt8(ascii: "0") + UInt8(value % 10)
                value /= 10
            }
        }
        put(year, at: 0, width: 4)
        text[4] = UInt8(ascii: "-")
        put(month, at: 5, width: 2)
        text[7] = UInt8(ascii: "-")
        put(dayOfMonth, at: 8, width: 2)
        text[10] = UInt8(ascii: " ")
        put(second / 3600, at: 11, width: 2)
        text[13] = UInt8(ascii: ":")
        put(second / 60 % 60, at: 14, width: 2)
        text[16] = UInt8(ascii: ":")
        put(second % 60, at: 17, width: 2)
        text[19] = UInt8(ascii: "+")
        current.writeBytes(text)
    }

    mutating func endRow() {
        current.writeInteger(UInt8(ascii: "\n"))
        fieldsInRow = 0
        if current.readableBytes >= Self.bufferBytes {
            buffers.append(current)
            current = ByteBuffer()
            current.reserveCapacity(Self.bufferBytes)
        }
    }

    /// Every buffer, the last one included.
    mutating func finish() -> [ByteBuffer] {
        if current.readableBytes > 0 { buffers.append(current) }
        current = ByteBuffer()
        return buffers
    }
}
