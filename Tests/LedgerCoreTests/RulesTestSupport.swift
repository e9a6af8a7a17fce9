import Foundation
@testable import LedgerCore

/// Factories shared by the domain-rule tests.
enum RulesFixtures {
    /// A fixed "today" so birth-date checks do not depend on the clock.
    static let today = date("2026-06-01")

    static func date(_ iso: String) -> LocalDate {
        guard let date = LocalDate(iso: iso) else { fatalError("bad fixture date \(iso)") }
        return date
    }

    static func dates(_ isoDates: String...) -> Set<LocalDate> {
        Set(isoDates.map(date))
    }

    /// An 18-character resident ID number with a correct check character.
    static func residentID(region: String = "110101", birth: String = "19900307", sequence: String = "123") -> String {
        let first17 = region + birth + sequence
        guard let check = ResidentIDNumber.checkCharacter(for: first17) else { fatalError("bad fixture \(first17)") }
        return first17 + String(check)
    }

    /// `valid` with its last character replaced by a different one from `alphabet`.
    static func withWrongLastCharacter(_ valid: String, alphabet: String) -> String {
        let replacement = alphabet.first { $0 != valid.last }!
        return String(valid.dropLast()) + String(replacement)
    }

    static func json<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, json: String) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(json.utf8))
    }
}

/// A deterministic generator (SplitMix64) so random volunteer numbers are reproducible.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
