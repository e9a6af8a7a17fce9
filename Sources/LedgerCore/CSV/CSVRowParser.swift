/// The RFC 4180 state machine over UTF-8 bytes; it keeps its state across chunk boundaries and counts physical lines.
struct CSVRowParser {
    private static let quote: UInt8 = 0x22
    private static let lineFeed: UInt8 = 0x0A
    private static let carriageReturn: UInt8 = 0x0D
    private static let space: UInt8 = 0x20

    private enum State {
        case unquoted
        case quoted
        /// A quote inside a quoted field: either the first of a doubled quote or the closing quote.
        case quoteInQuoted
        /// After the closing quote; anything but a delimiter or line break is kept as is.
        case afterQuoted
    }

    var delimiter: UInt8 = 0x2C
    /// The longest row accepted, in bytes of UTF-8; a service record is well under 1 KB.
    static let maxRowBytes = 64 * 1024
    /// The most columns a row may have (Excel often adds empty ones at the right edge).
    static let maxColumns = 1_000
    /// Set when the current row broke a limit; the reader reports it and stops.
    private(set) var limitExceeded: CSVError?
    /// Bytes of the current row's completed fields.
    private var rowBytes = 0
    /// The 1-based physical line of the next byte.
    private(set) var line = 1
    /// The line on which the current row started.
    private(set) var rowLine = 1
    private(set) var fields: [String] = []
    private var field: [UInt8] = []
    private var state = State.unquoted
    private var rowStarted = false
    private var previousWasCarriageReturn = false
    /// The line on which the current quoted field opened.
    private var quoteLine = 1
    /// Bytes of `field` produced inside quotes (never trimmed), or nil for an unquoted field.
    private var quotedLength: Int?

