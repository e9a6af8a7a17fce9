import Foundation

/// A stored value this version cannot read: a row written by a newer version or edited by hand. Stores
/// throw it instead of reading the value as some default, so a bad row fails loudly and names itself.
public struct StoredValueError: Error, CustomStringConvertible, Equatable {
    /// Table and column, as `volunteers.sex`.
    public var column: String
    /// The stored text, cut to 40 characters.
    public var value: String

    public init(column: String, value: String) {
        self.column = column
        self.value = value.count > 40 ? String(value.prefix(40)) + "…" : value
    }

    public var description: String { "the stored value \"\(value)\" of \(column) is not one this version knows" }
}

/// Decoding of stored columns shared by the backends: enumerations by raw value, calendar dates, JSON.
public enum StoredValue {
    /// One decoder for every row (decoding does not change it).
    private static let decoder = JSONDecoder()
    /// The case of `T` whose raw value is `raw`.
    public static func decode<T: RawRepresentable>(_ raw: String, column: String) throws -> T where T.RawValue == String {
        guard let value = T(rawValue: raw) else { throw StoredValueError(column: column, value: raw) }
        return value
    }

    /// The case whose raw value is `raw`, or nil for a NULL column.
    public static func decodeIfPresent<T: RawRepresentable>(_ raw: String?, column: String) throws -> T? where T.RawValue == String {
        try raw.map { try decode($0, column: column) }
    }

    /// Every element decoded by raw value.
    public static func decode<T: RawRepresentable>(_ raw: [String], column: String) throws -> [T] where T.RawValue == String {
        try raw.map { try decode($0, column: column) }
    }

    /// A calendar date stored as `YYYY-MM-DD`.
    public static func date(_ iso: String, column: String) throws -> LocalDate {
        guard let date = LocalDate(iso: iso) else { throw StoredValueError(column: column, value: iso) }
        return date
    }

    /// A calendar date, or nil for a NULL column.
    public static func dateIfPresent(_ iso: String?, column: String) throws -> LocalDate? {
        try iso.map { try date($0, column: column) }
    }

    /// A value stored as JSON text, or nil for a NULL column.
    public static func jsonIfPresent<T: Decodable>(_ text: String?, column: String) throws -> T? {
        try text.map { try json($0, column: column) }
    }

    /// A value stored as JSON text.
    public static func json<T: Decodable>(_ text: String, column: String) throws -> T {
        // Most lists kept as JSON (a volunteer's skills, say) are empty.
        if text == "[]", let empty = [String]() as? T { return empty }
        do {
            return try decoder.decode(T.self, from: Data(text.utf8))
        } catch {
            throw StoredValueError(column: column, value: text)
        }
    }
}
