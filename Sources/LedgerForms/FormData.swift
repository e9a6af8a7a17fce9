import Foundation

/// A submitted form: `application/x-www-form-urlencoded` fields, or `multipart/form-data` fields and files.
public struct FormData: Sendable {
    /// Values by field name, in submitted order (a field may repeat: one row of a table each).
    public private(set) var fields: [String: [String]] = [:]
    public private(set) var files: [String: UploadedFile] = [:]

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

    mutating func append(_ name: String, _ value: String) {
        fields[name, default: []].append(value)
    }

    /// Parses a body of the given content type; other types give an empty form.
    static func parse(_ body: [UInt8], contentType: String?) throws -> FormData {
        let type = (contentType ?? "").lowercased()
        if type.hasPrefix("application/x-www-form-urlencoded") { return urlEncoded(String(decoding: body, as: UTF8.self)) }
        if type.hasPrefix("multipart/form-data") {
            guard let boundary = boundary(in: contentType ?? "") else { throw FormError("multipart form without a boundary") }
            return try multipart(body, boundary: boundary)
        }
        return FormData()
    }

    /// `a=1&b=x+y`: plus is a space, then percent-decoding.
    static func urlEncoded(_ text: String) -> FormData {
        var form = FormData()
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (s: Substring) in s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
            form.append(decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
        return form
    }

    static func boundary(in contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let parts = parameter.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces).lowercased() == "boundary" else { continue }
            let value = parts[1].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            return value.isEmpty || value.count > 200 ? nil : value
        }
        return nil
    }

    /// RFC 7578 parts separated by `--boundary`; each has headers, a blank line and its content.
    static func multipart(_ body: [UInt8], boundary: String) throws -> FormData {
        var form = FormData()
        let delimiter = Array("--\(boundary)".utf8)
        var positions: [Int] = []
        var index = 0
        while let found = find(delimiter, in: body, from: index) {
            positions.append(found)
            index = found + delimiter.count
        }
        guard positions.count >= 2 else { throw FormError("multipart form without parts") }
        for (start, end) in zip(positions, positions.dropFirst()) {
            var partStart = start + delimiter.count
            if partStart + 1 < body.count, body[partStart] == 0x0D, body[partStart + 1] == 0x0A { partStart += 2 }
            var partEnd = end
            if partEnd >= 2, body[partEnd - 2] == 0x0D, body[partEnd - 1] == 0x0A { partEnd -= 2 }
            guard partStart <= partEnd, let headerEnd = find([0x0D, 0x0A, 0x0D, 0x0A], in: body, from: partStart, before: partEnd) else {
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
                form.files[name] = UploadedFile(filename: filename, contentType: contentType, bytes: content)
            } else {
                form.append(name, String(decoding: content, as: UTF8.self))
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

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int, before end: Int? = nil) -> Int? {
        let limit = (end ?? haystack.count) - needle.count
        guard !needle.isEmpty, start <= limit else { return nil }
        let first = needle[0]
        var i = start
        while i <= limit {
            if haystack[i] == first {
                var j = 1
                while j < needle.count, haystack[i + j] == needle[j] { j += 1 }
                if j == needle.count { return i }
            }
            i += 1
        }
        return nil
    }
}

/// A form body that cannot be read.
struct FormError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
