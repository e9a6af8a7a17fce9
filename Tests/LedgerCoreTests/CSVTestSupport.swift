import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
@testable import LedgerCore

/// Factories shared by the CSV tests.
enum CSVTestSupport {
    static let utf8ByteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// `text` encoded with iconv, e.g. as "GBK", "GB18030" or "UTF-16LE".
    static func encode(_ text: String, as encoding: String) -> [UInt8] {
        guard let handle = iconv_open(encoding, "UTF-8"), Int(bitPattern: handle) != -1 else {
            fatalError("iconv cannot encode \(encoding)")
        }
        defer { iconv_close(handle) }
        var input = Array(text.utf8)
        var output = [UInt8](repeating: 0, count: input.count * 4 + 16)
        let written = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer -> Int in
                var inPointer = UnsafeMutableRawPointer(inBuffer.baseAddress)?.assumingMemoryBound(to: CChar.self)
                var inLeft = inBuffer.count
                var outPointer = UnsafeMutableRawPointer(outBuffer.baseAddress)?.assumingMemoryBound(to: CChar.self)
                var outLeft = outBuffer.count
                let result = iconv(handle, &inPointer, &inLeft, &outPointer, &outLeft)
                precondition(result != -1 && inLeft == 0, "iconv failed to encode \(text)")
                return outBuffer.count - outLeft
            }
        }
        return Array(output[..<written])
    }

    static func gbk(_ text: String) -> [UInt8] { encode(text, as: "GBK") }

    /// All rows of `bytes`, read with the public initializer or with a small chunk size.
    static func rows(_ bytes: [UInt8], encoding: CSVTextEncoding? = nil, chunkSize: Int? = nil) throws -> [CSVRow] {
        var reader = try chunkSize.map { try CSVReader(bytes: bytes, encoding: encoding, chunkSize: $0) }
            ?? CSVReader(bytes: bytes, encoding: encoding)
        return try readAll(&reader)
    }

    static func fields(_ bytes: [UInt8], encoding: CSVTextEncoding? = nil, chunkSize: Int? = nil) throws -> [[String]] {
        try rows(bytes, encoding: encoding, chunkSize: chunkSize).map(\.fields)
    }

    static func readAll(_ reader: inout CSVReader) throws(CSVError) -> [CSVRow] {
        var rows: [CSVRow] = []
        while let row = try reader.next() { rows.append(row) }
        return rows
    }

    /// The rows read before the reader failed, and the failure (nil when the whole input was read).
    static func rowsUntilError(_ reader: inout CSVReader) -> (rows: [CSVRow], error: CSVError?) {
        var rows: [CSVRow] = []
        do {
            while let row = try reader.next() { rows.append(row) }
            return (rows, nil)
        } catch {
            return (rows, error)
        }
    }

    /// Writes `bytes` to a new file in the temporary directory and returns its path.
    static func temporaryFile(_ bytes: [UInt8], suffix: String = ".csv") throws -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("csv-test-\(UUID().uuidString)\(suffix)").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }
}
