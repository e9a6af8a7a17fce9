import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import LedgerCore
import ZIPFoundation

/// A workbook that cannot be read, with the part at fault.
public struct XLSXError: Error, CustomStringConvertible, Sendable {
    public var description: String
    init(_ description: String) { self.description = description }
}

/// Reads the first sheet of an Excel workbook (`.xlsx`) as rows of text: shared and inline strings as
/// written, numbers as Excel shows them without grouping, and cells formatted as dates or times as
/// `2026-03-01 09:00` (Excel stores them as days since 1899-12-30), so the CSV import rules apply unchanged.
public enum XLSXReader {
    /// At most this many bytes of XML per part, and of cells per sheet: a zip bomb is refused, not expanded.
    public static let maxPartBytes = 256 << 20
    public static let maxRows = 1_100_000
    public static let maxColumns = 200

    /// Whether `bytes` start like a ZIP file (every .xlsx does).
    public static func looksLikeWorkbook(_ bytes: [UInt8]) -> Bool {
        bytes.count > 4 && bytes[0] == 0x50 && bytes[1] == 0x4B && bytes[2] == 0x03 && bytes[3] == 0x04
    }

    public static func rows(_ bytes: [UInt8]) throws -> [[String]] {
        let archive: Archive
        do { archive = try Archive(data: Data(bytes), accessMode: .read) } catch {
            throw XLSXError("not an Excel workbook (.xlsx): the ZIP container cannot be read")
        }
        let sheetPath = try firstSheetPath(archive)
        let shared = try part(archive, "xl/sharedStrings.xml", required: false).map(SharedStringsParser.parse) ?? []
        let dateStyles = try part(archive, "xl/styles.xml", required: false).map(StylesParser.dateStyles) ?? []
        guard let sheet = try part(archive, sheetPath, required: true) else { throw XLSXError("\(sheetPath) is missing") }
        return try SheetParser.parse(sheet, sharedStrings: shared, dateStyles: dateStyles)
    }

    /// The first sheet's part, as named by the workbook and its relationships.
    static func firstSheetPath(_ archive: Archive) throws -> String {
        guard let workbook = try part(archive, "xl/workbook.xml", required: true),
              let relationshipId = AttributeFinder.first(element: "sheet", attribute: "r:id", in: workbook) else {
            throw XLSXError("xl/workbook.xml names no sheet")
        }
        guard let relationships = try part(archive, "xl/_rels/workbook.xml.rels", required: true),
              let target = AttributeFinder.target(of: relationshipId, in: relationships) else {
            throw XLSXError("xl/_rels/workbook.xml.rels has no target for the first sheet")
        }
        return target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
    }

    static func part(_ archive: Archive, _ path: String, required: Bool) throws -> Data? {
        guard let entry = archive[path] else {
            if required { throw XLSXError("\(path) is missing from the workbook") }
            return nil
        }
        guard entry.uncompressedSize <= UInt64(maxPartBytes) else { throw XLSXError("\(path) is larger than \(maxPartBytes >> 20) MiB") }
        var data = Data()
        _ = try archive.extract(entry, skipCRC32: false) { chunk in
            data.append(chunk)
            if data.count > maxPartBytes { throw XLSXError("\(path) is larger than \(maxPartBytes >> 20) MiB") }
        }
        return data
    }

    /// Days since 1899-12-30 (Excel's 1900 date system) as `YYYY-MM-DD HH:MM`, or `YYYY-MM-DD` at midnight.
    static func excelDate(_ serial: Double) -> String? {
        guard serial.isFinite, serial >= 1, serial < 2_958_466 else { return nil }
        let totalMinutes = Int((serial * 1440).rounded())
        let days = totalMinutes / 1440, minutes = totalMinutes % 1440
        // 1899-12-30 is 25569 days before 1970-01-01.
        let date = LocalDate(daysSinceEpoch: days - 25569)
        return minutes == 0 ? date.description : String(format: "%@ %02d:%02d", date.description, minutes / 60, minutes % 60)
    }
}

/// Finds attributes with a small SAX pass (the workbook and its relationships are a few lines).
enum AttributeFinder {
    final class Delegate: NSObject, XMLParserDelegate {
        let element: String
        var found: [[String: String]] = []
        init(element: String) { self.element = element }
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String]) {
            if name == element || qualifiedName == element { found.append(attributes) }
        }
    }

    static func all(element: String, in data: Data) -> [[String: String]] {
        let delegate = Delegate(element: element)
        let parser = XMLParser(data: data)
        parser.delegate = delegate
        parser.parse()
        return delegate.found
    }

    static func first(element: String, attribute: String, in data: Data) -> String? {
        all(element: element, in: data).first?[attribute]
    }

    static func target(of id: String, in data: Data) -> String? {
        all(element: "Relationship", in: data).first { $0["Id"] == id }?["Target"]
    }
}

/// `xl/sharedStrings.xml`: the text of each `<si>`, runs joined.
enum SharedStringsParser {
    final class Delegate: NSObject, XMLParserDelegate {
        var strings: [String] = []
        var current = ""
        var inText = false, inItem = false, inPhonetic = false
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String]) {
            switch name {
            case "si": inItem = true; current = ""
            case "t": inText = inItem && !inPhonetic
            case "rPh": inPhonetic = true
            default: break
            }
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) { if inText { current += string } }
        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            switch name {
            case "si": strings.append(current); inItem = false
            case "t": inText = false
            case "rPh": inPhonetic = false
            default: break
            }
        }
    }

    static func parse(_ data: Data) throws -> [String] {
        let delegate = Delegate()
        let parser = XMLParser(data: data)
        parser.delegate = delegate
        guard parser.parse() else { throw XLSXError("xl/sharedStrings.xml is not well-formed XML") }
        return delegate.strings
    }
}

