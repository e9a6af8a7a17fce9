import CCairo
import Foundation
import LedgerCore

/// The language a certificate's PDF is written in. Chinese is the default everywhere; the English
/// rendering is for volunteers applying abroad (names of people, organizations and activities stay as
/// recorded). `rawValue` is the `lang` query parameter / `--lang` option value.
public enum CertificateLanguage: String, Sendable, CaseIterable {
    case chinese = "zh"
    case english = "en"

    /// The language for a `lang` parameter: "zh"/"zh-CN"/"chinese" or "en"/"en-US"/"english" (case-insensitive);
    /// nil for anything else.
    public init?(parameter: String) {
        switch parameter.lowercased() {
        case "zh", "zh-cn", "zh-hans", "chinese": self = .chinese
        case "en", "en-us", "en-gb", "english": self = .english
        default: return nil
        }
    }
}

/// Renders a certificate as an A4 PDF with cairo: title, statement, the facts it certifies, the table
/// of covered activities (continued on further pages when long), issue date, a space for the issuer's
/// seal, the QR code (40 mm wide), the serial and the verification URLs. Chinese text uses an embedded
/// subset of a system CJK font.
public enum CertificatePDF {
    static let pageWidth = 595.28
    static let pageHeight = 841.89
    static let margin = 56.0
    static let qrWidth = 42 / 25.4 * 72  // 42 mm with the quiet zone: the symbol itself is 36 mm or more

