import Foundation

/// 居民身份证号码: the 18-character resident identity card number (GB 11643-1999): a six-digit
/// region code, the birth date as YYYYMMDD, a three-digit sequence number (odd for men) and a
/// mod-11 check character (0-9 or X).
public struct ResidentIDNumber: Hashable, Sendable, Codable {
    /// The normalised number: trimmed, with a lowercase check character `x` uppercased.
    public let value: String
    public let birthDate: LocalDate

    static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    static let checkCharacters: [Character] = Array("10X98765432")

    /// Validates `text`; the birth date it encodes must be a real day from 1900 up to `today`.
    public init(_ text: String, today: LocalDate) throws(DocumentNumberError) {
        try self.init(validating: text, latestBirthDate: today)
    }

    /// Validates everything except, when `latestBirthDate` is nil, that the birth date is not in the future
    /// (used when decoding numbers that were validated on entry).
    init(validating text: String, latestBirthDate: LocalDate?) throws(DocumentNumberError) {
        let normalized = IdentifierText.normalized(text)
        let characters = Array(normalized)
        guard !characters.isEmpty else { throw .empty }
        guard characters.count == 18 else { throw .wrongLength(actual: characters.count) }
        for (index, character) in characters.enumerated() {
            let allowed = IdentifierText.isASCIIDigit(character) || (index == 17 && character == "X")
            if !allowed { throw .invalidCharacter(character, position: index + 1) }
        }
        guard Self.checkCharacter(for: String(characters[0..<17])) == characters[17] else {
            throw .wrongCheckCharacter
        }
        func number(_ range: Range<Int>) -> Int { Int(String(characters[range]))! }
        guard let birthDate = LocalDate(year: number(6..<10), month: number(10..<12), day: number(12..<14)) else {
            throw .invalidBirthDate
        }
        guard birthDate.year >= 1900 else { throw .birthDateBefore1900 }
        if let latestBirthDate, birthDate > latestBirthDate { throw .birthDateInFuture }
        self.value = normalized
        self.birthDate = birthDate
    }

    /// The check character for the first 17 characters, or nil when they are not 17 ASCII digits.
    public static func checkCharacter(for first17: String) -> Character? {
        let characters = Array(first17)
        guard characters.count == 17, characters.allSatisfy(IdentifierText.isASCIIDigit) else { return nil }
        let sum = zip(characters, weights).reduce(0) { $0 + Int(String($1.0))! * $1.1 }
        return checkCharacters[sum % 11]
    }

    /// 行政区划代码 of the place the number was issued (first six digits).
    public var regionCode: String { String(value.prefix(6)) }

    /// The 17th digit is odd for men and even for women.
    public var sex: Sex {
        let digit = Int(String(Array(value)[16]))!
        return digit % 2 == 1 ? .male : .female
    }

    public init(from decoder: any Decoder) throws {
        self = try IdentifierText.decode(from: decoder) { (text) throws(DocumentNumberError) in
            try Self(validating: text, latestBirthDate: nil)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        try IdentifierText.encode(value, to: encoder)
    }
}
