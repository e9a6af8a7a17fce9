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
/// of covered activities (continued on further pages under a repeated header when long, its total at the
/// end on the last page), issue date, a space for the issuer's seal, the QR code (42 mm wide with its
/// quiet zone), the serial and the verification URLs, all on the first page; "page n of m" on every page.
/// The Chinese certificate carries English hints; the English one is English only except for the names
/// of people, organizations and activities, which stay as recorded. Text uses embedded TrueType subsets
/// (see `CertificateFonts`): about 75 KB and 6 ms for a one-page certificate, under 2 ms for each further page.
public enum CertificatePDF {
    static let pageWidth = 595.28
    static let pageHeight = 841.89
    static let margin = 56.0
    static let qrWidth = 42 / 25.4 * 72  // 42 mm with the quiet zone: the symbol itself is 36 mm or more

    public static func render(_ issued: IssuedCertificate, language: CertificateLanguage = .chinese) throws -> [UInt8] {
        let fonts = try CertificateFonts.load()
        let qr = try QRCode(issued.verificationURL)
        let sink = CairoBytes()
        sink.bytes.reserveCapacity(64 * 1024)
        return try withExtendedLifetime(sink) {
            guard let surface = cairo_pdf_surface_create_for_stream(CairoBytes.write, Unmanaged.passUnretained(sink).toOpaque(),
                                                                    pageWidth, pageHeight) else {
                throw CairoFailure("no PDF surface")
            }
            let words = Wording.of(language)
            let certificate = issued.certificate
            cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, "\(words.title) \(certificate.groupedSerial)")
            cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "VolunteerLedger")
            cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_AUTHOR, certificate.issuerName)
            let canvas = Canvas(cr: cairo_create(surface), fonts: fonts)
            defer { cairo_destroy(canvas.cr) }
            let layout = Layout(issued: issued, qr: qr, canvas: canvas, words: words)
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

    /// The fixed words of a certificate in one language, and how it writes dates and periods.
    struct Wording {
        var language: CertificateLanguage
        var title: String
        /// A smaller second title under the title (the Chinese certificate's English title), or nil.
        var subtitle: String?
        var titleSize: Double
        var serial: String
        var continuedTitle: String
        var continuedOverleaf: String
        var volunteer, idNumber, issuer, creditCode, period, totalHours: String
        var number, activity, recordedBy, date, hours, platformHours: String
        var scanToVerify, orOpen, keyId, seal, sealSecond, verificationURL: String
        var basis: String

        func page(_ page: Int, of pages: Int) -> String {
            switch language {
            case .chinese: "第 \(page) 页，共 \(pages) 页 / page \(page) of \(pages)"
            case .english: "Page \(page) of \(pages)"
            }
        }

        func total(_ certificate: Certificate) -> String {
            switch language {
            case .chinese: "合计 Total（\(certificate.recordCount) 条记录 records）"
            case .english: "Total (\(certificate.recordCount) \(certificate.recordCount == 1 ? "record" : "records"))"
            }
        }

        func totalHoursValue(_ certificate: Certificate) -> String {
            let hours = CertificateText.hours(certificate.minutes)
            return switch language {
            case .chinese: "\(hours) 小时（\(certificate.recordCount) 条记录 records）"
            case .english: "\(hours) hours (\(certificate.recordCount) \(certificate.recordCount == 1 ? "record" : "records"))"
            }
        }

        func statement(_ certificate: Certificate) -> String {
            switch language {
            case .chinese: CertificateText.statement(certificate)
            case .english: CertificateText.englishCertificateStatement(certificate)
            }
        }

        /// The small English statement under the Chinese one; nil on the English certificate.
        func secondStatement(_ certificate: Certificate) -> String? {
            language == .chinese ? CertificateText.englishStatement(certificate) : nil
        }

        func period(_ certificate: Certificate) -> String {
            switch language {
            case .chinese: CertificateText.period(certificate)
            case .english: CertificateText.englishPeriod(certificate)
            }
        }

        func tableDate(_ date: LocalDate) -> String {
            switch language {
            case .chinese: date.description
            case .english: CertificateText.shortEnglishDate(date)
            }
        }

        func issued(_ certificate: Certificate) -> String {
            let date = CertificateText.issueDate(certificate)
            return switch language {
            case .chinese: "出具日期 \(CertificateText.chineseDate(date))"
            case .english: "Issued on \(CertificateText.englishDate(date))"
            }
        }

        static let chinese = Wording(
            language: .chinese, title: CertificateText.title, subtitle: CertificateText.englishTitle, titleSize: 28,
            serial: "证明编号 No.", continuedTitle: "\(CertificateText.title)（续）/ continued",
            continuedOverleaf: "（续见下页 / continued overleaf）",
            volunteer: "志愿者 Volunteer", idNumber: "证件号码 ID number", issuer: "出具单位 Issuer",
            creditCode: "统一社会信用代码 Credit code", period: "服务期间 Period", totalHours: "累计时长 Total hours",
            number: "序号", activity: "服务内容 Activity", recordedBy: "记录单位 Recorded by", date: "服务日期 Date",
            hours: "时长(小时) Hours", platformHours: "时长 Hours",
            scanToVerify: "扫码核验 / scan to verify", orOpen: "或访问 / or open:", keyId: "签名密钥 Key id:",
            seal: "出具单位（盖章）", sealSecond: "Issuer's seal", verificationURL: "验证网址 Verification URL:",
            basis: CertificateText.basis)

        static let english = Wording(
            language: .english, title: CertificateText.englishTitle, subtitle: nil, titleSize: 22,
            serial: "Certificate No.", continuedTitle: "\(CertificateText.englishTitle) (continued)",
            continuedOverleaf: "(continued overleaf)",
            volunteer: "Volunteer", idNumber: "ID number", issuer: "Issued by",
            creditCode: "Unified social credit code", period: "Period of service", totalHours: "Total hours",
            number: "No.", activity: "Activity", recordedBy: "Recorded by", date: "Date",
            hours: "Hours", platformHours: "Hours",
            scanToVerify: "Scan to verify", orOpen: "or open:", keyId: "Signing key id:",
            seal: "Seal of the issuer", sealSecond: "", verificationURL: "Verification URL:",
            basis: CertificateText.englishBasis)

        static func of(_ language: CertificateLanguage) -> Wording {
            switch language {
            case .chinese: chinese
            case .english: english
            }
        }
    }

    /// Where things go on the pages.
    struct Layout {
        let issued: IssuedCertificate
        let qr: QRCode
        let canvas: Canvas
        let words: Wording

        var certificate: Certificate { issued.certificate }
        var contentWidth: Double { pageWidth - 2 * margin }
        static let rowHeight = 17.0
        /// Where a continuation page's table starts, and the lowest a table row may end on such a page.
        static let continuationTableTop = 116.0
        static let continuationTableBottom = pageHeight - margin - 14

        /// Table columns: number, title, (recording organization), date, hours.
        var columns: [(header: String, width: Double, alignRight: Bool)] {
            if certificate.isPlatformIssued {
                return [(words.number, 30, false), (words.activity, 188, false), (words.recordedBy, 130, false),
                        (words.date, 72, false), (words.platformHours, 63.28, true)]
            }
            return [(words.number, 32, false), (words.activity, 290, false), (words.date, 85, false),
                    (words.hours, 76.28, true)]
        }

        /// The lines of the basis sentence at the top of the footer.
        var basisLines: [(text: String, indent: Double)] {
            canvas.wrap(words.basis, font: canvas.fonts.sans, size: 8, width: contentWidth)
        }

        /// The first page's table ends above this; the footer with QR code and seal follows. A second line of
        /// the basis sentence moves it up.
        func footerTop(basisLines: Int) -> Double { 600 - 11 * Double(max(0, basisLines - 1)) }

        /// The records of each page: as many as fit, the total row after the last record on the last page
        /// (never alone there: at least one record goes with it). `capacity(page, last)` is how many rows (the
        /// total counting as one) page `page` (0-based) holds, as the last page or followed by another.
        static func paginate(records: Int, capacity: (_ page: Int, _ last: Bool) -> Int) -> [Range<Int>] {
            var pages: [Range<Int>] = []
            var start = 0
            while true {
                let remaining = records - start
                if remaining + 1 <= capacity(pages.count, true) {
                    pages.append(start..<records)
                    return pages
                }
                var take = min(remaining, max(pages.isEmpty ? 0 : 2, capacity(pages.count, false)))
                if take == remaining { take = remaining - 1 }
                pages.append(start..<start + take)
                start += take
            }
        }

        func draw() {
            let basis = basisLines
            let footerTop = footerTop(basisLines: basis.count)
            let tableTop = heading() + 6
            // Rows under the header; a page followed by another leaves a line for "continued overleaf".
            let pages = Self.paginate(records: issued.records.count) { page, last in
                let top = page == 0 ? tableTop : Self.continuationTableTop
                let bottom = (page == 0 ? footerTop - 10 : Self.continuationTableBottom) - (last ? 0 : 14)
                return Int((bottom - top - Self.rowHeight) / Self.rowHeight)
            }
            frame(page: 1, of: pages.count)
            table(pages[0], top: tableTop, last: pages.count == 1)
            footer(top: footerTop, basis: basis)
            for (index, range) in pages.enumerated().dropFirst() {
                cairo_show_page(canvas.cr)
                frame(page: index + 1, of: pages.count)
                canvas.text(words.continuedTitle, x: pageWidth / 2, y: 84, font: canvas.fonts.serifBold, size: 15, align: .center)
                canvas.text("\(words.serial) \(certificate.groupedSerial)", x: pageWidth - margin, y: 104,
                            font: canvas.fonts.sans, size: 8.5, align: .right)
                table(range, top: Self.continuationTableTop, last: index == pages.count - 1)
            }
        }

        /// The border and the page number of every page.
        func frame(page: Int, of pages: Int) {
            canvas.stroke(x: 26, y: 26, width: pageWidth - 52, height: pageHeight - 52, lineWidth: 2.2, red: true)
            canvas.stroke(x: 31, y: 31, width: pageWidth - 62, height: pageHeight - 62, lineWidth: 0.6, red: true)
            canvas.text(words.page(page, of: pages), x: pageWidth / 2, y: pageHeight - 38, font: canvas.fonts.sans, size: 7.5,
                        align: .center, gray: 0.35)
        }

        /// Serial, title, statement and the facts; returns where they end.
        func heading() -> Double {
            canvas.text("\(words.serial) \(certificate.groupedSerial)", x: pageWidth - margin, y: 58, font: canvas.fonts.sans,
                        size: 8.5, align: .right)
            canvas.text(words.title, x: pageWidth / 2, y: 102, font: canvas.fonts.serifBold, size: words.titleSize, align: .center)
            if let subtitle = words.subtitle {
                canvas.text(subtitle, x: pageWidth / 2, y: 122, font: canvas.fonts.sans, size: 10.5, align: .center, gray: 0.3)
            }
            var y = 158.0
            for line in canvas.wrap(words.statement(certificate), font: canvas.fonts.serif, size: 12.5,
                                    width: contentWidth, indent: 25) {
                canvas.text(line.text, x: margin + line.indent, y: y, font: canvas.fonts.serif, size: 12.5)
                y += 20
            }
            if let second = words.secondStatement(certificate) {
                for line in canvas.wrap(second, font: canvas.fonts.sans, size: 8.5, width: contentWidth) {
                    canvas.text(line.text, x: margin, y: y - 4, font: canvas.fonts.sans, size: 8.5, gray: 0.3)
                    y += 12
                }
            }
            y += 8
            let facts: [(String, String)] = [
                (words.volunteer, words.language == .chinese ? "\(certificate.volunteerName)（\(certificate.volunteerNumber)）"
                    : "\(certificate.volunteerName) (\(certificate.volunteerNumber))"),
                (words.idNumber, certificate.maskedDocumentNumber),
                (words.issuer, certificate.issuerName),
                (words.creditCode, CertificateText.issuerCode(certificate)),
                (words.period, words.period(certificate)),
                (words.totalHours, words.totalHoursValue(certificate)),
            ]
            for (label, value) in facts {
                canvas.text(label, x: margin, y: y, font: canvas.fonts.sans, size: 9, gray: 0.35)
                canvas.text(canvas.fit(value, font: canvas.fonts.serifBold, size: 10.5, width: contentWidth - 150),
                            x: margin + 150, y: y, font: canvas.fonts.serifBold, size: 10.5)
                y += 17
            }
            return y
        }

        /// Draws the records of `range` under a header row, then the total row when `last`, else "continued overleaf".
        func table(_ range: Range<Int>, top: Double, last: Bool) {
            let records = issued.records
            let rowHeight = Self.rowHeight
            var y = top
            canvas.fill(x: margin, y: y, width: contentWidth, height: rowHeight, gray: 0.9)
            var x = margin
            for column in columns {
                canvas.text(column.header, x: column.alignRight ? x + column.width - 4 : x + 4, y: y + 12,
                            font: canvas.fonts.serifBold, size: 8.5, align: column.alignRight ? .right : .left)
                x += column.width
            }
            y += rowHeight
            for index in range {
                let record = records[index]
                var cells = [String(index + 1), record.activityTitle]
                if certificate.isPlatformIssued { cells.append(record.organizationName) }
                cells += [words.tableDate(record.serviceDate), CertificateText.hours(record.minutes)]
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
            if last {
                // The total: record count and hours, in bold on a light band, closing the table.
                canvas.fill(x: margin, y: y, width: contentWidth, height: rowHeight, gray: 0.95)
                canvas.line(x1: margin, y1: y, x2: margin + contentWidth, y2: y, width: 0.6, gray: 0.3)
                canvas.text(words.total(certificate), x: margin + columns[0].width + 4, y: y + 12, font: canvas.fonts.serifBold,
                            size: 9)
                canvas.text(CertificateText.hours(certificate.minutes), x: margin + contentWidth - 4, y: y + 12,
                            font: canvas.fonts.serifBold, size: 9, align: .right)
                y += rowHeight
            }
            canvas.stroke(x: margin, y: top, width: contentWidth, height: y - top, lineWidth: 0.6, red: false)
            if !last {
                canvas.text(words.continuedOverleaf, x: margin + contentWidth, y: y + 12, font: canvas.fonts.sans,
                            size: 8, align: .right, gray: 0.35)
            }
        }

        /// The QR code with serial and URLs on the left; issue date and the seal space on the right.
        func footer(top: Double, basis: [(text: String, indent: Double)]) {
            for (offset, line) in basis.enumerated() {
                canvas.text(line.text, x: margin, y: top + 4 + Double(offset) * 11, font: canvas.fonts.sans, size: 8, gray: 0.25)
            }
            let qrTop = top + 11 + 11 * Double(basis.count)
            qr.drawImage(in: canvas.cr, x: margin - 4, y: qrTop, width: qrWidth)
            canvas.text("No. \(certificate.groupedSerial)", x: margin - 4 + qrWidth / 2, y: qrTop + qrWidth + 11,
                        font: canvas.fonts.sans, size: 8.5, align: .center)
            let textX = margin + qrWidth + 10
            canvas.text(words.scanToVerify, x: textX, y: qrTop + 14, font: canvas.fonts.serifBold, size: 9)
            canvas.text(words.orOpen, x: textX, y: qrTop + 30, font: canvas.fonts.sans, size: 8.5, gray: 0.3)
            // Between the QR code and the seal; a long public base URL gets a smaller size, never cut.
            let urlWidth = pageWidth - margin - 75 - 46 - 8 - textX
            canvas.text(issued.serialURL, x: textX, y: qrTop + 44, font: canvas.fonts.sans,
                        size: canvas.size(toFit: issued.serialURL, font: canvas.fonts.sans, size: 8.5, minimum: 5.5, width: urlWidth))
            canvas.text(words.keyId, x: textX, y: qrTop + 62, font: canvas.fonts.sans, size: 7, gray: 0.4)
            canvas.text(certificate.keyId, x: textX, y: qrTop + 72, font: canvas.fonts.sans, size: 6, gray: 0.4)

            let sealX = pageWidth - margin - 75
            let sealY = qrTop + 52
            canvas.dashedCircle(x: sealX, y: sealY, radius: 46)
            canvas.text(words.seal, x: sealX, y: sealY - 2, font: canvas.fonts.sans, size: 8.5, align: .center, gray: 0.45)
            canvas.text(words.sealSecond, x: sealX, y: sealY + 10, font: canvas.fonts.sans, size: 7.5, align: .center, gray: 0.45)
            // The issuer's name under the seal: on one line, or on two a little smaller when long.
            let nameWidth = 2 * (pageWidth - 36 - sealX)
            var nameLines = canvas.wrap(certificate.issuerName, font: canvas.fonts.serif, size: 10, width: nameWidth)
            var nameSize = 10.0
            if nameLines.count > 1 {
                nameSize = 9
                nameLines = canvas.wrap(certificate.issuerName, font: canvas.fonts.serif, size: nameSize, width: nameWidth)
            }
            var shown = nameLines.map(\.text)
            if shown.count > 2 {
                let rest = String(certificate.issuerName.dropFirst(shown[0].count)).trimmingCharacters(in: .whitespaces)
                shown = [shown[0], canvas.fit(rest, font: canvas.fonts.serif, size: nameSize, width: nameWidth)]
            }
            var nameY = sealY + (shown.count > 1 ? 60 : 64)
            for line in shown {
                canvas.text(line, x: sealX, y: nameY, font: canvas.fonts.serif, size: nameSize, align: .center)
                nameY += nameSize + 2
            }
            canvas.text(words.issued(certificate), x: sealX, y: max(sealY + 80, nameY + 4), font: canvas.fonts.serif, size: 10,
                        align: .center)

            // The full address the QR code holds, small, for a reader that has no camera.
            let urlTop = qrTop + qrWidth + 21
            canvas.text(words.verificationURL, x: margin, y: urlTop, font: canvas.fonts.sans, size: 6.5, gray: 0.4)
            let characters = Array(issued.verificationURL)
            let perLine = 120
            for (row, start) in stride(from: 0, to: characters.count, by: perLine).enumerated() {
                canvas.text(String(characters[start..<min(start + perLine, characters.count)]), x: margin,
                            y: urlTop + 9 + Double(row) * 7.5, font: canvas.fonts.sans, size: 5.8, gray: 0.4)
            }
        }
    }

    /// Thin drawing helpers over a cairo context; text goes run by run, each run in the face of its role
    /// that has its characters.
    struct Canvas {
        let cr: OpaquePointer?
        let fonts: CertificateFonts

        enum Align { case left, center, right }

        func width(_ text: String, font: FontStack, size: Double) -> Double {
            cairo_set_font_size(cr, size)
            var total = 0.0
            for run in font.runs(text) {
                cairo_set_font_face(cr, run.face)
                var extents = cairo_text_extents_t()
                cairo_text_extents(cr, run.text, &extents)
                total += extents.x_advance
            }
            return total
        }

        func text(_ text: String, x: Double, y: Double, font: FontStack, size: Double, align: Align = .left,
                  gray: Double = 0) {
            guard !text.isEmpty else { return }
            let start = switch align {
            case .left: x
            case .center: x - width(text, font: font, size: size) / 2
            case .right: x - width(text, font: font, size: size)
            }
            cairo_set_source_rgb(cr, gray, gray, gray)
            cairo_set_font_size(cr, size)
            cairo_move_to(cr, start, y)
            for run in font.runs(text) {
                cairo_set_font_face(cr, run.face)
                cairo_show_text(cr, run.text)
            }
        }

        /// The largest size from `size` down to `minimum` (in half points) at which `text` fits `width`.
        func size(toFit text: String, font: FontStack, size: Double, minimum: Double, width maximum: Double) -> Double {
            let natural = width(text, font: font, size: size)
            guard natural > maximum else { return size }
            // Widths scale with the size.
            return max(minimum, (size * maximum / natural * 2).rounded(.down) / 2)
        }

        /// `text`, cut with "…" to fit `width`.
        func fit(_ text: String, font: FontStack, size: Double, width maximum: Double) -> String {
            guard width(text, font: font, size: size) > maximum else { return text }
            var characters = Array(text)
            while !characters.isEmpty, width(String(characters) + "…", font: font, size: size) > maximum {
                characters.removeLast()
            }
            return String(characters) + "…"
        }

        /// Lines of at most `width`, breaking between any two Chinese characters and at spaces in Latin
        /// text; the first line is indented by `indent`.
        func wrap(_ text: String, font: FontStack, size: Double, width maximum: Double,
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
            var currentWidth = 0.0
            for unit in units {
                let limit = maximum - (lines.isEmpty ? indent : 0)
                let unitWidth = width(unit, font: font, size: size)
                if !current.isEmpty, currentWidth + unitWidth > limit {
                    lines.append((current.trimmingCharacters(in: .whitespaces), lines.isEmpty ? indent : 0))
                    current = unit == " " ? "" : unit
                    currentWidth = unit == " " ? 0 : unitWidth
                } else {
                    current += unit
                    currentWidth += unitWidth
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