    public static func render(_ issued: IssuedCertificate, language: CertificateLanguage = .chinese) throws -> [UInt8] {
        let fonts = try CertificateFonts.load()
        let qr = try QRCode(issued.verificationURL)
        let sink = CairoBytes()
        return try withExtendedLifetime(sink) {
            guard let surface = cairo_pdf_surface_create_for_stream(CairoBytes.write, Unmanaged.passUnretained(sink).toOpaque(),
                                                                    pageWidth, pageHeight) else {
                throw CairoFailure("no PDF surface")
            }
            let certificate = issued.certificate
            cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, "\(CertificateText.title) \(certificate.groupedSerial)")
            cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "VolunteerLedger")
            cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_AUTHOR, certificate.issuerName)
            let canvas = Canvas(cr: cairo_create(surface), fonts: fonts)
            defer { cairo_destroy(canvas.cr) }
            let layout = Layout(issued: issued, qr: qr, canvas: canvas)
            layout.draw()
            cairo_surface_finish(surface)
            let status = cairo_surface_status(surface)
            cairo_surface_destroy(surface)
            guard status == CAIRO_STATUS_SUCCESS else {
                throw CairoFailure("PDF rendering failed: \(String(cString: cairo_status_to_string(status)))")
            }
            return sink.bytes
        }
    }

    /// Where things go on the pages.
    private struct Layout {
        let issued: IssuedCertificate
        let qr: QRCode
        let canvas: Canvas

        var certificate: Certificate { issued.certificate }
        var contentWidth: Double { pageWidth - 2 * margin }
        /// The first page's table ends here; the footer with QR code and seal follows.
        let footerTop = 600.0
        let rowHeight = 17.0

        /// Table columns: title, (recording organization), date, hours.
        var columns: [(header: String, width: Double, alignRight: Bool)] {
            if certificate.isPlatformIssued {
                return [("序号", 30, false), ("服务内容 Activity", 188, false), ("记录单位 Recorded by", 130, false),
                        ("服务日期 Date", 72, false), ("时长 Hours", 63.28, true)]
            }
            return [("序号", 32, false), ("服务内容 Activity", 290, false), ("服务日期 Date", 85, false),
                    ("时长(小时) Hours", 76.28, true)]
        }

        func draw() {
            frame(page: 1, of: 1)
            heading()
            let tableTop = statement() + 6
            // Leave a line under the table for "continued overleaf" above the footer.
            let firstPageRows = Int((footerTop - 22 - tableTop - rowHeight) / rowHeight)
            let remaining = max(0, issued.records.count - firstPageRows)
            let continuationRows = Int((pageHeight - margin - 30 - 110 - rowHeight) / rowHeight)
            let pages = 1 + (remaining + continuationRows - 1) / continuationRows
            pageNumber(1, of: pages)
            var index = 0
            index = table(from: index, count: firstPageRows, top: tableTop)
            footer()
            var page = 1
            while index < issued.records.count {
                cairo_show_page(canvas.cr)
                page += 1
                frame(page: page, of: pages)
                canvas.text("\(CertificateText.title)（续）/ continued", x: pageWidth / 2, y: 84, font: canvas.fonts.serifBold,
                            size: 15, align: .center)
                canvas.text("证明编号 No. \(certificate.groupedSerial)", x: pageWidth - margin, y: 104,
                            font: canvas.fonts.sans, size: 8.5, align: .right)
                index = table(from: index, count: continuationRows, top: 116)
            }
        }

        /// The border of every page.
        func frame(page: Int, of pages: Int) {
            canvas.stroke(x: 26, y: 26, width: pageWidth - 52, height: pageHeight - 52, lineWidth: 2.2, red: true)
            canvas.stroke(x: 31, y: 31, width: pageWidth - 62, height: pageHeight - 62, lineWidth: 0.6, red: true)
            if page > 1 { pageNumber(page, of: pages) }
        }

        func pageNumber(_ page: Int, of pages: Int) {
            canvas.text("第 \(page) 页，共 \(pages) 页 / page \(page) of \(pages)", x: pageWidth / 2, y: pageHeight - 36,
                        font: canvas.fonts.sans, size: 7.5, align: .center, gray: 0.35)
        }

        func heading() {
            canvas.text("证明编号 No. \(certificate.groupedSerial)", x: pageWidth - margin, y: 58, font: canvas.fonts.sans,
                        size: 8.5, align: .right)
            canvas.text(CertificateText.title, x: pageWidth / 2, y: 102, font: canvas.fonts.serifBold, size: 28, align: .center)
            canvas.text(CertificateText.englishTitle, x: pageWidth / 2, y: 122, font: canvas.fonts.sans, size: 10.5,
                        align: .center, gray: 0.3)
        }

        /// The statement and the facts; returns where they end.
        func statement() -> Double {
            var y = 158.0
            for line in canvas.wrap(CertificateText.statement(certificate), font: canvas.fonts.serif, size: 12.5,
                                    width: contentWidth, indent: 25) {
                canvas.text(line.text, x: margin + line.indent, y: y, font: canvas.fonts.serif, size: 12.5)
                y += 20
            }
            for line in canvas.wrap(CertificateText.englishStatement(certificate), font: canvas.fonts.sans, size: 8.5,
                                    width: contentWidth) {
                canvas.text(line.text, x: margin, y: y - 4, font: canvas.fonts.sans, size: 8.5, gray: 0.3)
                y += 12
            }
            y += 8
            let facts: [(String, String)] = [
                ("志愿者 Volunteer", "\(certificate.volunteerName)（\(certificate.volunteerNumber)）"),
                ("证件号码 ID number", certificate.maskedDocumentNumber),
                ("出具单位 Issuer", certificate.issuerName),
                ("统一社会信用代码 Credit code", CertificateText.issuerCode(certificate)),
                ("服务期间 Period", CertificateText.period(certificate)),
                ("累计时长 Total hours", "\(CertificateText.hours(certificate.minutes)) 小时（\(certificate.recordCount) 条记录 records）"),
            ]
            for (label, value) in facts {
                canvas.text(label, x: margin, y: y, font: canvas.fonts.sans, size: 9, gray: 0.35)
                canvas.text(canvas.fit(value, font: canvas.fonts.serifBold, size: 10.5, width: contentWidth - 150),
                            x: margin + 150, y: y, font: canvas.fonts.serifBold, size: 10.5)
                y += 17
            }
            return y
        }

        /// Draws up to `count` records from `first` under a header row; returns the next record's index.
        func table(from first: Int, count: Int, top: Double) -> Int {
            let records = issued.records
            let last = min(records.count, first + count)
            var y = top
            canvas.fill(x: margin, y: y, width: contentWidth, height: rowHeight, gray: 0.9)
            var x = margin
            for column in columns {
                canvas.text(column.header, x: column.alignRight ? x + column.width - 4 : x + 4, y: y + 12,
                            font: canvas.fonts.serifBold, size: 8.5, align: column.alignRight ? .right : .left)
                x += column.width
            }
            y += rowHeight
            for index in first..<last {
                let record = records[index]
                var cells = [String(index + 1), record.activityTitle]
                if certificate.isPlatformIssued { cells.append(record.organizationName) }
                cells += [record.serviceDate.description, CertificateText.hours(record.minutes)]
                x = margin
                for (column, cell) in zip(columns, cells) {
                    let text = canvas.fit(cell, font: canvas.fonts.sans, size: 9, width: column.width - 8)
                    canvas.text(text, x: column.alignRight ? x + column.width - 4 : x + 4, y: y + 12, font: canvas.fonts.sans,
                                size: 9, align: column.alignRight ? .right : .left)
                    x += column.width
                }
                canvas.line(x1: margin, y1: y + rowHeight, x2: margin + contentWidth, y2: y + rowHeight, width: 0.3, gray: 0.7)
                y += rowHeight
            }
            canvas.stroke(x: margin, y: top, width: contentWidth, height: y - top, lineWidth: 0.6, red: false)
            if last < records.count {
                canvas.text("（续见下页 / continued overleaf）", x: margin + contentWidth, y: y + 12, font: canvas.fonts.sans,
                            size: 8, align: .right, gray: 0.35)
            }
            return last
        }

        /// The QR code with serial and URLs on the left; issue date and the seal space on the right.
        func footer() {
            let top = footerTop
            for (offset, line) in canvas.wrap(CertificateText.basis, font: canvas.fonts.sans, size: 8.5, width: contentWidth)
                .enumerated() {
                canvas.text(line.text, x: margin, y: top + 4 + Double(offset) * 12, font: canvas.fonts.sans, size: 8.5, gray: 0.25)
            }
            let qrTop = top + 22
            qr.draw(in: canvas.cr, x: margin - 4, y: qrTop, width: qrWidth)
            canvas.text("No. \(certificate.groupedSerial)", x: margin - 4 + qrWidth / 2, y: qrTop + qrWidth + 11,
                        font: canvas.fonts.sans, size: 8.5, align: .center)
            let textX = margin + qrWidth + 10
            canvas.text("扫码核验 / scan to verify", x: textX, y: qrTop + 14, font: canvas.fonts.serifBold, size: 9)
            canvas.text("或访问 / or open:", x: textX, y: qrTop + 30, font: canvas.fonts.sans, size: 8.5, gray: 0.3)
            canvas.text(issued.serialURL, x: textX, y: qrTop + 44, font: canvas.fonts.sans, size: 8.5)
            canvas.text("签名密钥 Key id:", x: textX, y: qrTop + 62, font: canvas.fonts.sans, size: 7, gray: 0.4)
            canvas.text(certificate.keyId, x: textX, y: qrTop + 72, font: canvas.fonts.sans, size: 6, gray: 0.4)

            let sealX = pageWidth - margin - 75
            let sealY = qrTop + 52
            canvas.dashedCircle(x: sealX, y: sealY, radius: 46)
            canvas.text("出具单位（盖章）", x: sealX, y: sealY - 2, font: canvas.fonts.sans, size: 8.5, align: .center, gray: 0.45)
            canvas.text("Issuer's seal", x: sealX, y: sealY + 10, font: canvas.fonts.sans, size: 7.5, align: .center, gray: 0.45)
            canvas.text(certificate.issuerName, x: sealX, y: sealY + 64,
                        font: canvas.fonts.serif, size: 10, align: .center)
            canvas.text("出具日期 \(CertificateText.chineseDate(CertificateText.issueDate(certificate)))", x: sealX,
                        y: sealY + 80, font: canvas.fonts.serif, size: 10, align: .center)

            // The full address the QR code holds, small, for a reader that has no camera.
            let urlTop = qrTop + qrWidth + 21
            canvas.text("验证网址 Verification URL:", x: margin, y: urlTop, font: canvas.fonts.sans, size: 6.5, gray: 0.4)
            let characters = Array(issued.verificationURL)
            let perLine = 120
            for (row, start) in stride(from: 0, to: characters.count, by: perLine).enumerated() {
                canvas.text(String(characters[start..<min(start + perLine, characters.count)]), x: margin,
                            y: urlTop + 9 + Double(row) * 7.5, font: canvas.fonts.sans, size: 5.8, gray: 0.4)
            }
        }
    }

    /// Thin drawing helpers over a cairo context.
    struct Canvas {
        let cr: OpaquePointer?
        let fonts: CertificateFonts

        enum Align { case left, center, right }

        func width(_ text: String, font: OpaquePointer, size: Double) -> Double {
            cairo_set_font_face(cr, font)
            cairo_set_font_size(cr, size)
            var extents = cairo_text_extents_t()
            cairo_text_extents(cr, text, &extents)
            return extents.x_advance
        }

        func text(_ text: String, x: Double, y: Double, font: OpaquePointer, size: Double, align: Align = .left,
                  gray: Double = 0) {
            guard !text.isEmpty else { return }
            let advance = width(text, font: font, size: size)
            let start = switch align {
            case .left: x
            case .center: x - advance / 2
            case .right: x - advance
            }
            cairo_set_source_rgb(cr, gray, gray, gray)
            cairo_move_to(cr, start, y)
            cairo_show_text(cr, text)
        }

        /// `text`, cut with "…" to fit `width`.
        func fit(_ text: String, font: OpaquePointer, size: Double, width maximum: Double) -> String {
            guard width(text, font: font, size: size) > maximum else { return text }
            var characters = Array(text)
            while !characters.isEmpty, width(String(characters) + "…", font: font, size: size) > maximum {
                characters.removeLast()
            }
            return String(characters) + "…"
        }

        /// Lines of at most `width`, breaking between any two Chinese characters and at spaces in Latin
        /// text; the first line is indented by `indent`.
        func wrap(_ text: String, font: OpaquePointer, size: Double, width maximum: Double,
                  indent: Double = 0) -> [(text: String, indent: Double)] {
            // Units that stay together: a Latin word, a space, one other character.
            var units: [String] = []
            for character in text {
                if character.isASCII, character != " ", let last = units.last, last.last?.isASCII == true, last != " " {
                    units[units.count - 1].append(character)
                } else {
                    units.append(String(character))
                }
            }
            var lines: [(String, Double)] = []
            var current = ""
            for unit in units {
                let limit = maximum - (lines.isEmpty ? indent : 0)
                if !current.isEmpty, width(current + unit, font: font, size: size) > limit {
                    lines.append((current.trimmingCharacters(in: .whitespaces), lines.isEmpty ? indent : 0))
                    current = unit == " " ? "" : unit
                } else {
                    current += unit
                }
            }
            if !current.isEmpty { lines.append((current, lines.isEmpty ? indent : 0)) }
            return lines
        }

        func line(x1: Double, y1: Double, x2: Double, y2: Double, width: Double, gray: Double) {
            cairo_set_source_rgb(cr, gray, gray, gray)
            cairo_set_line_width(cr, width)
            cairo_move_to(cr, x1, y1)
            cairo_line_to(cr, x2, y2)
            cairo_stroke(cr)
        }

        func stroke(x: Double, y: Double, width: Double, height: Double, lineWidth: Double, red: Bool) {
            if red { cairo_set_source_rgb(cr, 0.62, 0.09, 0.09) } else { cairo_set_source_rgb(cr, 0.3, 0.3, 0.3) }
            cairo_set_line_width(cr, lineWidth)
            cairo_rectangle(cr, x, y, width, height)
            cairo_stroke(cr)
        }

        func fill(x: Double, y: Double, width: Double, height: Double, gray: Double) {
            cairo_set_source_rgb(cr, gray, gray, gray)
            cairo_rectangle(cr, x, y, width, height)
            cairo_fill(cr)
        }

        func dashedCircle(x: Double, y: Double, radius: Double) {
            cairo_save(cr)
            cairo_set_source_rgb(cr, 0.62, 0.09, 0.09)
            cairo_set_line_width(cr, 0.8)
            var dashes = [4.0, 3.0]
            cairo_set_dash(cr, &dashes, 2, 0)
            cairo_new_sub_path(cr)
            cairo_arc(cr, x, y, radius, 0, 2 * Double.pi)
            cairo_stroke(cr)
            cairo_restore(cr)
        }
    }
}
