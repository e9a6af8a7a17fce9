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

    static func render(records: Int = 3, platform: Bool = false) async throws -> Rendered {
        let issued = try await Sample.issued(by: try await Sample.keyring(), records: records, platform: platform)
        let directory = try Sample.directory()
        let pdf = directory.appendingPathComponent("certificate.pdf")
        try Data(try CertificatePDF.render(issued)).write(to: pdf)
        return Rendered(issued: issued, directory: directory, pdf: pdf)
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
        let fonts = try Tool.run(try Self.tool("pdffonts"), [rendered.pdf.path])
        let rows = fonts.split(separator: "\n").dropFirst(2)
        #expect(!rows.isEmpty)
        for row in rows {
            let columns = row.split(separator: " ", omittingEmptySubsequences: true)
            // name type... emb sub uni: every font embedded, subset, with a Unicode map (so text extracts).
            #expect(columns.suffix(5).prefix(3) == ["yes", "yes", "yes"], "\(row)")
        }
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
