import Foundation

/// What the platform's organization list is narrowed to: a name (any part of it) or the start of a credit code, and the
/// start of a region code. Each is answered from an index, except a part of a name, which reads the organizations in id
/// order until a page is full (9,000 rows for a city at most).
public struct OrganizationSearch: Sendable, Hashable {
    /// Part of a name, or the start of a credit code (2 to 18 letters and digits).
    public var text: String?
    /// The start of a region code (1 to 6 digits).
    public var regionPrefix: String?

    public init(text: String? = nil, regionPrefix: String? = nil) {
        self.text = text
        self.regionPrefix = regionPrefix
    }

    /// The start of a credit code, when the text is one (it is then not searched in names).
    public var creditCodePrefix: String? {
        guard let text, (2...18).contains(text.count), text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else { return nil }
        return text.uppercased()
    }

    /// The end (excluded) of the index range of codes starting with `prefix`: its last character raised by one.
    public static func rangeEnd(ofPrefix prefix: String) -> String {
        guard let last = prefix.unicodeScalars.last, let next = Unicode.Scalar(last.value + 1) else { return prefix }
        return String(prefix.unicodeScalars.dropLast()) + String(next)
    }
}

extension OrganizationSearch {
    /// Checks and normalizes what a person typed; throws a field error for a region that is not digits or text too long.
    public static func checked(text rawText: String?, region rawRegion: String?) throws(LedgerError) -> OrganizationSearch {
        let text = rawText?.trimmingCharacters(in: .whitespaces) ?? ""
        let region = rawRegion?.trimmingCharacters(in: .whitespaces) ?? ""
        guard text.count <= 50 else {
            throw .invalidField(field: "q", reason: "最多 50 个字符 / at most 50 characters")
        }
        guard region.count <= 6, region.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw .invalidField(field: "region", reason: "行政区划代码为 1 到 6 位数字 / a region code is 1 to 6 digits")
        }
        return OrganizationSearch(text: text.isEmpty ? nil : text, regionPrefix: region.isEmpty ? nil : region)
    }
}
