import Foundation

/// 证件类型: the kind of identity document a volunteer registers with.
public enum DocumentType: String, Codable, Sendable, CaseIterable {
    case residentID = "resident_id", passport, other

    /// 居民身份证, 护照 or 其他.
    public var chineseLabel: String {
        switch self {
        case .residentID: "居民身份证"
        case .passport: "护照"
        case .other: "其他"
        }
    }

    /// Parses a Chinese label (居民身份证, 身份证, 护照, 其他/其它) or a raw value (any case).
    public init?(label text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        switch trimmed {
        case "居民身份证", "身份证": self = .residentID
        case "护照": self = .passport
        case "其他", "其它": self = .other
        default:
            guard let type = DocumentType(rawValue: trimmed.lowercased()) else { return nil }
            self = type
        }
    }

    /// Decodes the raw value or any label `init(label:)` accepts; encodes the raw value.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let type = DocumentType(label: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                debugDescription: "未知证件类型 / unknown document type \"\(text)\""))
        }
        self = type
    }
}

/// A validated identity document. Two documents are the same person's when type and
/// normalised number are equal (the dedupe key).
public struct IdentityDocument: Hashable, Sendable {
    public let type: DocumentType
    /// Trimmed and uppercased.
    public let number: String

    private init(type: DocumentType, number: String) {
        self.type = type
        self.number = number
    }

    /// The key under which volunteers are deduplicated, e.g. `resident_id:11010519491231002X`.
    public var dedupeKey: String { "\(type.rawValue):\(number)" }

    /// Validates `number` for `type`. For a resident ID the declared date of birth and sex,
    /// when given, must agree with the ones encoded in the number; for other types they are not checked.
    public static func validated(
        type: DocumentType, number: String,
        declaredBirthDate: LocalDate? = nil, declaredSex: Sex? = nil, today: LocalDate
    ) throws(DocumentNumberError) -> IdentityDocument {
        let normalized = IdentifierText.normalized(number)
        guard !normalized.isEmpty else { throw .empty }
        switch type {
        case .residentID:
            let id = try ResidentIDNumber(normalized, today: today)
            if let declaredBirthDate, declaredBirthDate != id.birthDate { throw .birthDateMismatch }
            if let declaredSex, declaredSex != id.sex { throw .sexMismatch }
            return IdentityDocument(type: type, number: id.value)
        case .passport:
            guard (5...20).contains(normalized.count), normalized.allSatisfy(IdentifierText.isASCIILetterOrDigit) else {
                throw .invalidPassportNumber
            }
            return IdentityDocument(type: type, number: normalized)
        case .other:
            guard normalized.count <= 40, normalized.unicodeScalars.allSatisfy(isPrintableWithoutSpace) else {
                throw .invalidOtherNumber
            }
            return IdentityDocument(type: type, number: normalized)
        }
    }

    private static func isPrintableWithoutSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned,
             .spaceSeparator, .lineSeparator, .paragraphSeparator:
            false
        default:
            true
        }
    }
}
