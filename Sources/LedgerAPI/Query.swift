import Foundation
import Hummingbird
import LedgerCore

/// Typed access to query parameters and path ids, failing with problems that name the parameter.
extension Request {
    func queryInt64(_ name: String) throws -> Int64? {
        guard let text = uri.queryParameters.get(name), !text.isEmpty else { return nil }
        guard let value = Int64(text) else {
            throw LedgerError.invalidField(field: name, reason: "必须是整数 / must be an integer")
        }
        return value
    }

    func queryInt(_ name: String) throws -> Int? {
        try queryInt64(name).map { Int(clamping: $0) }
    }

    func queryDate(_ name: String) throws -> LocalDate? {
        guard let text = uri.queryParameters.get(name), !text.isEmpty else { return nil }
        guard let value = LocalDate(iso: text) else {
            throw LedgerError.invalidField(field: name, reason: "日期格式应为 YYYY-MM-DD / must be a date as YYYY-MM-DD")
        }
        return value
    }

    func queryBool(_ name: String) throws -> Bool {
        switch uri.queryParameters.get(name)?.lowercased() {
        case nil, "", "false", "0": false
        case "true", "1": true
        default: throw LedgerError.invalidField(field: name, reason: "must be true or false")
        }
    }

    /// The `after` cursor of a list request.
    func cursor() throws -> Int64? {
        guard let text = uri.queryParameters.get("after"), !text.isEmpty else { return nil }
        guard let value = Cursor.decode(text) else {
            throw LedgerError.invalidField(field: "after", reason: "无效的分页游标 / not a cursor returned by this API")
        }
        return value
    }
}

extension LedgerRequestContext {
    /// A numeric path parameter.
    func id(_ name: String = "id") throws -> Int64 {
        guard let value = parameters.get(name, as: Int64.self) else {
            throw LedgerError.invalidField(field: name, reason: "必须是整数 / must be an integer")
        }
        return value
    }
}

/// Opaque page cursors, so that clients do not build them by hand.
enum Cursor {
    static func encode(_ id: Int64?) -> String? {
        id.map { Data("c1:\($0)".utf8).base64EncodedString().replacingOccurrences(of: "=", with: "") }
    }

    static func decode(_ text: String) -> Int64? {
        var padded = text
        while padded.count % 4 != 0 { padded += "=" }
        guard let data = Data(base64Encoded: padded), let plain = String(data: data, encoding: .utf8),
              plain.hasPrefix("c1:") else { return nil }
        return Int64(plain.dropFirst(3))
    }
}

extension Page {
    func body<Item: Encodable & Sendable>(_ transform: (Element) throws -> Item) rethrows -> ListBody<Item> {
        ListBody(items: try items.map(transform), nextCursor: Cursor.encode(nextAfter))
    }
}
