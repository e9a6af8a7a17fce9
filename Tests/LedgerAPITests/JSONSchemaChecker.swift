import Foundation
import NIOCore

/// A parsed JSON value that keeps booleans and numbers apart (JSONSerialization does not on Linux).
enum JSON: Decodable, Equatable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSON])
    case object([String: JSON])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSON].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSON].self))
        }
    }

    static func parse(_ data: Data) throws -> JSON {
        try JSONDecoder().decode(JSON.self, from: data)
    }

    static func parse(_ buffer: ByteBuffer) throws -> JSON {
        try parse(Data(buffer.readableBytesView))
    }

    subscript(key: String) -> JSON? {
        if case .object(let members) = self { members[key] } else { nil }
    }

    var string: String? {
        if case .string(let value) = self { value } else { nil }
    }

    var array: [JSON]? {
        if case .array(let value) = self { value } else { nil }
    }

    var object: [String: JSON]? {
        if case .object(let value) = self { value } else { nil }
    }

    /// Whether the value is of a JSON Schema `type`.
    func isOfType(_ type: String) -> Bool {
        switch (type, self) {
        case ("null", .null), ("boolean", .bool), ("number", .number), ("string", .string),
             ("array", .array), ("object", .object): true
        case ("integer", .number(let value)): value.rounded() == value
        default: false
        }
    }

    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// Every `$ref` string anywhere inside this value.
    var references: [String] {
        switch self {
        case .object(let members):
            members.flatMap { key, value in
                key == "$ref" ? [value.string].compactMap { $0 } : value.references
            }
        case .array(let items): items.flatMap(\.references)
        default: []
        }
    }

    /// The value a local reference such as `#/components/schemas/Record` points at in this document.
    func resolve(_ reference: String) -> JSON? {
        guard reference.hasPrefix("#") else { return nil }
        var value: JSON? = self
        for token in reference.dropFirst().split(separator: "/") {
            let key = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            value = value?[key]
        }
        return value
    }

    /// This value, or what its `$ref` points at in `document` (for response and parameter objects).
    func dereferenced(in document: JSON) -> JSON? {
        guard let reference = self["$ref"]?.string else { return self }
        return document.resolve(reference)?.dereferenced(in: document)
    }
}

/// Checks JSON values against the schemas of an OpenAPI 3.1 document. Supports the subset the
/// document uses: `type` (one or several), `properties`, `required`, `additionalProperties: false`,
/// `items`, `enum`, `oneOf`/`anyOf`, `pattern`, local `$ref`, and the `date-time` and `date` formats.
struct JSONSchemaChecker {
    let document: JSON

    /// RFC 3339 date-time (what OpenAPI's `date-time` means), checked by shape only.
    private static var dateTime: some RegexComponent { #/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})/# }
    /// RFC 3339 full-date.
    private static var date: some RegexComponent { #/\d{4}-\d{2}-\d{2}/# }

    /// Descriptions of every way `value` breaks `schema`; empty when it conforms.
    func violations(of value: JSON, against schema: JSON, at path: String = "$") -> [String] {
        guard let keywords = schema.object else { return [] }
        var found: [String] = []
        if let reference = keywords["$ref"]?.string {
            guard let target = document.resolve(reference) else { return ["\(path): unresolvable $ref \(reference)"] }
            found += violations(of: value, against: target, at: path)
        }
        if let type = keywords["type"] {
            let allowed = type.array?.compactMap(\.string) ?? [type.string].compactMap { $0 }
            guard allowed.contains(where: value.isOfType) else {
                return found + ["\(path): expected \(allowed.joined(separator: " or ")), found \(value.typeName)"]
            }
        }
        if let allowed = keywords["enum"]?.array, !allowed.contains(value) {
            found.append("\(path): \(value) is not one of \(allowed)")
        }
        if let options = keywords["oneOf"]?.array {
            let matching = options.filter { violations(of: value, against: $0, at: path).isEmpty }.count
            if matching != 1 { found.append("\(path): matches \(matching) of the oneOf schemas instead of exactly one") }
        }
        if let options = keywords["anyOf"]?.array, !options.contains(where: { violations(of: value, against: $0, at: path).isEmpty }) {
            found.append("\(path): matches none of the anyOf schemas")
        }
        switch value {
        case .string(let text):
            found += formatViolations(of: text, keywords, at: path)
        case .array(let items):
            if let itemSchema = keywords["items"] {
                for (index, item) in items.enumerated() {
                    found += violations(of: item, against: itemSchema, at: "\(path)[\(index)]")
                }
            }
        case .object(let members):
            for name in keywords["required"]?.array?.compactMap(\.string) ?? [] where members[name] == nil {
                found.append("\(path): required property \"\(name)\" is missing")
            }
            let properties = keywords["properties"]?.object ?? [:]
            for (name, member) in members.sorted(by: { $0.key < $1.key }) {
                if let propertySchema = properties[name] {
                    found += violations(of: member, against: propertySchema, at: "\(path).\(name)")
                } else if keywords["additionalProperties"] == .bool(false) {
                    found.append("\(path): property \"\(name)\" is not documented")
                }
            }
        default:
            break
        }
        return found
    }

    private func formatViolations(of text: String, _ keywords: [String: JSON], at path: String) -> [String] {
        var found: [String] = []
        switch keywords["format"]?.string {
        case "date-time" where text.wholeMatch(of: Self.dateTime) == nil:
            found.append("\(path): \"\(text)\" is not an RFC 3339 date-time")
        case "date" where text.wholeMatch(of: Self.date) == nil:
            found.append("\(path): \"\(text)\" is not an RFC 3339 date")
        default:
            break
        }
        if let pattern = keywords["pattern"]?.string {
            if let regex = try? Regex(pattern) {
                if (try? regex.firstMatch(in: text)) == nil { found.append("\(path): \"\(text)\" does not match \(pattern)") }
            } else {
                found.append("\(path): the pattern \(pattern) does not compile")
            }
        }
        return found
    }
}