/// `xl/styles.xml`: which cell styles (`s` of a cell) show a date or time.
enum StylesParser {
    /// Excel's built-in date and time formats.
    static let builtInDateFormats: Set<Int> = [14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 30, 36, 45, 46, 47, 50, 57]

    final class Delegate: NSObject, XMLParserDelegate {
        var customDateFormats: Set<Int> = []
        var styleFormats: [Int] = []
        var inCellXfs = false
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String]) {
            switch name {
            case "numFmt":
                if let id = attributes["numFmtId"].flatMap(Int.init), let code = attributes["formatCode"], Self.isDateCode(code) {
                    customDateFormats.insert(id)
                }
            case "cellXfs": inCellXfs = true
            case "xf" where inCellXfs: styleFormats.append(attributes["numFmtId"].flatMap(Int.init) ?? 0)
            default: break
            }
        }
        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if name == "cellXfs" { inCellXfs = false }
        }

        /// A format code shows a date when, outside quotes and brackets, it has y, d or h (m alone may be minutes or months).
        static func isDateCode(_ code: String) -> Bool {
            var inQuote = false, inBracket = false
            for character in code.lowercased() {
                switch character {
                case "\"": inQuote.toggle()
                case "[": inBracket = true
                case "]": inBracket = false
                case "y", "d", "h" where !inQuote && !inBracket: return true
                default: continue
                }
            }
            return false
        }
    }

    static func dateStyles(_ data: Data) throws -> Set<Int> {
        let delegate = Delegate()
        let parser = XMLParser(data: data)
        parser.delegate = delegate
        guard parser.parse() else { throw XLSXError("xl/styles.xml is not well-formed XML") }
        let dateFormats = builtInDateFormats.union(delegate.customDateFormats)
        return Set(delegate.styleFormats.enumerated().filter { dateFormats.contains($0.element) }.map(\.offset))
    }
}

/// A worksheet's `<row>`s and `<c>`ells, placed by their `r` reference (`C7`), gaps filled with empty text.
enum SheetParser {
    final class Delegate: NSObject, XMLParserDelegate {
        let sharedStrings: [String]
        let dateStyles: Set<Int>
        var rows: [[String]] = []
        var row: [String] = []
        var rowNumber = 0
        var cellColumn = 0, cellType = "", cellStyle = 0
        var value = ""
        var collecting = false
        var failure: XLSXError?

        init(sharedStrings: [String], dateStyles: Set<Int>) {
            self.sharedStrings = sharedStrings
            self.dateStyles = dateStyles
        }

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String]) {
            switch name {
            case "row":
                let number = attributes["r"].flatMap(Int.init) ?? rowNumber + 1
                guard number > rowNumber, number <= XLSXReader.maxRows else { return fail("row \(number) out of order or beyond \(XLSXReader.maxRows)", parser) }
                // Empty rows between stay as empty lines, so line numbers in messages match Excel's row numbers.
                while rowNumber + 1 < number { rows.append([]); rowNumber += 1 }
                rowNumber = number
                row = []
            case "c":
                cellColumn = attributes["r"].flatMap(Self.column) ?? row.count
                guard cellColumn < XLSXReader.maxColumns else { return fail("more than \(XLSXReader.maxColumns) columns in row \(rowNumber)", parser) }
                cellType = attributes["t"] ?? "n"
                cellStyle = attributes["s"].flatMap(Int.init) ?? 0
                value = ""
            case "v", "t":
                collecting = true
            default: break
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if collecting { value += string }
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            switch name {
            case "v", "t": collecting = false
            case "c":
                while row.count < cellColumn { row.append("") }
                row.append(text())
            case "row": rows.append(row)
            default: break
            }
        }

        func text() -> String {
            switch cellType {
            case "s": return Int(value).flatMap { $0 < sharedStrings.count ? sharedStrings[$0] : nil } ?? ""
            case "b": return value == "1" ? "TRUE" : "FALSE"
            case "inlineStr", "str", "e": return value
            default:
                if dateStyles.contains(cellStyle), let serial = Double(value), let date = XLSXReader.excelDate(serial) { return date }
                if let number = Double(value), number == number.rounded(), abs(number) < 1e15 { return String(Int64(number)) }
                return value
            }
        }

        func fail(_ message: String, _ parser: XMLParser) {
            failure = XLSXError(message)
            parser.abortParsing()
        }

        /// The 0-based column of a reference such as `AB12`.
        static func column(_ reference: String) -> Int? {
            var column = 0, letters = 0
            for scalar in reference.unicodeScalars {
                guard (65...90).contains(scalar.value) else { break }
                column = column * 26 + Int(scalar.value - 64)
                letters += 1
            }
            return letters == 0 || letters > 3 ? nil : column - 1
        }
    }

    static func parse(_ data: Data, sharedStrings: [String], dateStyles: Set<Int>) throws -> [[String]] {
        let delegate = Delegate(sharedStrings: sharedStrings, dateStyles: dateStyles)
        let parser = XMLParser(data: data)
        parser.delegate = delegate
        let parsed = parser.parse()
        if let failure = delegate.failure { throw failure }
        guard parsed else { throw XLSXError("the first sheet is not well-formed XML") }
        return delegate.rows
    }
}
