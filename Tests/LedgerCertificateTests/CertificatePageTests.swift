import Foundation
import LedgerCertificates
import LedgerCore
import LedgerDocuments
import Testing

struct CertificatePageTests {
    static let hostile = "<script>alert('x')</script>\"><img src=x onerror=alert(1)>&"

    @Test func everyValueOnTheCertificatePageIsEscaped() async throws {
        var issued = try await Sample.issued(by: try await Sample.keyring(), records: 2)
        issued.certificate.volunteerName = Self.hostile
        issued.certificate.issuerName = Self.hostile
        issued.records[0].activityTitle = Self.hostile
        let page = try CertificatePages.certificate(issued)
        #expect(!page.contains("<script>"))
        #expect(!page.contains("<img"))
        #expect(!page.contains("'x'"))
        #expect(page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&amp;"))
        #expect(page.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""), "the QR code inline")
        #expect(page.contains(issued.certificate.groupedSerial))
    }

    @Test func verificationPageEscapesAndMasksTheName() async throws {
        var certificate = Sample.certificate(name: "欧阳娜娜")
        certificate.issuerName = Self.hostile
        certificate.revocation = CertificateRevocation(at: Sample.issuedAt, by: 1, reason: Self.hostile)
        let page = CertificatePages.verification(CertificateVerification(status: .revoked, certificate: certificate))
        #expect(page.contains("欧***"))
        #expect(!page.contains("欧阳娜娜"), "only the masked name is public")
        #expect(!page.contains("<script>") && !page.contains("<img"))
        #expect(page.contains("已撤销"))
        #expect(page.contains("2026-06-15"), "the revocation date")
        #expect(page.contains("name=\"viewport\""), "mobile-friendly")
    }

    @Test(arguments: [CertificateVerification.Status.valid, .revoked, .superseded, .invalid])
    func verificationPageSaysTheVerdictInChineseAndEnglish(_ status: CertificateVerification.Status) {
        let certificate = status == .invalid ? nil : Sample.certificate()
        let result = CertificateVerification(status: status, reason: status == .invalid ? .badSignature : nil,
                                             certificate: certificate)
        let page = CertificatePages.verification(result)
        let expected = ["有效 / Valid", "已撤销 / Revoked", "已更正 / Superseded", "无效 / Invalid"]
        let index = [CertificateVerification.Status.valid, .revoked, .superseded, .invalid].firstIndex(of: status)!
        #expect(page.contains("<h1>\(expected[index])</h1>"))
        for (other, headline) in expected.enumerated() where other != index {
            #expect(!page.contains("<h1>\(headline)</h1>"))
        }
        if status == .invalid {
            #expect(page.contains("bad-signature"))
            #expect(!page.contains("证明信息"), "nothing from an invalid token is shown as fact")
        } else {
            #expect(page.contains("12.50") && page.contains("2026-06-15") && page.contains("杭州市西湖区文三路社区志愿者协会"))
        }
    }
}
