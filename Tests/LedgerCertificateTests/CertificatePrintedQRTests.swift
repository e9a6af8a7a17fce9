import Foundation
import LedgerCertificates
import LedgerCore
import LedgerDocuments
import LedgerPasswords
import LedgerSQLite
import Testing

/// The QR code of a real certificate, issued by the ledger as in production (long names, a long public base
/// URL, a generated volunteer number and serial), read back with zbar from the PDF page rasterized at 150 dpi,
/// an ordinary office printer/scanner resolution.
struct CertificatePrintedQRTests {
    /// A certificate issued through the ledger on a scratch SQLite database.
    static func issue(publicBaseURL: String) async throws -> IssuedCertificate {
        let directory = try Sample.directory()
        let store = try SQLiteLedgerStore(path: directory.appendingPathComponent("ledger.sqlite").path)
        try await store.migrate()
        let now = Sample.issuedAt
        var ledger = Ledger(store: store, clock: { now })
        ledger.passwords = BcryptPasswordHasher(cost: 4)
        ledger.certificates = CertificateSettings(
            authority: try await CertificateKeyring(path: directory.appendingPathComponent("keys.json").path),
            publicBaseURL: publicBaseURL)
        let body = "51330106MA0000888"
        let organization = try await ledger.createOrganization(
            OrganizationInput(creditCode: body + String(UnifiedSocialCreditCode.checkCharacter(for: body)!),
                              name: "杭州市西湖区文三路街道社区新时代文明实践志愿服务总队", regionCode: "330106",
                              contactName: "周老师", contactPhone: "13800001111"), by: .localOperator)
        let idBody = "33010619880512004"
        let volunteer = try await ledger.registerVolunteer(
            VolunteerRegistration(name: "欧阳司马长孙娜娜", documentNumber: idBody + String(ResidentIDNumber.checkCharacter(for: idBody)!),
                                  phone: "13900002222"), organizationId: organization.id, by: .localOperator).volunteer
        let day = LocalDate(year: 2026, month: 6, day: 10)!
        let activity = try await ledger.createActivity(
            ActivityInput(title: "重阳节敬老院陪伴与社区环境整治志愿服务", content: "陪伴老人", category: .communityService,
                          place: "敬老院", start: day.startOfDay(in: .ledgerDefault),
                          end: day.adding(days: 1).startOfDay(in: .ledgerDefault), leader: "周老师"),
            organizationId: organization.id, by: .localOperator)
        let start = day.startOfDay(in: .ledgerDefault).addingTimeInterval(9 * 3600)
        _ = try await ledger.recordService(RecordInput(volunteerNumber: volunteer.number, activityId: activity.id, start: start,
                                                       end: start.addingTimeInterval(3 * 3600)), by: .localOperator)
        let issued = try await ledger.issueCertificate(
            CertificateRequest(volunteerId: volunteer.id, organizationId: organization.id,
                               from: LocalDate(year: 2026, month: 1, day: 1), to: LocalDate(year: 2026, month: 12, day: 31)),
            by: .localOperator)
        try await store.close()
        return issued
    }

    @Test(arguments: [CertificateLanguage.chinese, .english])
    func theQRCodeOfARealCertificateScansFromThePageAt150dpiAndIsVersion16OrLowerAtLevelM(language: CertificateLanguage)
        async throws {
        let issued = try await Self.issue(publicBaseURL: "https://zyfw.hangzhou.gov.cn/volunteer-service-record")
        let url = issued.verificationURL
        #expect(url.hasPrefix("https://zyfw.hangzhou.gov.cn/volunteer-service-record/v/"))
        #expect(url.utf8.count > 300, "a production-length URL (\(url.utf8.count) bytes)")
        let rendered = try CertificatePDFTests.render(issued, language: language)
        let prefix = rendered.directory.appendingPathComponent("page").path
        try Tool.run(try CertificatePDFTests.tool("pdftoppm"), ["-r", "150", "-png", "-f", "1", "-l", "1", rendered.pdf.path, prefix])
        let page = try #require(try FileManager.default.contentsOfDirectory(atPath: rendered.directory.path)
            .first { $0.hasPrefix("page") && $0.hasSuffix(".png") })
        let image = rendered.directory.appendingPathComponent(page).path

        let symbols = try QRCodeReader.symbols(pngFile: image)
        #expect(symbols.count == 1)
        let symbol = try #require(symbols.first)
        #expect(symbol.text == url, "zbar reads exactly the verification URL")
        if let zbarimg = Tool.path("zbarimg") {
            #expect(try Tool.run(zbarimg, ["--quiet", "--raw", image]).trimmingCharacters(in: .newlines) == url)
        }

        // The symbol's version: what libqrencode makes of the URL at level M, and what the printed symbol measures.
        let qr = try QRCode(url)
        #expect(qr.version <= 16 && qr.version <= QRCodeBudget.maxVersion, "version \(qr.version)")
        #expect(qr.size == 17 + 4 * qr.version)
        // 42 mm for the symbol and its quiet zone of 4 modules a side, at 150 dots per inch.
        let modulePixels = 42 / 25.4 * 150 / Double(qr.size + 2 * QRCode.quietZone)
        let measuredModules = Double(symbol.maxX - symbol.minX) / modulePixels
        // zbar's corners lie on the symbol's outer edge or a module inside it: versions differ by 4 modules.
        #expect(abs(measuredModules - Double(qr.size)) < 2.5, "the printed symbol measures \(measuredModules) modules, not \(qr.size)")
        #expect(modulePixels >= 2.5, "each module is \(modulePixels) pixels at 150 dpi")
    }
}
