import Foundation

/// 性别 as recorded on an identity document.
public enum Sex: String, Codable, Sendable, CaseIterable {
    case male, female

    /// 男 or 女.
    public var chineseLabel: String {
        switch self {
        case .male: "男"
        case .female: "女"
        }
    }

    /// Parses 男/女, male/female or M/F (any case, surrounding spaces ignored), as typed in spreadsheets.
    public init?(label text: String) {
        switch text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased() {
        case "男", "male", "m": self = .male
        case "女", "female", "f": self = .female
        default: return nil
        }
    }

    /// Decodes the raw value or any label `init(label:)` accepts; encodes the raw value.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let sex = Sex(label: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                debugDescription: "性别应为 男/女 / sex must be male or female, got \"\(text)\""))
        }
        self = sex
    }
}
