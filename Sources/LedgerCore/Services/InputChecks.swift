import Foundation

/// Small checks of free-text input shared by the use cases.
enum InputCheck {
    /// Trimmed text, required and at most `maxLength` characters.
    static func required(_ value: String, field: String, maxLength: Int = 200) throws(LedgerError) -> String {
        let text = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else {
            throw .invalidField(field: field, reason: "不能为空 / is required")
        }
        guard text.count <= maxLength else {
            throw .invalidField(field: field, reason: "不能超过 \(maxLength) 个字符 / must be at most \(maxLength) characters")
        }
        return text
    }

    /// Trimmed optional text of at most `maxLength` characters.
    static func optional(_ value: String?, field: String, maxLength: Int = 2000) throws(LedgerError) -> String {
        let text = (value ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.count <= maxLength else {
            throw .invalidField(field: field, reason: "不能超过 \(maxLength) 个字符 / must be at most \(maxLength) characters")
        }
        return text
    }

    /// A phone number: digits with optional +, - and spaces, 5 to 20 characters.
    static func phone(_ value: String, field: String = "phone") throws(LedgerError) -> String {
        let text = value.trimmingCharacters(in: .whitespaces)
        let allowed = Set("0123456789+- ")
        guard (5...20).contains(text.count), text.allSatisfy({ allowed.contains($0) }),
              text.contains(where: \.isNumber) else {
            throw .invalidField(field: field, reason: "不是有效的电话号码 / is not a valid phone number")
        }
        return text
    }

    /// A page size between 1 and 500, 50 by default.
    static func limit(_ value: Int?) throws(LedgerError) -> Int {
        guard let value else { return 50 }
        guard (1...500).contains(value) else {
            throw .invalidField(field: "limit", reason: "必须在 1 到 500 之间 / must be between 1 and 500")
        }
        return value
    }

    /// A time zone known to the system.
    static func timeZone(_ identifier: String?) throws(LedgerError) -> String {
        guard let identifier, !identifier.isEmpty else { return TimeZone.ledgerDefault.identifier }
        guard TimeZone(identifier: identifier) != nil else {
            throw .invalidField(field: "timeZone", reason: "未知的时区 \(identifier) / unknown time zone \(identifier)")
        }
        return identifier
    }
}
