import Foundation
import LedgerCertificates
import LedgerCore
import LedgerDocuments
import Testing

/// The PDF as tools nobody here wrote read it: poppler's pdftotext, pdfinfo, pdffonts and pdftoppm, and zbarimg.
struct CertificatePDFTests {
    struct Rendered {
        var issued: IssuedCertificate
        var directory: URL
        var pdf: URL
    }

    static func render(records: Int = 3, platform: Bool = false, language: CertificateLanguage = .chinese) async throws -> Rendered {
        let issued = try await Sample.issued(by: try await Sample.keyring(), records: records, platform: platform)
        return try render(issued, language: language)
    }

    static func render(_ issued: IssuedCertificate, language: CertificateLanguage = .chinese) throws -> Rendered {
        let directory = try Sample.directory()
        let pdf = directory.appendingPathComponent("certificate.pdf")
        try Data(try CertificatePDF.render(issued, language: language)).write(to: pdf)
        return Rendered(issued: issued, directory: directory, pdf: pdf)
    }

    /// The number of pages, as pdfinfo reads it.
    static func pageCount(_ pdf: URL) throws -> Int {
        let info = try Tool.run(try tool("pdfinfo"), [pdf.path])
        return try #require(info.split(separator: "\n").first { $0.hasPrefix("Pages:") }
            .flatMap { Int($0.split(separator: " ").last ?? "") })
    }

    /// The text of one page (or all), as pdftotext extracts it.
    static func text(_ pdf: URL, page: Int? = nil) throws -> String {
        let pages = page.map { ["-f", String($0), "-l", String($0)] } ?? []
        return try Tool.run(try tool("pdftotext"), ["-layout"] + pages + [pdf.path, "-"])
    }

    /// Every font of the PDF embedded, subset, with a Unicode map (so text extracts): pdffonts' emb, sub, uni.
    static func expectFontsEmbeddedAndSubset(_ pdf: URL) throws {
        let fonts = try Tool.run(try tool("pdffonts"), [pdf.path])
        let rows = fonts.split(separator: "\n").dropFirst(2)
        #expect(!rows.isEmpty)
        for row in rows {
            let columns = row.split(separator: " ", omittingEmptySubsequences: true)
            #expect(columns.suffix(5).prefix(3) == ["yes", "yes", "yes"], "\(row)")
        }
    }

    static func tool(_ name: String) throws -> String {
        try #require(Tool.path(name), "\(name) is not installed: make deps installs poppler-utils and zbar-tools")
    }

    @Test func textHasTheChineseNameHoursSerialAndStatement() async throws {
        let rendered = try await Self.render()
        let text = try Tool.run(try Self.tool("pdftotext"), ["-layout", rendered.pdf.path, "-"])
        let certificate = rendered.issued.certificate
        #expect(text.contains("志愿服务记录证明"))
        #expect(text.contains("欧阳娜娜"))
        #expect(text.contains("12.50"), "750 minutes as hours with two decimals")
        #expect(text.contains(certificate.groupedSerial))
        #expect(text.contains("杭州市西湖区文三路社区志愿者协会"))
        #expect(text.contains("51330106MA0000001X"))
        #expect(text.contains("2026-01-01 至 2026-06-30"))
        #expect(text.contains("社区环境整治") && text.contains("敬老院陪伴") && text.contains("4.17"), "the activity table")
        #expect(text.contains("出具单位（盖章）"))
        #expect(text.contains("出具日期 2026年6月15日"))
        #expect(text.contains(rendered.issued.serialURL))
        #expect(text.contains("3301**********0429"))
    }

    @Test func pageIsA4WithTheFontsEmbedded() async throws {
        let rendered = try await Self.render()
        let info = try Tool.run(try Self.tool("pdfinfo"), [rendered.pdf.path])
        #expect(info.contains("Page size:       595.28 x 841.89 pts (A4)"))
        #expect(info.contains("Pages:           1"))
        try Self.expectFontsEmbeddedAndSubset(rendered.pdf)
    }

    /// What a phone downloads: a one-page certificate (ten records, platform-issued with its extra column, or
    /// in English) stays under 150 KB with its text selectable and its fonts embedded as subsets.
    @Test(arguments: [(false, CertificateLanguage.chinese), (true, .chinese), (false, .english)])
    func aOnePageCertificateIsUnder150KBWithSubsetFontsAndSelectableText(platform: Bool, language: CertificateLanguage) async throws {
        let rendered = try await Self.render(records: 10, platform: platform, language: language)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: rendered.pdf.path)[.size] as? NSNumber).intValue
        #expect(size < 150_000, "\(size) bytes")
        #expect(try Self.pageCount(rendered.pdf) == 1)
        try Self.expectFontsEmbeddedAndSubset(rendered.pdf)
        let text = try Self.text(rendered.pdf)
        #expect(text.contains(language == .chinese ? "志愿服务记录证明" : "Certificate of Volunteer Service Record"))
        #expect(text.contains("欧阳娜娜"), "the volunteer's name, selectable")
        #expect(text.contains("社区环境整治"), "activity titles, as recorded")
        #expect(text.contains("41.67"), "10 records of 250 minutes")
    }

    @Test func theEnglishCertificateIsInEnglishWithNamesAsRecorded() async throws {
        let rendered = try await Self.render(language: .english)
        let text = try Self.text(rendered.pdf)
        #expect(text.contains("Certificate of Volunteer Service Record"))
        #expect(!text.contains("志愿服务记录证明"), "not the Chinese title")
        #expect(text.contains("This is to certify that 欧阳娜娜"))
        #expect(text.contains("杭州市西湖区文三路社区志愿者协会"), "the issuer's name as recorded")
        #expect(text.contains("1 January 2026 – 30 June 2026"))
        #expect(text.contains("12.50 hours (3 records)"))
        #expect(text.contains("Issued on 15 June 2026"))
        #expect(text.contains("1 Mar 2026") && text.contains("4.17"), "the table: English dates, hours with two decimals")
        #expect(text.contains("Total (3 records)"))
        #expect(text.contains("Page 1 of 1"))
        #expect(text.contains("Seal of the issuer"))
        #expect(!text.contains("出具单位（盖章）") && !text.contains("服务日期") && !text.contains("第 1 页"))
        #expect(text.contains(rendered.issued.serialURL))
        try Self.expectFontsEmbeddedAndSubset(rendered.pdf)
    }

    /// 500 records: the table runs over many pages under a repeated header, "page n of m" on each, the QR code
    /// and the seal on the first page only, the total (hours and record count) closing the table on the last.
    @Test(arguments: [CertificateLanguage.chinese, .english])
    func fiveHundredRecordsMakeAMultiPageCertificateWithTheTotalOnTheLastPage(language: CertificateLanguage) async throws {
        let rendered = try await Self.render(records: 500, language: language)
        let pages = try Self.pageCount(rendered.pdf)
        #expect(pages >= 10, "\(pages) pages")
        let chinese = language == .chinese
        let header = chinese ? "服务内容 Activity" : "Activity"
        let total = chinese ? "合计 Total（500 条记录 records）" : "Total (500 records)"
        let seal = chinese ? "出具单位（盖章）" : "Seal of the issuer"
        var allText = ""
        for page in 1...pages {
            let text = try Self.text(rendered.pdf, page: page)
            allText += text
            let number = chinese ? "第 \(page) 页，共 \(pages) 页" : "Page \(page) of \(pages)"
            #expect(text.contains(number), "page \(page): \(number)")
            #expect(text.contains(header), "page \(page) repeats the table header")
            #expect(text.contains(seal) == (page == 1), "the seal area on page 1 only (page \(page))")
            #expect(text.contains(rendered.issued.serialURL) == (page == 1), "the verification block on page 1 only (page \(page))")
            #expect(text.contains(total) == (page == pages), "the total on the last page only (page \(page))")
            if page > 1 { #expect(text.contains(chinese ? "（续）" : "(continued)")) }
        }
        // The last page ends the table: the last record, then the total with all hours (500 × 250 minutes).
        let last = try Self.text(rendered.pdf, page: pages)
        let lastDate = chinese ? rendered.issued.records[499].serviceDate.description : "13 Jul 2027"
        let totalLine = try #require(last.split(separator: "\n").first { $0.contains(total) })
        #expect(totalLine.contains("2083.33"))
        #expect(last.contains(lastDate))
        let lastRecordLine = try #require(last.split(separator: "\n").firstIndex {
            $0.trimmingCharacters(in: .whitespaces).hasPrefix("500 ") && $0.contains(#/\d\.\d\d\s*$/#)
        })
        let totalIndex = try #require(last.split(separator: "\n").firstIndex { $0.contains(total) })
        #expect(lastRecordLine < totalIndex, "the total follows the last record")
        if chinese {
            for record in rendered.issued.records { #expect(allText.contains(record.serviceDate.description)) }
        }
        // Every record number, once, in order across the pages.
        let rows = allText.split(separator: "\n").filter { $0.contains(#/\d\.\d\d\s*$/#) }
        let numbers = rows.compactMap { line in line.split(separator: " ", omittingEmptySubsequences: true).first.flatMap { Int($0) } }
        #expect(numbers == Array(1...500), "record numbers \(numbers.prefix(3))…\(numbers.suffix(3))")
        // The QR code is on the first page and nowhere else.
        try Tool.run(try Self.tool("pdftoppm"), ["-r", "150", "-png", "-f", "1", "-l", "2", rendered.pdf.path,
                                                 rendered.directory.appendingPathComponent("p").path])
        let images = try FileManager.default.contentsOfDirectory(atPath: rendered.directory.path).filter { $0.hasSuffix(".png") }.sorted()
        #expect(images.count == 2)
        let decoded = try images.map { try QRCodeReader.decode(pngFile: rendered.directory.appendingPathComponent($0).path) }
        #expect(decoded.first == [rendered.issued.verificationURL])
        #expect(decoded.last == [])
    }

    @Test func qrCodeOnThePageDecodesToExactlyTheVerificationURLAndIsAtLeast35mmWide() async throws {
        let rendered = try await Self.render()
        let prefix = rendered.directory.appendingPathComponent("page").path
        try Tool.run(try Self.tool("pdftoppm"), ["-r", "200", "-png", "-f", "1", "-l", "1", rendered.pdf.path, prefix])
        let page = try #require(try FileManager.default.contentsOfDirectory(atPath: rendered.directory.path)
            .first { $0.hasPrefix("page") && $0.hasSuffix(".png") })
        let image = rendered.directory.appendingPathComponent(page).path
        let decoded = try Tool.run(try Self.tool("zbarimg"), ["--quiet", "--raw", image])
        #expect(decoded.trimmingCharacters(in: .newlines) == rendered.issued.verificationURL)
        // The symbol's corners as zbar finds them, at 200 dots per inch.
        let symbol = try #require(try QRCodeReader.symbols(pngFile: image).first)
        let millimetres = Double(symbol.maxX - symbol.minX) / 200 * 25.4
        #expect(millimetres >= 35, "printed \(millimetres) mm wide")
    }

    @Test func longRecordListsContinueOnFurtherPages() async throws {
        let rendered = try await Self.render(records: 60)
        let info = try Tool.run(try Self.tool("pdfinfo"), [rendered.pdf.path])
        let pages = info.split(separator: "\n").first { $0.hasPrefix("Pages:") }.flatMap { Int($0.split(separator: " ").last ?? "") }
        #expect((pages ?? 0) >= 2)
        let text = try Tool.run(try Self.tool("pdftotext"), ["-layout", rendered.pdf.path, "-"])
        #expect(text.contains("（续）"))
        for record in rendered.issued.records { #expect(text.contains(record.serviceDate.description)) }
        #expect(text.contains("第 2 页"))
    }

    @Test func platformCertificatesNameTheRecordingOrganizationOfEachRecord() async throws {
        let rendered = try await Self.render(platform: true)
        let text = try Tool.run(try Self.tool("pdftotext"), ["-layout", rendered.pdf.path, "-"])
        #expect(text.contains("记录单位"))
        #expect(text.contains("志愿服务信息平台"))
        #expect(text.contains("各志愿服务组织"))
    }
}
