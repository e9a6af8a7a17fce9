import Foundation

/// Masks personal data shown on public pages (certificates, verification, rankings).
/// Each hidden character becomes one `*`, so the length stays visible.
public enum Masking {
    /// Keeps the first 4 and last 4 characters (`1101**********1234`); numbers of 8 characters
    /// or fewer keep only the last 2.
    public static func documentNumber(_ s: String) -> String {
        let characters = Array(s.trimmingCharacters(in: .whitespacesAndNewlines))
        if characters.count <= 8 {
            return stars(characters.count - 2) + String(characters.suffix(2))
        }
        return String(characters.prefix(4)) + stars(characters.count - 8) + String(characters.suffix(4))
    }

    /// An 11-digit mobile number keeps the first 3 and last 4 digits (`138****5678`); other numbers
    /// keep the last 4, and numbers of 4 characters or fewer are hidden entirely.
    public static func phone(_ s: String) -> String {
        let characters = Array(s.trimmingCharacters(in: .whitespacesAndNewlines))
        if characters.count == 11, characters.allSatisfy(IdentifierText.isASCIIDigit) {
            return String(characters.prefix(3)) + stars(4) + String(characters.suffix(4))
        }
        if characters.count <= 4 { return stars(characters.count) }
        return stars(characters.count - 4) + String(characters.suffix(4))
    }

    /// A Chinese name keeps its first character (`欧阳娜娜` -> `欧***`); a Latin name keeps the
    /// first letter of each word (`John Smith` -> `J*** S****`). Spaces, hyphens and the
    /// middle dot of transliterated names (`·`) stay visible.
    public static func name(_ s: String) -> String {
        let trimmed = s.trimmingCharacters(in: .whitespacesAndNewlines)
        let isChinese = trimmed.unicodeScalars.contains(where: isHanIdeograph)
        var masked = ""
        var keepNext = true
        for character in trimmed {
            if isNameSeparator(character) {
                masked.append(character)
                keepNext = keepNext || !isChinese
            } else if keepNext {
                masked.append(character)
                keepNext = false
            } else {
                masked.append("*")
            }
        }
        return masked
    }

    private static func stars(_ count: Int) -> String {
        String(repeating: "*", count: max(0, count))
    }

    private static func isNameSeparator(_ character: Character) -> Bool {
        character.isWhitespace || ["-", "·", "•", "・", "‧", "."].contains(character)
    }

    private static func isHanIdeograph(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x2EBEF, 0x30000...0x323AF: true
        default: false
        }
    }
}
