#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Raw bytes of a CSV file or in-memory upload, read in chunks; a look-ahead window serves encoding detection.
final class CSVByteSource {
    private let fileDescriptor: Int32
    private let path: String
    private var memory: [UInt8]
    private var memoryOffset = 0
    private var lookahead: [UInt8] = []
    private var lookaheadOffset = 0
    private var reachedEnd = false
    let totalBytes: Int?
    /// Bytes handed on to the decoder (or skipped as a byte order mark).
    private(set) var consumedBytes = 0

    init(bytes: [UInt8]) {
        fileDescriptor = -1
        path = ""
        memory = bytes
        totalBytes = bytes.count
    }

    init(path: String) throws(CSVError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Self.readError(path, code: errno) }
        var status = stat()
        if fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG {
            totalBytes = Int(status.st_size)
        } else {
            totalBytes = nil
        }
        fileDescriptor = descriptor
        self.path = path
        memory = []
    }

    deinit {
        if fileDescriptor >= 0 { close(fileDescriptor) }
    }

    /// The first `count` bytes not yet consumed (fewer at the end of the input), without consuming them.
    func peek(_ count: Int) throws(CSVError) -> ArraySlice<UInt8> {
        while lookahead.count - lookaheadOffset < count {
            let more = try readRaw(max: count - (lookahead.count - lookaheadOffset))
            if more.isEmpty { break }
            lookahead.append(contentsOf: more)
        }
        return lookahead[lookaheadOffset..<min(lookahead.count, lookaheadOffset + count)]
    }

    /// Consumes and returns up to `max` bytes; empty only at the end of the input.
    func read(max: Int) throws(CSVError) -> [UInt8] {
        if lookaheadOffset < lookahead.count {
            let end = min(lookahead.count, lookaheadOffset + max)
            let chunk = Array(lookahead[lookaheadOffset..<end])
            lookaheadOffset = end
            if lookaheadOffset == lookahead.count {
                lookahead = []
                lookaheadOffset = 0
            }
            consumedBytes += chunk.count
            return chunk
        }
        let chunk = try readRaw(max: max)
        consumedBytes += chunk.count
        return chunk
    }

    /// Consumes `count` bytes previously returned by `peek`.
    func skip(_ count: Int) {
        precondition(lookahead.count - lookaheadOffset >= count, "skip beyond peeked bytes")
        lookaheadOffset += count
        consumedBytes += count
    }

    private func readRaw(max: Int) throws(CSVError) -> [UInt8] {
        if reachedEnd || max <= 0 { return [] }
        if fileDescriptor < 0 {
            let end = min(memory.count, memoryOffset + max)
            let chunk = Array(memory[memoryOffset..<end])
            memoryOffset = end
            if memoryOffset == memory.count {
                reachedEnd = true
                memory = []
            }
            return chunk
        }
        var failure: Int32 = 0
        let chunk = [UInt8](unsafeUninitializedCapacity: max) { buffer, initialized in
            while true {
                let count = csvSystemRead(fileDescriptor, buffer.baseAddress, max)
                if count >= 0 {
                    initialized = count
                    return
                }
                if errno != EINTR {
                    failure = errno
                    initialized = 0
                    return
                }
            }
        }
        if failure != 0 { throw Self.readError(path, code: failure) }
        if chunk.isEmpty { reachedEnd = true }
        return chunk
    }

    private static func readError(_ path: String, code: Int32) -> CSVError {
        .unreadableFile(path: path, reason: String(cString: strerror(code)))
    }
}

/// The C `read(2)`, named apart from `CSVByteSource.read(max:)`.
private func csvSystemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}

/// A piece of decoded UTF-8 text; when `invalidFollows` is set, the input is invalid right after these bytes.
struct CSVDecodedChunk {
    var bytes: [UInt8]
    var invalidFollows: Bool
}

/// Turns raw chunks in a known encoding into valid UTF-8 chunks, keeping sequences split across chunk boundaries.
final class CSVTextDecoder {
    private let source: CSVByteSource
    private let chunkSize: Int
    private let converter: CSVIconvConverter?
    private var carry: [UInt8] = []
    private var finished = false

    init(source: CSVByteSource, encoding: CSVTextEncoding, chunkSize: Int) throws(CSVError) {
        self.source = source
        self.chunkSize = chunkSize
        switch encoding {
        case .utf8: converter = nil
        case .gb18030, .utf16LittleEndian, .utf16BigEndian:
            guard let converter = CSVIconvConverter(from: encoding) else { throw .unsupportedEncoding(encoding) }
            self.converter = converter
        }
    }

    /// The next non-empty piece of text, or nil at the end of the input.
    func next() throws(CSVError) -> CSVDecodedChunk? {
        while !finished {
            let raw = try source.read(max: chunkSize)
            if raw.isEmpty {
                finished = true
                // A multi-byte sequence cut off by the end of the file.
                return carry.isEmpty ? nil : CSVDecodedChunk(bytes: [], invalidFollows: true)
            }
            let input = carry.isEmpty ? raw : carry + raw
            let decoded = converter.map { $0.convert(input) } ?? Self.validateUTF8(input)
            carry = decoded.leftover
            if decoded.invalid {
                finished = true
                return CSVDecodedChunk(bytes: decoded.output, invalidFollows: true)
            }
            if !decoded.output.isEmpty {
                return CSVDecodedChunk(bytes: decoded.output, invalidFollows: false)
            }
        }
        return nil
    }

