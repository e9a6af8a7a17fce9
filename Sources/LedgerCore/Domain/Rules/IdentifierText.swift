import Foundation

/// Shared text handling for identifiers typed by people or read from spreadsheets.
enum IdentifierText {
    /// Trims surrounding whitespace (including the full-width space) and uppercases.
    static func normalized(_ text: String) -> String {
        text.trimmingCharacters(in: .whitespacesAndNewlines).uppercased()
    }

    static func isASCIIDigit(_ character: Character) -> Bool {
        guard let ascii = character.asciiValue else { return false }
        return (48...57).contains(ascii)
    }

    static func isASCIILetterOrDigit(_ character: Character) -> Bool {
        guard let ascii = character.asciiValue else { return false }
        return (48...57).contains(ascii) || (65...90).contains(ascii) || (97...122).contains(ascii)
    }

    /// Decodes an identifier stored as a plain JSON string, validating it with `parse`.
    static func decode<Value, Failure: Error & CustomStringConvertible>(
        from decoder: any Decoder, _ parse: (String) throws(Failure) -> Value
    ) throws -> Value {
        let text = try decoder.singleValueContainer().decode(String.self)
        do {
            return try parse(text)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    static func encode(_ value: String, to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}
