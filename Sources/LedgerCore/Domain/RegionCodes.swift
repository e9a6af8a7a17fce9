import Foundation

/// A table of administrative division codes (GB/T 2260, 行政区划代码): six digits, province (2), city (2) and
/// county-level district (2). Read from `Resources/region-codes.csv` (`code,name,english_name`) at start, so that
/// pages show "西湖区" rather than "330106".
public struct RegionCodes: Sendable {
    public struct Region: Sendable, Hashable {
        public var code: String
        public var name: String
        public var englishName: String
    }

    private let regions: [String: Region]

    public init(_ regions: [Region] = []) {
        self.regions = Dictionary(regions.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Parses the CSV file's text; a malformed row is an error naming its line and field.
    public init(csvText: String, fileName: String = "region-codes.csv") throws {
        var regions: [Region] = []
        for (index, line) in csvText.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let text = line.trimmingCharacters(in: .whitespaces)
            if index == 0 || text.isEmpty { continue }
            let fields = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count == 3 else {
                throw LedgerError.invalidField(field: "\(fileName):\(index + 1)", reason: "需要 3 列 / needs 3 columns (code,name,english_name)")
            }
            guard Self.isCode(fields[0]) else {
                throw LedgerError.invalidField(field: "\(fileName):\(index + 1) code",
                                               reason: "不是 6 位区划代码 / not a 6-digit region code: \(fields[0].prefix(20))")
            }
            guard !fields[1].isEmpty else { throw LedgerError.invalidField(field: "\(fileName):\(index + 1) name", reason: "不能为空 / must not be empty") }
            regions.append(Region(code: fields[0], name: fields[1], englishName: fields[2].isEmpty ? fields[1] : fields[2]))
        }
        self.init(regions)
    }

    /// Reads `region-codes.csv` in a resources folder; an empty table when the file is missing.
    public static func load(resourcesFolder: String) throws -> RegionCodes {
        let path = URL(fileURLWithPath: resourcesFolder).appendingPathComponent("region-codes.csv").path
        guard let data = FileManager.default.contents(atPath: path) else { return RegionCodes() }
        return try RegionCodes(csvText: String(decoding: data, as: UTF8.self))
    }

    public var count: Int { regions.count }

    static func isCode(_ text: String) -> Bool {
        text.utf8.count == 6 && text.utf8.allSatisfy { (0x30...0x39).contains($0) }
    }

    /// The region of a code, where the table holds it.
    public func region(_ code: String) -> Region? { regions[code] }

    /// The district-level code (the first six digits) of a code, which may be longer (a street's 9 or 12 digits).
    public static func districtCode(of code: String) -> String { String(code.prefix(6)) }

    /// The city-level code (`3301` + `00`) of a code.
    public static func cityCode(of code: String) -> String { String(code.prefix(4)) + "00" }

    /// A code's name in a language ("zh" or "en"), with its parent city when it is a district
    /// ("杭州市西湖区"); the code itself when unknown.
    public func name(_ code: String, english: Bool = false) -> String {
        let district = Self.districtCode(of: code)
        guard let region = regions[district] else { return code }
        return english ? region.englishName : region.name
    }

    /// "西湖区 (330106)", as a list shows a code.
    public func label(_ code: String, english: Bool = false) -> String {
        let name = name(code, english: english)
        return name == code ? code : "\(name) (\(code))"
    }

    /// The districts under a prefix ("3301" → Hangzhou's districts), by code.
    public func districts(under prefix: String) -> [Region] {
        regions.values.filter { $0.code.hasPrefix(prefix) && !$0.code.hasSuffix("00") }.sorted { $0.code < $1.code }
    }

    /// The prefix a region code filters by: "330100" → "3301", "330000" → "33", "330106" → "330106".
    public static func prefix(of code: String) -> String {
        var prefix = Substring(code)
        while prefix.count > 2, prefix.hasSuffix("00") { prefix = prefix.dropLast(2) }
        return String(prefix)
    }
}
