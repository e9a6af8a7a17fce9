import Foundation
import Hummingbird
import LedgerCore

/// JSON request bodies decoded strictly, as the OpenAPI document's `additionalProperties: false` promises: a field
/// the type does not declare is refused (422 `invalid-field` naming it, e.g. `entries[2].nte`) before anything is
/// done. One mechanism for every body: the decoder wraps the one `JSONDecoder` builds and, wherever the type asks for
/// an object (`container(keyedBy:)`), checks each key present against the type's `CodingKeys`. Types whose keys are
/// open (dictionaries) accept any key, as their coding key does.
public struct StrictJSONDecoder: RequestDecoder {
    public let decoder: JSONDecoder

    /// Over `decoder`; by default one that reads dates as ISO 8601, as Hummingbird's own.
    public init(_ decoder: JSONDecoder? = nil) {
        self.decoder = decoder ?? {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            return decoder
        }()
    }

    public func decode<T: Decodable>(_ type: T.Type, from request: Request, context: some RequestContext) async throws -> T {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        return try decode(T.self, from: Data(buffer: buffer))
    }

    /// Decodes `data` as `T`, refusing undeclared fields.
    public func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        try decoder.decode(StrictBox<T>.self, from: data).value
    }
}

/// Decodes its value through a `StrictDecoder` over the `JSONDecoder`'s own.
private struct StrictBox<T: Decodable>: Decodable {
    let value: T
    init(from decoder: any Decoder) throws {
        value = try T(from: StrictDecoder(base: decoder))
    }
}

/// A coding key that takes any name: it lists every key of an object.
private struct AnyKey: CodingKey {
    let stringValue: String
    let intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue; intValue = nil }
    init?(intValue: Int) { stringValue = String(intValue); self.intValue = intValue }
}

/// Whether `T` is decoded by the `JSONDecoder` itself (scalars, and the types its strategies cover): passed straight
/// through, so dates and data keep the decoder's strategies.
private func isLeaf<T>(_ type: T.Type) -> Bool {
    switch type {
    case is String.Type, is Bool.Type, is Double.Type, is Float.Type, is Int.Type, is Int8.Type, is Int16.Type, is Int32.Type,
         is Int64.Type, is UInt.Type, is UInt8.Type, is UInt16.Type, is UInt32.Type, is UInt64.Type, is Date.Type, is Data.Type,
         is URL.Type, is Decimal.Type:
        true
    default:
        false
    }
}

/// A field's place in the body, as a client writes it: `entries[2].note`.
func fieldPath(_ path: [any CodingKey]) -> String {
    var text = ""
    for key in path {
        if let index = key.intValue, key.stringValue == String(index) || key.stringValue.hasPrefix("Index ") {
            text += "[\(index)]"
        } else {
            text += text.isEmpty ? key.stringValue : "." + key.stringValue
        }
    }
    return text
}

private struct StrictDecoder: Decoder {
    let base: any Decoder
    var codingPath: [any CodingKey] { base.codingPath }
    var userInfo: [CodingUserInfoKey: Any] { base.userInfo }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        let present = try base.container(keyedBy: AnyKey.self).allKeys
        for key in present where Key(stringValue: key.stringValue) == nil {
            let field = fieldPath(codingPath + [key])
            throw LedgerError.invalidField(field: String(field.prefix(100)),
                                           reason: "未定义的字段 / unknown field: the API document does not declare it")
        }
        return KeyedDecodingContainer(StrictKeyedContainer<Key>(base: try base.container(keyedBy: Key.self)))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        StrictUnkeyedContainer(base: try base.unkeyedContainer())
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        StrictSingleValueContainer(base: try base.singleValueContainer(), decoder: base)
    }
}

private struct StrictKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    var base: KeyedDecodingContainer<Key>
    var codingPath: [any CodingKey] { base.codingPath }
    var allKeys: [Key] { base.allKeys }

    func contains(_ key: Key) -> Bool { base.contains(key) }
    func decodeNil(forKey key: Key) throws -> Bool { try base.decodeNil(forKey: key) }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        if isLeaf(T.self) { return try base.decode(T.self, forKey: key) }
        guard base.contains(key) else { return try base.decode(T.self, forKey: key) }  // the decoder's own "key not found"
        return try T(from: StrictDecoder(base: try base.superDecoder(forKey: key)))
    }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard base.contains(key), try !base.decodeNil(forKey: key) else { return nil }
        return try decode(T.self, forKey: key)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try StrictDecoder(base: try base.superDecoder(forKey: key)).container(keyedBy: NestedKey.self)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        StrictUnkeyedContainer(base: try base.nestedUnkeyedContainer(forKey: key))
    }

    func superDecoder() throws -> any Decoder { StrictDecoder(base: try base.superDecoder()) }
    func superDecoder(forKey key: Key) throws -> any Decoder { StrictDecoder(base: try base.superDecoder(forKey: key)) }
}

private struct StrictUnkeyedContainer: UnkeyedDecodingContainer {
    var base: any UnkeyedDecodingContainer
    var codingPath: [any CodingKey] { base.codingPath }
    var count: Int? { base.count }
    var isAtEnd: Bool { base.isAtEnd }
    var currentIndex: Int { base.currentIndex }

    mutating func decodeNil() throws -> Bool { try base.decodeNil() }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        if isLeaf(T.self) || isAtEnd { return try base.decode(T.self) }
        return try T(from: StrictDecoder(base: try base.superDecoder()))
    }

    mutating func decodeIfPresent<T: Decodable>(_ type: T.Type) throws -> T? {
        if isAtEnd { return nil }
        if try base.decodeNil() { return nil }
        return try decode(T.self)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try StrictDecoder(base: try base.superDecoder()).container(keyedBy: NestedKey.self)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        StrictUnkeyedContainer(base: try base.nestedUnkeyedContainer())
    }

    mutating func superDecoder() throws -> any Decoder { StrictDecoder(base: try base.superDecoder()) }
}

private struct StrictSingleValueContainer: SingleValueDecodingContainer {
    var base: any SingleValueDecodingContainer
    /// The decoder of this value, for a type that decodes itself from it (a wrapper of one value).
    var decoder: any Decoder
    var codingPath: [any CodingKey] { base.codingPath }

    func decodeNil() -> Bool { base.decodeNil() }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        if isLeaf(T.self) { return try base.decode(T.self) }
        return try T(from: StrictDecoder(base: decoder))
    }
}