    /// Consumes `bytes[start...]` until a non-blank row is complete; returns where it stopped and whether a row is ready in `fields`.
    mutating func consume(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> (end: Int, rowComplete: Bool) {
        let count = bytes.count
        var index = start
        while index < count {
            if limitExceeded != nil { return (index, false) }
            if field.count + rowBytes > Self.maxRowBytes {
                limitExceeded = .lineTooLong(line: rowLine, limit: Self.maxRowBytes)
                return (index, false)
            }
            let byte = bytes[index]
            let afterCarriageReturn = previousWasCarriageReturn
            previousWasCarriageReturn = false
            if !rowStarted {
                if byte == Self.lineFeed && afterCarriageReturn {
                    index += 1  // the LF of a CRLF that ended the previous row
                    continue
                }
                rowStarted = true
                rowLine = line
            }
            switch state {
            case .unquoted:
                if byte == delimiter {
                    endField()
                    index += 1
                } else if byte == Self.lineFeed || byte == Self.carriageReturn {
                    index += 1
                    if endRow(lineBreak: byte) { return (index, true) }
                } else if byte == Self.quote {
                    if isBlank(field[...]) {
                        field.removeAll(keepingCapacity: true)
                        quotedLength = 0
                        quoteLine = line
                        state = .quoted
                    } else {
                        field.append(byte)  // a quote inside an unquoted field is literal, as in Excel
                    }
                    index += 1
                } else {
                    var end = index + 1
                    while end < count {
                        let next = bytes[end]
                        if next == delimiter || next == Self.lineFeed || next == Self.carriageReturn || next == Self.quote { break }
                        end += 1
                    }
                    field.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<end]))
                    index = end
                }
            case .quoted:
                if byte == Self.quote {
                    state = .quoteInQuoted
                    index += 1
                } else if byte == Self.lineFeed {
                    field.append(byte)
                    if !afterCarriageReturn { line += 1 }
                    index += 1
                } else if byte == Self.carriageReturn {
                    field.append(byte)
                    line += 1
                    previousWasCarriageReturn = true
                    index += 1
                } else {
                    var end = index + 1
                    while end < count {
                        let next = bytes[end]
                        if next == Self.quote || next == Self.lineFeed || next == Self.carriageReturn { break }
                        end += 1
                    }
                    field.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<end]))
                    index = end
                }
            case .quoteInQuoted:
                if byte == Self.quote {
                    field.append(byte)
                    state = .quoted
                    index += 1
                } else {
                    quotedLength = field.count
                    state = .afterQuoted  // reprocess this byte
                }
            case .afterQuoted:
                if byte == delimiter {
                    endField()
                } else if byte == Self.lineFeed || byte == Self.carriageReturn {
                    index += 1
                    if endRow(lineBreak: byte) { return (index, true) }
                    continue
                } else {
                    field.append(byte)
                }
                index += 1
            }
        }
        return (count, false)
    }

    /// Completes the last row at the end of the input; returns whether a non-blank row is ready in `fields`.
    mutating func finish() throws(CSVError) -> Bool {
        if state == .quoted { throw .unterminatedQuote(line: quoteLine) }
        guard rowStarted else { return false }
        if field.count + rowBytes > Self.maxRowBytes { throw .lineTooLong(line: rowLine, limit: Self.maxRowBytes) }
        if state == .quoteInQuoted { quotedLength = field.count }  // the file ends with the closing quote
        endField()
        if let limitExceeded { throw limitExceeded }
        rowStarted = false
        rowBytes = 0
        if fields.allSatisfy(\.isEmpty) {
            fields.removeAll(keepingCapacity: true)
            return false
        }
        return true
    }

    /// Hands over the completed row's fields and prepares for the next row.
    mutating func takeFields() -> [String] {
        let row = fields
        fields = []
        fields.reserveCapacity(row.count)
        return row
    }

    private mutating func endRow(lineBreak: UInt8) -> Bool {
        endField()
        line += 1
        previousWasCarriageReturn = lineBreak == Self.carriageReturn
        rowStarted = false
        rowBytes = 0
        if fields.allSatisfy(\.isEmpty) {
            fields.removeAll(keepingCapacity: true)  // blank line, or only empty fields such as ",,,"
            return false
        }
        return true
    }

    private mutating func endField() {
        let value = field.withUnsafeBufferPointer { buffer -> String in
            var lower = 0
            var upper = buffer.count
            if let quotedLength {
                lower = 0
                upper = max(quotedLength, Self.trimmedEnd(buffer, lower: quotedLength, upper: upper))
            } else {
                lower = Self.trimmedStart(buffer, lower: 0, upper: upper)
                upper = Self.trimmedEnd(buffer, lower: lower, upper: upper)
            }
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[lower..<upper]), as: UTF8.self)
        }
        fields.append(value)
        rowBytes += field.count + 1
        if fields.count > Self.maxColumns, limitExceeded == nil {
            limitExceeded = .tooManyColumns(line: rowLine, limit: Self.maxColumns)
        }
        field.removeAll(keepingCapacity: true)
        quotedLength = nil
        state = .unquoted
    }

    /// Whether `bytes` holds only ASCII spaces and ideographic spaces (U+3000, UTF-8 E3 80 80).
    private func isBlank(_ bytes: ArraySlice<UInt8>) -> Bool {
        if bytes.isEmpty { return true }
        return bytes.withUnsafeBufferPointer { buffer in
            Self.trimmedStart(buffer, lower: 0, upper: buffer.count) == buffer.count
        }
    }

    private static func trimmedStart(_ bytes: UnsafeBufferPointer<UInt8>, lower: Int, upper: Int) -> Int {
        var index = lower
        while index < upper {
            if bytes[index] == space {
                index += 1
            } else if index + 3 <= upper, bytes[index] == 0xE3, bytes[index + 1] == 0x80, bytes[index + 2] == 0x80 {
                index += 3
            } else {
                break
            }
        }
        return index
    }

    private static func trimmedEnd(_ bytes: UnsafeBufferPointer<UInt8>, lower: Int, upper: Int) -> Int {
        var index = upper
        while index > lower {
            if bytes[index - 1] == space {
                index -= 1
            } else if index - 3 >= lower, bytes[index - 3] == 0xE3, bytes[index - 2] == 0x80, bytes[index - 1] == 0x80 {
                index -= 3
            } else {
                break
            }
        }
        return index
    }
}
