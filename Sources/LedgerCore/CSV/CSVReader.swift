/// One parsed CSV row.
public struct CSVRow: Sendable, Equatable {
    public var fields: [String]
    /// The 1-based physical line on which the row starts (the header is line 1), for error reports.
    public var lineNumber: Int

    public init(fields: [String], lineNumber: Int) {
        self.fields = fields
        self.lineNumber = lineNumber
    }
}

/// A streaming CSV reader for files saved by Excel: it detects UTF-8, GBK/GB18030 and UTF-16, and comma or tab
/// delimiters, and reads in fixed-size chunks so memory stays flat however long the file is.
///
/// Unquoted fields are trimmed of ASCII and ideographic (U+3000) spaces. Blank lines, and rows whose fields are all
/// empty (such as ",,,"), are skipped. A copy of a reader shares the underlying stream, so use only one copy.
public struct CSVReader {
    /// The detected (or given) encoding of the input.
    public private(set) var encoding: CSVTextEncoding
    /// The size of the input in bytes, when known.
    public let totalBytes: Int?

    private let source: CSVByteSource
    private let decoder: CSVTextDecoder
    private var parser = CSVRowParser()
    private var buffer: [UInt8] = []
    private var position = 0
    private var decodingFailed = false

    static let defaultChunkSize = 64 * 1024
    /// How much the reader may buffer to find the end of the first line when choosing the delimiter.
    private static let firstLineLimit = 1024 * 1024

    /// Opens the file at `path`; a nil `encoding` means detect it from the first bytes.
    public init(path: String, encoding: CSVTextEncoding? = nil) throws(CSVError) {
        try self.init(source: CSVByteSource(path: path), encoding: encoding, chunkSize: Self.defaultChunkSize,
                      detectionSampleSize: Self.defaultChunkSize)
    }

    /// Reads CSV held in memory, such as a small upload; a nil `encoding` means detect it.
    public init(bytes: [UInt8], encoding: CSVTextEncoding? = nil) throws(CSVError) {
        try self.init(source: CSVByteSource(bytes: bytes), encoding: encoding, chunkSize: Self.defaultChunkSize,
                      detectionSampleSize: Self.defaultChunkSize)
    }

    /// Reads in-memory bytes with a small chunk size, so tests can split multi-byte characters across chunks.
    init(bytes: [UInt8], encoding: CSVTextEncoding? = nil, chunkSize: Int,
         detectionSampleSize: Int = CSVReader.defaultChunkSize) throws(CSVError) {
        try self.init(source: CSVByteSource(bytes: bytes), encoding: encoding, chunkSize: chunkSize,
                      detectionSampleSize: detectionSampleSize)
    }

    private init(source: CSVByteSource, encoding: CSVTextEncoding?, chunkSize: Int, detectionSampleSize: Int) throws(CSVError) {
        precondition(chunkSize > 0, "chunk size must be positive")
        self.source = source
        totalBytes = source.totalBytes
        let detected = try Self.detectEncoding(source, declared: encoding, sampleSize: max(detectionSampleSize, 4))
        self.encoding = detected
        decoder = try CSVTextDecoder(source: source, encoding: detected, chunkSize: chunkSize)
        try chooseDelimiter()
    }

    /// The field delimiter: a comma, or a tab when the first line has tabs and no commas (Excel "Unicode text").
    public var delimiter: Character { Character(Unicode.Scalar(parser.delimiter)) }

    /// Bytes of the input consumed so far, for progress reports against `totalBytes`.
    public var bytesRead: Int { source.consumedBytes }

    /// The next non-blank row, or nil at the end of the input.
    public mutating func next() throws(CSVError) -> CSVRow? {
        while true {
            if position < buffer.count {
                let chunk = buffer
                let start = position
                let step = chunk.withUnsafeBufferPointer { parser.consume($0, from: start) }
                position = step.end
                if let exceeded = parser.limitExceeded { throw exceeded }
                if step.rowComplete {
                    return CSVRow(fields: parser.takeFields(), lineNumber: parser.rowLine)
                }
                continue
            }
            if decodingFailed { throw .invalidEncoding(line: parser.line, encoding: encoding) }
            guard let chunk = try decoder.next() else {
                guard try parser.finish() else { return nil }
                return CSVRow(fields: parser.takeFields(), lineNumber: parser.rowLine)
            }
            buffer = chunk.bytes
            position = 0
            decodingFailed = chunk.invalidFollows
        }
    }

    /// Byte order marks decide; otherwise a sample that is valid UTF-8 (a character cut at its end allowed) means
    /// UTF-8, else GB18030 (a superset of GBK) unless UTF-8 reads further into the sample.
    private static func detectEncoding(_ source: CSVByteSource, declared: CSVTextEncoding?, sampleSize: Int) throws(CSVError) -> CSVTextEncoding {
        let head = Array(try source.peek(3))
        if head.starts(with: [0xEF, 0xBB, 0xBF]), declared == nil || declared == .utf8 {
            source.skip(3)
            return .utf8
        }
        if head.starts(with: [0xFF, 0xFE]), declared == nil || declared == .utf16LittleEndian {
            source.skip(2)
            return .utf16LittleEndian
        }
        if head.starts(with: [0xFE, 0xFF]), declared == nil || declared == .utf16BigEndian {
            source.skip(2)
            return .utf16BigEndian
        }
        if let declared { return declared }
        let sample = try source.peek(sampleSize)
        if CSVUTF8Validation.isValidAllowingTruncatedEnd(sample) { return .utf8 }
        // Invalid in both: the encoding that reads further is the file's, so a UTF-8 file with one bad byte
        // is reported at that byte's line rather than as GBK gone wrong on line 1.
        let utf8Prefix = sample.withUnsafeBufferPointer { CSVUTF8Validation.check($0).validCount }
        let gbPrefix = CSVIconvConverter(from: .gb18030)?.validPrefixLength(Array(sample)) ?? sample.count
        return utf8Prefix > gbPrefix ? .utf8 : .gb18030
    }

    /// Buffers decoded text up to the first line break and picks tab when that line has tabs but no commas outside quotes.
    private mutating func chooseDelimiter() throws(CSVError) {
        var searched = 0
        var lineEnd: Int?
        while lineEnd == nil, !decodingFailed, buffer.count < Self.firstLineLimit {
            guard let chunk = try decoder.next() else { break }
            buffer.append(contentsOf: chunk.bytes)
            decodingFailed = chunk.invalidFollows
            lineEnd = buffer[searched...].firstIndex { $0 == 0x0A || $0 == 0x0D }
            searched = buffer.count
        }
        var inQuotes = false
        var tabs = 0
        var commas = 0
        for byte in buffer[..<(lineEnd ?? buffer.count)] {
            switch byte {
            case 0x22: inQuotes.toggle()
            case 0x09 where !inQuotes: tabs += 1
            case 0x2C where !inQuotes: commas += 1
            default: break
            }
        }
        parser.delimiter = tabs > 0 && commas == 0 ? 0x09 : 0x2C
    }
}
