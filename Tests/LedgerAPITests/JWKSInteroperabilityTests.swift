import Foundation
import LedgerTestSupport
import Hummingbird
import HummingbirdTesting
import LedgerAPI
import LedgerCore
import Logging
import Testing

/// A JOSE library written elsewhere (Python's joserfc, installed by `make test`) fetches the published
/// JWKS and status list from the running server and verifies a certificate token with them.
struct JWKSInteroperabilityTests {
    static var python: String {
        ProcessInfo.processInfo.environment["VLEDGER_TEST_PYTHON"].flatMap { $0.isEmpty ? nil : $0 } ?? "python3"
    }

    static let script = SourceTree.root.appendingPathComponent("scripts/verify_certificate_jose.py").path

    /// Runs the Python verifier; returns its exit status and standard output.
    static func joserfc(_ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, script] + arguments
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outputData, as: UTF8.self), String(decoding: errorData, as: UTF8.self))
    }

    @Test func joserfcVerifiesATokenWithThePublishedJWKSAndReadsTheStatusList() async throws {
        let f = try await APIFixture.make()
        let issued = try await f.ledger.issueCertificate(
            CertificateRequest(volunteerId: f.volunteerA.id, organizationId: f.organizationA.id), by: .localOperator)
        let revoked = try await f.ledger.issueCertificate(
            CertificateRequest(volunteerId: f.volunteerA.id, organizationId: f.organizationA.id), by: .localOperator)
        _ = try await f.ledger.revokeCertificate(serial: revoked.certificate.serial, reason: "作废", by: .localOperator)
        var logger = Logger(label: "jwks-interop")
        logger.logLevel = .warning
        let app = Application(router: buildRouter(ledger: f.ledger), configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              logger: logger)
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let jwks = "http://127.0.0.1:\(port)/.well-known/jwks.json"
            func statusList(_ certificate: Certificate) -> String {
                "http://127.0.0.1:\(port)/api/v1/status-lists/\(StatusListIndex.list(of: certificate.statusIndex))"
            }

            let good = try Self.joserfc([jwks, issued.certificate.token, "--status-list", statusList(issued.certificate)])
            #expect(good.status == 0, "joserfc refused: \(good.error)")
            let result = try #require(try JSONSerialization.jsonObject(with: Data(good.output.utf8)) as? [String: Any])
            let claims = result["claims"] as? [String: Any]
            #expect(claims?["sn"] as? String == issued.certificate.serial)
            #expect(claims?["vn"] as? String == f.volunteerA.name)
            #expect(claims?["min"] as? Int == issued.certificate.minutes)
            #expect((result["header"] as? [String: Any])?["kid"] as? String == issued.certificate.keyId)
            #expect(result["revoked"] as? Bool == false)
            #expect(result["statusPurpose"] as? String == "revocation")

            let other = try Self.joserfc([jwks, revoked.certificate.token, "--status-list", statusList(revoked.certificate)])
            #expect(other.status == 0)
            let otherResult = try JSONSerialization.jsonObject(with: Data(other.output.utf8)) as? [String: Any]
            #expect(otherResult?["revoked"] as? Bool == true)

            // A changed claim fails in their library too.
            let parts = issued.certificate.token.split(separator: ".").map(String.init)
            var payload = try #require(try JSONSerialization.jsonObject(with: VerificationPageTests.decode(parts[1])) as? [String: Any])
            payload["min"] = 99_999
            let forged = [parts[0], VerificationPageTests.encode(try JSONSerialization.data(withJSONObject: payload)), parts[2]]
                .joined(separator: ".")
            let refused = try Self.joserfc([jwks, forged])
            #expect(refused.status == 1, "joserfc accepted a changed claim")
            #expect(refused.error.contains("BadSignature"))

            // Hostile and huge URLs at the real server: answered, never with a server error. A request line
            // beyond the HTTP parser's limit is refused by closing the connection, so that one goes last.
            for uri in ["/v/%00%ff%fe", "/v/..%2F..%2Fetc%2Fpasswd", "/v/" + String(repeating: "A", count: 4000)] {
                let response = try await client.execute(uri: uri, method: .get)
                #expect(response.status.code < 500, "\(uri.prefix(30)) answered \(response.status)")
            }
            do {
                let response = try await client.execute(uri: "/v/" + String(repeating: "A", count: 100_000), method: .get)
                #expect(response.status.code < 500, "a 100 kB URL answered \(response.status)")
            } catch {
                // Closed without an answer: refused, which is fine.
            }
        }
        try? FileManager.default.removeItem(at: f.directory)
    }
}
