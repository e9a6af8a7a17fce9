import Foundation

/// 行政区划代码: a six-digit administrative division code (GB/T 2260), e.g. 110101 for
/// Dongcheng District, Beijing; the first two digits name the province.
public struct RegionCode: Hashable, Sendable, Codable, CustomStringConvertible {
    public let value: String

    public init(_ text: String) throws(RegionCodeError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.count == 6, trimmed.allSatisfy(IdentifierText.isASCIIDigit) else { throw .wrongFormat }
        guard trimmed.first != "0" else { throw .leadingZero }
        value = trimmed
    }

    /// The code of the province-level division, e.g. 110000 for 110101.
    public var provinceCode: String { value.prefix(2) + "0000" }

    public var description: String { value }

    public init(from decoder: any Decoder) throws {
        self = try IdentifierText.decode(from: decoder) { (text) throws(RegionCodeError) in try Self(text) }
    }

    public func encode(to encoder: any Encoder) throws {
        try IdentifierText.encode(value, to: encoder)
    }
}

/// Why a text is not a valid region code.
public enum RegionCodeError: Error, Hashable, Sendable, LocalizedError, CustomStringConvertible {
    case wrongFormat
    case leadingZero

    public var message: String {
        switch self {
        case .wrongFormat:
            "行政区划代码应为 6 位数字 / a region code is exactly 6 digits"
        case .leadingZero:
            "行政区划代码不能以 0 开头 / a region code cannot start with 0"
        }
    }

    public var description: String { message }
    public var errorDescription: String? { message }
}
