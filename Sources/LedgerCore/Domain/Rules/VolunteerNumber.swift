import Foundation

/// 志愿者编号: the public identifier shown instead of an ID number: "V" and 11 digits,
/// the last a Luhn check digit over the 10 before it (e.g. `V12345678903`).
public struct VolunteerNumber: Hashable, Sendable, Codable, CustomStringConvertible {
    public let value: String

    /// Validates format and check digit; surrounding spaces and a lowercase `v` are accepted.
    public init(_ text: String) throws(VolunteerNumberError) {
        let normalized = IdentifierText.normalized(text)
        let characters = Array(normalized)
        guard characters.count == 12, characters[0] == "V",
              characters[1...].allSatisfy(IdentifierText.isASCIIDigit) else { throw .wrongFormat }
        guard Self.checkDigit(for: String(characters[1..<11])) == characters[11] else { throw .wrongCheckDigit }
        value = normalized
    }

    private init(payload: String) {
        value = "V" + payload + String(Self.checkDigit(for: payload)!)
    }

    /// A new number with 10 random digits and their check digit.
    public static func random<G: RandomNumberGenerator>(using generator: inout G) -> VolunteerNumber {
        let payload = (0..<10).map { _ in String(Int.random(in: 0...9, using: &generator)) }.joined()
        return VolunteerNumber(payload: payload)
    }

    /// The Luhn check digit for 10 digits, or nil when `payload` is not 10 ASCII digits.
    public static func checkDigit(for payload: String) -> Character? {
        let digits = Array(payload)
        guard digits.count == 10, digits.allSatisfy(IdentifierText.isASCIIDigit) else { return nil }
        var sum = 0
        for (offset, character) in digits.reversed().enumerated() {
            var digit = Int(String(character))!
            if offset % 2 == 0 {  // the digit next to the check digit is doubled
                digit *= 2
                if digit > 9 { digit -= 9 }
            }
            sum += digit
        }
        return Character(String((10 - sum % 10) % 10))
    }

    public var description: String { value }

    public init(from decoder: any Decoder) throws {
        self = try IdentifierText.decode(from: decoder) { (text) throws(VolunteerNumberError) in try Self(text) }
    }

    public func encode(to encoder: any Encoder) throws {
        try IdentifierText.encode(value, to: encoder)
    }
}

/// Why a text is not a valid volunteer number.
public enum VolunteerNumberError: Error, Hashable, Sendable, LocalizedError, CustomStringConvertible {
    case wrongFormat
    case wrongCheckDigit

    public var message: String {
        switch self {
        case .wrongFormat:
            "志愿者编号应为字母 V 加 11 位数字 / a volunteer number is the letter V followed by 11 digits"
        case .wrongCheckDigit:
            "志愿者编号校验位错误 / the volunteer number's check digit is wrong"
        }
    }

    public var description: String { message }
    public var errorDescription: String? { message }
}