    private static func validateUTF8(_ input: [UInt8]) -> CSVDecodeResult {
        let check = input.withUnsafeBufferPointer { CSVUTF8Validation.check($0) }
        if check.validCount == input.count {
            return CSVDecodeResult(output: input, leftover: [], invalid: false, consumed: input.count)
        }
        let output = Array(input[..<check.validCount])
        if check.incompleteTail {
            return CSVDecodeResult(output: output, leftover: Array(input[check.validCount...]), invalid: false, consumed: check.validCount)
        }
        return CSVDecodeResult(output: output, leftover: [], invalid: true, consumed: check.validCount)
    }
}

/// What one decoding step produced: valid UTF-8, bytes to retry with the next chunk, and whether invalid input follows.
struct CSVDecodeResult {
    var output: [UInt8]
    var leftover: [UInt8]
    var invalid: Bool
    /// Input bytes decoded before the invalid sequence (all of them when `invalid` is false).
    var consumed: Int
}

/// Strict UTF-8 validation (no overlong forms, surrogates or code points above U+10FFFF).
enum CSVUTF8Validation {
    /// The length of the longest valid prefix, and whether the rest is a truncated but so far valid sequence.
    static func check(_ bytes: UnsafeBufferPointer<UInt8>) -> (validCount: Int, incompleteTail: Bool) {
        let count = bytes.count
        guard let base = bytes.baseAddress else { return (0, false) }
        var index = 0
        while index < count {
            // Skip ASCII eight bytes at a time.
            while index + 8 <= count,
                  UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                index += 8
            }
            if index >= count { break }
            let lead = base[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            let length: Int
            var secondRange: ClosedRange<UInt8> = 0x80...0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; secondRange = 0xA0...0xBF
            case 0xED: length = 3; secondRange = 0x80...0x9F
            case 0xE1...0xEF: length = 3
            case 0xF0: length = 4; secondRange = 0x90...0xBF
            case 0xF4: length = 4; secondRange = 0x80...0x8F
            case 0xF1...0xF3: length = 4
            default: return (index, false)
            }
            var offset = 1
            while offset < length {
                if index + offset >= count { return (index, true) }
                let byte = base[index + offset]
                let allowed = offset == 1 ? secondRange : 0x80...0xBF
                if !allowed.contains(byte) { return (index, false) }
                offset += 1
            }
            index += length
        }
        return (count, false)
    }

    /// Whether `bytes` is valid UTF-8, allowing a truncated sequence at the very end.
    static func isValidAllowingTruncatedEnd(_ bytes: ArraySlice<UInt8>) -> Bool {
        bytes.withUnsafeBufferPointer { buffer in
            let result = check(buffer)
            return result.validCount == buffer.count || result.incompleteTail
        }
    }
}

/// A Glibc iconv handle converting from `encoding` to UTF-8.
final class CSVIconvConverter {
    private let handle: iconv_t

    init?(from encoding: CSVTextEncoding) {
        let name: String
        switch encoding {
        case .utf8: name = "UTF-8"
        case .gb18030: name = "GB18030"
        case .utf16LittleEndian: name = "UTF-16LE"
        case .utf16BigEndian: name = "UTF-16BE"
        }
        let handle = iconv_open("UTF-8", name)
        guard let handle, Int(bitPattern: handle) != -1 else { return nil }
        self.handle = handle
    }

    deinit {
        iconv_close(handle)
    }

    /// How many leading bytes of `input` are valid in this converter's encoding (a sequence cut at the end counts as valid).
    func validPrefixLength(_ input: [UInt8]) -> Int {
        let result = convert(input)
        return result.invalid ? result.consumed : input.count
    }

    /// Converts as much of `input` as possible; an incomplete sequence at the end is returned as leftover.
    func convert(_ input: [UInt8]) -> CSVDecodeResult {
        var input = input
        var consumed = input.count
        var output: [UInt8] = []
        output.reserveCapacity(input.count * 3 / 2 + 16)
        var leftover: [UInt8] = []
        var invalid = false
        let outputCapacity = input.count * 2 + 16
        var scratch = [UInt8](repeating: 0, count: outputCapacity)
        input.withUnsafeMutableBufferPointer { inputBuffer in
            scratch.withUnsafeMutableBufferPointer { scratchBuffer in
                var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inputBuffer.baseAddress)?
                    .assumingMemoryBound(to: CChar.self)
                var inLeft = inputBuffer.count
                while inLeft > 0 {
                    var outPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(scratchBuffer.baseAddress)?
                        .assumingMemoryBound(to: CChar.self)
                    var outLeft = scratchBuffer.count
                    let result = iconv(handle, &inPointer, &inLeft, &outPointer, &outLeft)
                    let failure = errno
                    output.append(contentsOf: scratchBuffer[0..<(scratchBuffer.count - outLeft)])
                    if result != -1 { break }
                    if failure == E2BIG { continue }
                    if failure == EINVAL {
                        // A sequence split at the end of this chunk: retry it with the next chunk.
                        leftover = Array(inputBuffer[(inputBuffer.count - inLeft)...])
                    } else {
                        invalid = true
                        consumed = inputBuffer.count - inLeft
                    }
                    break
                }
            }
        }
        return CSVDecodeResult(output: output, leftover: leftover, invalid: invalid, consumed: consumed)
    }
}
