import Foundation

/// Builds CSV in memory that opens correctly in Excel: UTF-8 with a byte order mark, CRLF line endings, quoting
/// where needed, and a `'` before text that a spreadsheet would run as a formula.
public struct CSVWriter: Sendable {
    /// The CSV written so far (since the last `takeBytes()`); it starts with the UTF-8 byte order mark.
    public private(set) var bytes: [UInt8] = CSVWriter.byteOrderMark

    public init() {}

    public mutating func writeRow(_ fields: [String]) {
        Self.append(row: fields, to: &bytes)
    }

    /// `bytes` as `Data`, e.g. for an HTTP response body.
    public var data: Data { Data(bytes) }

    /// Returns the bytes written so far and empties the buffer, so a caller can stream pages to an async sink.
    public mutating func takeBytes() -> [UInt8] {
        let taken = bytes
        bytes = []
        return taken
    }

    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// Appends one row, fields separated by commas and ended by CRLF.
    static func append(row fields: [String], to output: inout [UInt8]) {
        for (index, field) in fields.enumerated() {
            if index > 0 { output.append(0x2C) }
            append(field: field, to: &output)
        }
        output.append(0x0D)
        output.append(0x0A)
    }

    /// Quotes a field when it holds a comma, quote, CR, LF or tab, or starts or ends with a space the reader would trim.
    static func append(field: String, to output: inout [UInt8]) {
        let formulaGuard = startsLikeFormula(field)
        let utf8 = field.utf8
        let needsQuotes = utf8.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0D || $0 == 0x0A || $0 == 0x09 }
            || utf8.first == 0x20 || utf8.last == 0x20 || field.hasPrefix("\u{3000}") || field.hasSuffix("\u{3000}")
        if needsQuotes { output.append(0x22) }
        if formulaGuard { output.append(0x27) }
        if needsQuotes {
            for byte in utf8 {
                output.append(byte)
                if byte == 0x22 { output.append(0x22) }
            }
            output.append(0x22)
        } else {
            output.append(contentsOf: utf8)
        }
    }

    /// Text starting with `=`, `+`, `@`, tab or CR, or with `-` not followed by a digit, is run as a formula by
    /// spreadsheets (CSV injection); a lone `-` is left alone as a common "none" placeholder.
    static func startsLikeFormula(_ field: String) -> Bool {
        var bytes = field.utf8.makeIterator()
        switch bytes.next() {
        case UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "@"), 0x09, 0x0D:
            return true
        case UInt8(ascii: "-"):
            guard let next = bytes.next() else { return false }
            return !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(next)
        default:
            return false
        }
    }
}

/// Writes CSV in the same format as `CSVWriter`, handing chunks of about `bufferSize` bytes to a sink, so
/// exports of millions of rows need not sit in memory. Call `finish()` to flush the last chunk.
public struct CSVStreamWriter {
    private let sink: (_ chunk: [UInt8]) throws -> Void
    private let bufferSize: Int
    private var buffer: [UInt8] = CSVWriter.byteOrderMark

    public init(bufferSize: Int = 64 * 1024, sink: @escaping (_ chunk: [UInt8]) throws -> Void) {
        self.bufferSize = max(bufferSize, 1)
        self.sink = sink
        buffer.reserveCapacity(self.bufferSize + 1024)
    }

    /// Writes to an open file handle.
    public init(fileHandle: FileHandle, bufferSize: Int = 64 * 1024) {
        self.init(bufferSize: bufferSize) { chunk in try fileHandle.write(contentsOf: chunk) }
    }

    public mutating func writeRow(_ fields: [String]) throws {
        CSVWriter.append(row: fields, to: &buffer)
        if buffer.count >= bufferSize { try flush() }
    }

    /// Hands any buffered bytes to the sink.
    public mutating func finish() throws {
        try flush()
    }

    private mutating func flush() throws {
        guard !buffer.isEmpty else { return }
        let chunk = buffer
        buffer.removeAll(keepingCapacity: true)
        try sink(chunk)
    }
}
