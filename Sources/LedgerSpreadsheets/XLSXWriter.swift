import Foundation
import LedgerCore
import ZIPFoundation

/// Writes a one-sheet Excel workbook (`.xlsx`): text as inline strings (never formulas), numbers as numbers,
/// date-times as Excel date serials with a date format, so Excel sorts and sums them as its own.
public struct XLSXWriter {
    public enum Cell: Sendable, Equatable {
        case text(String)
        case number(Double)
        /// Days since 1899-12-30, shown as a date and time.
        case dateTime(Double)
    }

    private var sheetRows: [String] = []

    public init() {}

    public mutating func writeRow(_ cells: [Cell]) {
        let number = sheetRows.count + 1
        var xml = "<row r=\"\(number)\">"
        for (index, cell) in cells.enumerated() {
            let reference = Self.columnName(index) + String(number)
            switch cell {
            case .text(let text):
                xml += "<c r=\"\(reference)\" t=\"inlineStr\"><is><t xml:space=\"preserve\">\(Self.escaped(text))</t></is></c>"
            case .number(let value):
                xml += "<c r=\"\(reference)\"><v>\(Self.decimal(value))</v></c>"
            case .dateTime(let serial):
                xml += "<c r=\"\(reference)\" s=\"1\"><v>\(Self.decimal(serial))</v></c>"
            }
        }
        sheetRows.append(xml + "</row>")
    }

    /// The workbook's bytes.
    public func bytes() throws -> [UInt8] {
        let sheet = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>\(sheetRows.joined())</sheetData></worksheet>
            """
        let parts: [(String, String)] = [
            ("[Content_Types].xml", """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
                <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
                <Default Extension="xml" ContentType="application/xml"/>\
                <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
                <Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\
                <Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
                </Types>
                """),
            ("_rels/.rels", """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
                <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>\
                </Relationships>
                """),
            ("xl/workbook.xml", """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
                xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
                <sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>
                """),
            ("xl/_rels/workbook.xml.rels", """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
                <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>\
                <Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>\
                </Relationships>
                """),
            ("xl/styles.xml", """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
                <numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm"/></numFmts>\
                <fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>\
                <fills count="1"><fill><patternFill patternType="none"/></fill></fills>\
                <borders count="1"><border/></borders>\
                <cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
                <cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
                <xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>\
                </styleSheet>
                """),
            ("xl/worksheets/sheet1.xml", sheet),
        ]
        let archive = try Archive(accessMode: .create)
        for (path, text) in parts {
            let data = Data(text.utf8)
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<min(Int(position) + size, data.count))
            }
        }
        guard let data = archive.data else { throw XLSXError("the workbook could not be written") }
        return Array(data)
    }

    /// `A`, `B`, … `Z`, `AA`, …
    static func columnName(_ index: Int) -> String {
        var index = index + 1, name = ""
        while index > 0 {
            let remainder = (index - 1) % 26
            name = String(UnicodeScalar(UInt8(65 + remainder))) + name
            index = (index - 1) / 26
        }
        return name
    }

    static func escaped(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            // Characters XML 1.0 cannot carry are dropped.
            case _ where scalar.value < 0x20 && scalar != "\t" && scalar != "\n" && scalar != "\r": continue
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    static func decimal(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}

extension XLSXWriter {
    /// A workbook of the rows of a CSV export (UTF-8 as the ledger writes it): times as Excel dates, hours as
    /// numbers, the rest as text, without the apostrophe the CSV puts before formula-like text.
    public static func fromCSV(_ csv: [UInt8]) throws -> [UInt8] {
        var reader = try CSVReader(bytes: csv)
        var writer = XLSXWriter()
        var header: [String] = []
        while let row = try reader.next() {
            if header.isEmpty { header = row.fields; writer.writeRow(row.fields.map { .text($0) }); continue }
            writer.writeRow(row.fields.enumerated().map { index, field in
                let name = index < header.count ? header[index] : ""
                if name.contains("时间") || name.hasSuffix("_at") || name.hasSuffix(" start") || name.hasSuffix(" end"),
                   let local = SpreadsheetValue.localDateTime(field) {
                    let days = Double(local.date.daysSinceEpoch + 25569)
                    return .dateTime(days + Double(local.hour * 60 + local.minute) / 1440)
                }
                if name.contains("小时") || name.contains("记录数"), let number = Double(field) { return .number(number) }
                if field.hasPrefix("'"), let next = field.dropFirst().first, "=+-@\t\r".contains(next) { return .text(String(field.dropFirst())) }
                return .text(field)
            })
        }
        return try writer.bytes()
    }
}

extension XLSXReader {
    /// The first sheet as UTF-8 CSV, every field quoted, for the CSV import (line n is Excel's row n).
    public static func csv(_ bytes: [UInt8]) throws -> [UInt8] {
        var output: [UInt8] = []
        for row in try rows(bytes) {
            output += Array(row.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: ",").utf8)
            output.append(0x0A)
        }
        return output
    }
}
