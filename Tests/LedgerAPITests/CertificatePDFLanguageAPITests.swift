import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerCore
import Testing

/// `GET /api/v1/certificates/{serial}/pdf?lang=`: Chinese by default, English with `lang=en`, 422 naming
/// `lang` for anything else.
struct CertificatePDFLanguageAPITests {
    @Test func langEnGivesTheEnglishPDFAndAnUnknownLanguageIsRefusedNamingLang() async throws {
        let f = try await APIFixture.make()
        try await f.test { client in
            let created = try await f.send(client, .post, "/api/v1/certificates", as: "volunteerA",
                                           json: CertificateRequest(organizationId: f.organizationA.id))
            let serial = try #require(created.json["serial"] as? String)
            let path = "/api/v1/certificates/\(serial)/pdf"

            let chinese = try await f.send(client, .get, path, as: "volunteerA")
            #expect(chinese.status == .ok && chinese.headers[.contentType] == "application/pdf")
            #expect(chinese.headers[.contentLanguage] == "zh-CN")
            let explicitChinese = try await f.send(client, .get, path + "?lang=zh", as: "volunteerA")
            #expect(explicitChinese.status == .ok && explicitChinese.headers[.contentLanguage] == "zh-CN")

            let english = try await f.send(client, .get, path + "?lang=en", as: "volunteerA")
            #expect(english.status == .ok && english.headers[.contentType] == "application/pdf")
            #expect(english.headers[.contentLanguage] == "en")
            #expect(english.headers[.contentDisposition]?.contains("certificate-\(serial)-en.pdf") == true)
            let englishBytes = Array(english.body.readableBytesView)
            #expect(englishBytes.starts(with: Array("%PDF-".utf8)))
            #expect(englishBytes.count < 150_000, "\(englishBytes.count) bytes")
            // The document's title (in its metadata, uncompressed): the English one.
            let englishText = String(decoding: englishBytes, as: UTF8.self)
            #expect(englishText.contains("Certificate of Volunteer Service Record"))
            #expect(englishBytes != Array(chinese.body.readableBytesView))

            for value in ["xx", "EN-US", "fr"] {
                let refused = try await f.send(client, .get, path + "?lang=\(value)", as: "volunteerA")
                #expect(refused.status == .unprocessableContent, "lang=\(value)")
                #expect(refused.headers[.contentType]?.hasPrefix("application/problem+json") == true)
                #expect(refused.json["field"] as? String == "lang")
            }
            // Another person's certificate stays hidden whatever the language.
            #expect(try await f.send(client, .get, path + "?lang=en", as: "volunteerB").status == .notFound)
        }
    }
}
