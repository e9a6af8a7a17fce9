import Foundation

/// A submitted form: `application/x-www-form-urlencoded` fields, or `multipart/form-data` fields and files.
///
/// Parsing is linear in the body and bounded: at most `maximumFields` fields and files, part headers of at most
/// `maximumPartHeaderBytes`; the body itself is limited before it is read (see the web session middleware).
public struct FormData: Sendable {
    /// Values by field name, in submitted order (a field may repeat: one row of a table each).
    public private(set) var fields: [String: [String]] = [:]
    public private(set) var files: [String: UploadedFile] = [:]
    /// Fields and files together.
    public private(set) var count = 0

    /// The most fields and files one form may have (a batch-recording table of a few hundred rows needs a few thousand).
    public static let maximumFields = 10_000
    /// The longest header block of one multipart part.
    public static let maximumPartHeaderBytes = 8 << 10

    public init() {}

    /// An uploaded file's name and bytes.
    public struct UploadedFile: Sendable {
        public var filename: String
        public var contentType: String
        public var bytes: [UInt8]
    }

    /// The first value of `name`, trimmed; nil when absent or empty.
    public subscript(_ name: String) -> String? {
        guard let value = fields[name]?.first?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }

    /// Every value of `name` (empty strings kept, so parallel columns of a table stay aligned).
    public func all(_ name: String) -> [String] { fields[name] ?? [] }

    public mutating func append(_ name: String, _ value: String) throws(FormError) {
        try countOne()
        fields[name, default: []].append(value)
    }

    mutating func attach(_ name: String, _ file: UploadedFile) throws(FormError) {
        try countOne()
        files[name] = file
    }

    private mutating func countOne() throws(FormError) {
        count += 1
        guard count <= Self.maximumFields else { throw FormError("a form of more than \(Self.maximumFields) fields") }
    }

    /// Parses a body of the given content type; other types give an empty form.
    public static func parse(_ body: [UInt8], contentType: String?) throws(FormError) -> FormData {
        let type = (contentType ?? "").lowercased()
        if type.hasPrefix("application/x-www-form-urlencoded") { return try urlEncoded(body) }
        if type.hasPrefix("multipart/form-data") {
            guard let boundary = boundary(in: contentType ?? "") else { throw FormError("multipart form without a boundary") }
            return try multipart(body, boundary: boundary)
        }
        return FormData()
    }

    /// `a=1&b=x+y`: plus is a space, then percent-decoding (a malformed escape gives an empty value).
    static func urlEncoded(_ body: [UInt8]) throws(FormError) -> FormData {
        var form = FormData()
        for pair in body.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let equals = pair.firstIndex(of: UInt8(ascii: "=")) ?? pair.endIndex
            let value = equals < pair.endIndex ? pair[(equals + 1)...] : []
            try form.append(decode(pair[..<equals]), decode(value))
        }
        return form
    }

    /// Plus to space and `%XX` to its byte, in one pass; a malformed escape or invalid UTF-8 gives "".
    private static func decode(_ bytes: ArraySlice<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let byte = bytes[i]
            if byte == UInt8(ascii: "+") {
                out.append(0x20)
            } else if byte == UInt8(ascii: "%") {
                guard i + 2 < bytes.endIndex, let high = hexValue(bytes[i + 1]), let low = hexValue(bytes[i + 2]) else { return "" }
                out.append(high << 4 | low)
                i += 2
            } else {
                out.append(byte)
            }
            i += 1
        }
        return String(validating: out, as: UTF8.self) ?? ""
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }

    static func boundary(in contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let parts = parameter.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces).lowercased() == "boundary" else { continue }
            let value = parts[1].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            return value.isEmpty || value.utf8.count > 200 ? nil : value
        }
        return nil
    }

    /// RFC 7578 parts separated by `--boundary`; each has headers, a blank line and its content.
    static func multipart(_ body: [UInt8], boundary: String) throws(FormError) -> FormData {
        var form = FormData()
        let delimiter = Array("--\(boundary)".utf8)
        var positions: [Int] = []
        var index = 0
        while let found = find(delimiter, in: body, from: index) {
            positions.append(found)
            guard positions.count <= Self.maximumFields + 1 else { throw FormError("a form of more than \(Self.maximumFields) fields") }
            index = found + delimiter.count
        }
        guard positions.count >= 2 else { throw FormError("multipart form without parts") }
        for (start, end) in zip(positions, positions.dropFirst()) {
            var partStart = start + delimiter.count
            if partStart + 1 < body.count, body[partStart] == 0x0D, body[partStart + 1] == 0x0A { partStart += 2 }
            var partEnd = end
            if partEnd >= 2, body[partEnd - 2] == 0x0D, body[partEnd - 1] == 0x0A { partEnd -= 2 }
            let headerLimit = min(partEnd, partStart + Self.maximumPartHeaderBytes)
            guard partStart <= partEnd, let headerEnd = find([0x0D, 0x0A, 0x0D, 0x0A], in: body, from: partStart, before: headerLimit) else {
                throw FormError("a multipart part has no header")
            }
            let headers = String(decoding: body[partStart..<headerEnd], as: UTF8.self)
            let content = Array(body[(headerEnd + 4)..<partEnd])
            var name: String?, filename: String?, contentType = "application/octet-stream"
            for line in headers.split(separator: "\r\n") {
                let lower = line.lowercased()
                if lower.hasPrefix("content-disposition:") {
                    name = parameter("name", in: String(line))
                    filename = parameter("filename", in: String(line))
                } else if lower.hasPrefix("content-type:") {
                    contentType = line.dropFirst("content-type:".count).trimmingCharacters(in: .whitespaces)
                }
            }
            guard let name else { throw FormError("a multipart part has no name") }
            if let filename {
                try form.attach(name, UploadedFile(filename: filename, contentType: contentType, bytes: content))
            } else {
                try form.append(name, String(decoding: content, as: UTF8.self))
            }
        }
        return form
    }

    /// `name="value"` in a Content-Disposition header.
    private static func parameter(_ key: String, in header: String) -> String? {
        for piece in header.split(separator: ";") {
            let parts = piece.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces).lowercased() == key else { continue }
            return parts[1].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        return nil
    }

    /// The first position of `needle` in `haystack[start..<end]`, by Knuth–Morris–Pratt: linear in the haystack whatever
    /// the needle (a boundary of 200 dashes in a body of dashes costs no more than any other body).
    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int, before end: Int? = nil) -> Int? {
        let end = end ?? haystack.count
        guard !needle.isEmpty, start >= 0, end <= haystack.count, start + needle.count <= end else { return nil }
        // fallback[i]: the length of the longest proper prefix of needle[0...i] that is also its suffix.
        var fallback = [Int](repeating: 0, count: needle.count)
        var length = 0
        for i in 1..<max(1, needle.count) {
            while length > 0, needle[i] != needle[length] { length = fallback[length - 1] }
            if needle[i] == needle[length] { length += 1 }
            fallback[i] = length
        }
        var matched = 0
        for i in start..<end {
            while matched > 0, haystack[i] != needle[matched] { matched = fallback[matched - 1] }
            if haystack[i] == needle[matched] { matched += 1 }
            if matched == needle.count { return i - needle.count + 1 }
        }
        return nil
    }
}

/// A form body that cannot be read.
public struct FormError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
