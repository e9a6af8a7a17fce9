import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerCertificates
import LedgerCore
import Testing

/// `/v/{token}` and `/api/v1/verify`: anyone, any input, never a server error.
struct VerificationPageTests {
    /// A fixture with one certificate of volunteer A issued by organization A.
    static func issued() async throws -> (APIFixture, IssuedCertificate) {
        let f = try await APIFixture.make()
        let issued = try await f.ledger.issueCertificate(
            CertificateRequest(volunteerId: f.volunteerA.id, organizationId: f.organizationA.id), by: .localOperator)
        return (f, issued)
    }

    static func get(_ client: any TestClientProtocol, _ uri: String, json: Bool = false) async throws -> TestResponse {
        try await client.execute(uri: uri, method: .get, headers: json ? [.accept: "application/json"] : [.accept: "text/html,*/*"])
    }

    @Test func thePageSaysValidInOneGlanceAndShowsOnlyTheMaskedName() async throws {
        let (f, issued) = try await Self.issued()
        try await f.test { client in
            let page = try await Self.get(client, "/v/\(issued.certificate.token)")
            #expect(page.status == .ok)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            #expect(page.headers[.cacheControl] == "no-store")
            #expect(page.headers[.init("Content-Security-Policy")!]?.contains("default-src 'none'") == true)
            let html = String(buffer: page.body)
            #expect(html.contains("<h1>有效 / Valid</h1>"))
            #expect(html.contains("志***") && !html.contains(f.volunteerA.name))
            #expect(html.contains(f.organizationA.name) && html.contains("2.00") && html.contains("2026-06-15"))
            #expect(html.contains(issued.certificate.groupedSerial))
        }
    }

    @Test func theSameAnswerComesAsJSONByTokenAndBySerial() async throws {
        let (f, issued) = try await Self.issued()
        let c = issued.certificate
        try await f.test { client in
            for uri in ["/v/\(c.token)", "/v/\(c.groupedSerial)", "/api/v1/verify?token=\(c.token)",
                        "/api/v1/verify?serial=\(c.serial.lowercased())", "/api/v1/verify?serial=\(c.groupedSerial)"] {
                let response = try await Self.get(client, uri, json: true)
                #expect(response.status == .ok, "\(uri)")
                #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
                let body = response.json
                #expect(body["status"] as? String == "valid", "\(uri)")
                let certificate = body["certificate"] as? [String: Any]
                #expect(certificate?["volunteerName"] as? String == "志***")
                #expect(certificate?["serial"] as? String == c.groupedSerial)
                #expect(certificate?["hours"] as? String == "2.00")
                #expect(certificate?["issuedOn"] as? String == "2026-06-15")
            }
            #expect(try await Self.get(client, "/api/v1/verify", json: true).status == .unprocessableContent)
        }
    }

    @Test(arguments: ["changed claim", "changed signature", "other key", "truncated", "junk", "script", "huge", "bad serial",
                      "unknown serial", "empty parts", "non-canonical signature"])
    func forgedAndDamagedInputIsInvalidWithItsReasonAndNeverAServerError(_ forgery: String) async throws {
        let (f, issued) = try await Self.issued()
        let token = issued.certificate.token
        let parts = token.split(separator: ".").map(String.init)
        let (input, reason): (String, InvalidCertificateReason)
        switch forgery {
        case "changed claim":
            var payload = try #require(try JSONSerialization.jsonObject(with: Self.decode(parts[1])) as? [String: Any])
            payload["min"] = 99_999
            input = [parts[0], Self.encode(try JSONSerialization.data(withJSONObject: payload, options: .sortedKeys)), parts[2]]
                .joined(separator: ".")
            reason = .badSignature
        case "changed signature":
            // Other bytes, spelled canonically (the last character, which carries the unused bits, is kept).
            input = parts[0] + "." + parts[1] + "." + String(parts[2].dropLast().reversed()) + String(parts[2].last!)
            reason = .badSignature
        case "other key":
            let other = try await CertificateKeyring(path: f.directory.appendingPathComponent("other-keys.json").path)
            input = try await other.sign(CertificateClaims(issued.certificate)).token
            reason = .unknownKey
        case "non-canonical signature":
            // The same signature bytes, spelled with a last character whose unused low bits are set.
            let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
            let last = try #require(parts[2].last.flatMap { alphabet.firstIndex(of: $0) })
            input = parts[0] + "." + parts[1] + "." + parts[2].dropLast() + String(alphabet[last ^ 1])
            reason = .malformed
        case "truncated":
            input = String(token.dropLast(20))
            reason = .malformed
        case "junk":
            input = "hello.world"
            reason = .malformed
        case "script":
            input = "%3Cscript%3Ealert(1)%3C%2Fscript%3E"
            reason = .malformed
        case "huge":
            input = String(repeating: "eyJh", count: 16_384)
            reason = .malformed
        case "bad serial":
            input = "ZZZZ-ZZZZ-ZZZZ-ZZZZ"
            reason = .malformed
        case "unknown serial":
            input = CertificateSerial.random(.seeded(77)).grouped
            reason = .unknownCertificate
        default:
            input = "..."
            reason = .malformed
        }
        try await f.test { client in
            for uri in ["/v/\(input)", "/api/v1/verify?token=\(input)"] {
                let json = try await Self.get(client, uri, json: true)
                #expect(json.status == .ok, "\(forgery): \(uri.prefix(60)) answered \(json.status)")
                #expect(json.json["status"] as? String == "invalid", "\(forgery)")
                #expect(json.json["reason"] as? String == reason.rawValue, "\(forgery)")
                #expect(json.json["certificate"] == nil, "\(forgery): nothing of a bad token is shown")
            }
            let page = try await Self.get(client, "/v/\(input)")
            #expect(page.status == .ok)
            let html = String(buffer: page.body)
            #expect(html.contains("<h1>无效 / Invalid</h1>") && html.contains(reason.rawValue))
            #expect(!html.contains("<script>"))
        }
    }

    @Test func publicKeysAndStatusListsArePublished() async throws {
        let (f, issued) = try await Self.issued()
        try await f.test { client in
            let jwks = try await Self.get(client, "/.well-known/jwks.json")
            #expect(jwks.status == .ok && jwks.headers[.contentType] == "application/jwk-set+json")
            let keys = try #require(jwks.json["keys"] as? [[String: Any]])
            #expect(keys.map { $0["kid"] as? String } == [issued.certificate.keyId])
            #expect(keys.first?["d"] == nil)

            let list = try await Self.get(client, "/api/v1/status-lists/\(StatusListIndex.list(of: issued.certificate.statusIndex))")
            #expect(list.status == .ok && list.headers[.contentType] == "application/vc+jwt")
            let verifier = try await OfflineVerifier(jwks: Data(jwks.body.readableBytesView))
            #expect(try await !verifier.revocation(of: CertificateClaims(issued.certificate), statusList: String(buffer: list.body)).revoked)
            #expect(try await Self.get(client, "/api/v1/status-lists/9").status == .notFound)
        }
    }

    static func decode(_ text: String) throws -> Data {
        var padded = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while padded.count % 4 != 0 { padded += "=" }
        return try #require(Data(base64Encoded: padded))
    }

    static func encode(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
