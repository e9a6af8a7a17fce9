import Foundation

/// 统一社会信用代码: the 18-character code that identifies an organization (GB 32100-2015).
/// The last character is a mod-31 check character over the first 17.
public struct UnifiedSocialCreditCode: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The normalised code: trimmed and uppercased.
    public let value: String

    /// The 31 characters the standard allows (no I, O, S, V, Z); a character's index is its value.
    static let alphabet: [Character] = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
    static let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

    public init(_ text: String) throws(CreditCodeError) {
        let normalized = IdentifierText.normalized(text)
        let characters = Array(normalized)
        guard characters.count == 18 else { throw .wrongLength(actual: characters.count) }
        for (index, character) in characters.enumerated() where Self.alphabet.firstIndex(of: character) == nil {
            throw .invalidCharacter(character, position: index + 1)
        }
        guard Self.checkCharacter(for: String(characters[0..<17])) == characters[17] else {
            throw .wrongCheckCharacter
        }
        value = normalized
    }

    /// The check character for the first 17 characters of a code, or nil when they are not
    /// 17 characters of the code's alphabet.
    public static func checkCharacter(for first17: String) -> Character? {
        let characters = Array(first17.uppercased())
        guard characters.count == 17 else { return nil }
        var sum = 0
        for (character, weight) in zip(characters, weights) {
            guard let digit = alphabet.firstIndex(of: character) else { return nil }
            sum += digit * weight
        }
        return alphabet[(31 - sum % 31) % 31]
    }

    /// 登记管理部门代码, e.g. "9" for market regulation (工商).
    public var registrationAuthority: Character { value.first! }

    /// 机构类别代码, e.g. "1" for an enterprise under market regulation.
    public var organizationType: Character { Array(value)[1] }

    /// 登记管理机关行政区划码: the six-character region code in positions 3-8.
    public var regionCode: String { String(Array(value)[2..<8]) }

    public var description: String { value }

    public init(from decoder: any Decoder) throws {
        self = try IdentifierText.decode(from: decoder) { (text) throws(CreditCodeError) in try Self(text) }
    }

    public func encode(to encoder: any Encoder) throws {
        try IdentifierText.encode(value, to: encoder)
    }
}

/// Why a text is not a valid unified social credit code.
public enum CreditCodeError: Error, Hashable, Sendable, LocalizedError, CustomStringConvertible {
    case wrongLength(actual: Int)
    /// `position` is 1-based.
    case invalidCharacter(Character, position: Int)
    case wrongCheckCharacter

    public var message: String {
        switch self {
        case .wrongLength(let actual):
            "统一社会信用代码应为 18 位，实为 \(actual) 位 / a unified social credit code has 18 characters, not \(actual)"
        case .invalidCharacter(let character, let position):
            "统一社会信用代码第 \(position) 位的“\(character)”不是有效字符（只允许数字和除 I、O、S、V、Z 以外的大写字母）"
                + " / the unified social credit code has an invalid character \"\(character)\" at position \(position)"
                + " (only digits and capital letters other than I, O, S, V and Z are allowed)"
        case .wrongCheckCharacter:
            "统一社会信用代码校验位错误 / the unified social credit code's check character is wrong"
        }
    }

    public var description: String { message }
    public var errorDescription: String? { message }
}
