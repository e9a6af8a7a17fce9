import Foundation
import LedgerCore
import Testing

/// `vledger issue --tlog-proof` writes a C2SP tlog-proof of the issuance beside the PDF, and `vledger verify --checkpoint`
/// checks it offline with the log's key: the certificate was logged, in a checkpoint the log signed.
@Suite(.serialized)
struct CertificateLogProofCommandTests {
    @Test func anIssuanceProofChecksOfflineAndRefusesTamperingAnotherKeyAndAnotherCertificate() async throws {
        let s = try await CertificateCommandTests.scene()
        let issued = try s.run(["issue", "--volunteer", s.volunteer.number, "--org", s.organization.creditCode,
                                "--out", s.file("cert.pdf"), "--png", s.file("qr.png"), "--tlog-proof", s.file("cert.tlog-proof")] + s.common)
        #expect(issued.status == 0, "\(issued.error)")
        let key = String(try #require(issued.output.firstMatch(of: #/--log-key '([^']+)'/#)).1)
        let proofText = try String(contentsOfFile: s.file("cert.tlog-proof"), encoding: .utf8)
        #expect(proofText.hasPrefix("c2sp.org/tlog-proof@v1\nextra "))
        #expect(!proofText.contains("司马相如") && !proofText.contains(s.volunteer.documentNumber), "no personal data in the proof")

        // Offline: the QR code image, the proof and the log's key; no database.
        let offline = ["--database", "sqlite:/nonexistent/x.sqlite"]
        let verified = try s.run(["verify", s.file("qr.png"), "--checkpoint", s.file("cert.tlog-proof"), "--log-key", key] + offline)
        #expect(verified.status == 0, "\(verified.output) \(verified.error)")
        #expect(verified.output.contains("已记入透明日志 / Logged"), "\(verified.output)")

        // A proof hash changed: the entry is no longer proven in the signed tree.
        var lines = proofText.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let hashLine = try #require(lines.firstIndex { $0.hasPrefix("index ") }) + 1
        if lines[hashLine].isEmpty {
            // A one-entry tree has no proof hashes: change the root in the checkpoint instead.
            lines[hashLine + 3] = Data(repeating: 1, count: 32).base64EncodedString()
        } else {
            lines[hashLine] = Data(repeating: 1, count: 32).base64EncodedString()
        }
        try lines.joined(separator: "\n").write(toFile: s.file("tampered.tlog-proof"), atomically: true, encoding: .utf8)
        let tampered = try s.run(["verify", s.file("qr.png"), "--checkpoint", s.file("tampered.tlog-proof"), "--log-key", key] + offline)
        #expect(tampered.status != 0)
        #expect(tampered.output.contains("INVALID"), "\(tampered.output) \(tampered.error)")

        // The same origin under another key: the checkpoint is not the log's.
        let origin = String(key.prefix { $0 != "+" })
        let otherKey = try NoteSigner.generate(name: origin).verifier.encoded
        let forged = try s.run(["verify", s.file("qr.png"), "--checkpoint", s.file("cert.tlog-proof"), "--log-key", otherKey] + offline)
        #expect(forged.status != 0)
        #expect(forged.output.contains("checkpoint"), "\(forged.output)")

        // Another certificate's proof does not prove this one.
        let second = try s.run(["issue", "--volunteer", s.volunteer.number, "--out", s.file("second.pdf"),
                                "--tlog-proof", s.file("second.tlog-proof")] + s.common)
        #expect(second.status == 0, "\(second.error)")
        let crossed = try s.run(["verify", s.file("qr.png"), "--checkpoint", s.file("second.tlog-proof"), "--log-key", key] + offline)
        #expect(crossed.status != 0)
        #expect(crossed.output.contains("another token"), "\(crossed.output)")

        // A witness policy the proof does not meet: written offline by `vledger issue`, it carries no cosignature.
        let witness = try CosignatureSigner.generate(name: "witness.example").verifier.encoded
        let uncosigned = try s.run(["verify", s.file("qr.png"), "--checkpoint", s.file("cert.tlog-proof"), "--log-key", key,
                                    "--witness-key", witness] + offline)
        #expect(uncosigned.status != 0)
        #expect(uncosigned.output.contains("0 valid cosignature(s) by the given witnesses, 1 required"), "\(uncosigned.output)")
        let optional = try s.run(["verify", s.file("qr.png"), "--checkpoint", s.file("cert.tlog-proof"), "--log-key", key,
                                  "--witness-key", witness, "--witness-quorum", "0"] + offline)
        #expect(optional.status == 0 && optional.output.contains("cosigned by no given witness"), "\(optional.output)")

        // A key file made for another origin (the public address differs) is refused before anything is issued.
        let listed = try s.run(["certificates", "list"] + s.common).output
        let otherOrigin = try s.run(["issue", "--volunteer", s.volunteer.number, "--out", s.file("third.pdf"),
                                     "--tlog-proof", s.file("third.tlog-proof"), "--database", s.database, "--keys", s.keys,
                                     "--public-base-url", "https://elsewhere.example.org"])
        #expect(otherOrigin.status != 0 && otherOrigin.error.contains("origin"), "\(otherOrigin.error)")
        #expect(try s.run(["certificates", "list"] + s.common).output == listed, "nothing issued")
        #expect(!FileManager.default.fileExists(atPath: s.file("third.pdf")))

        let keyless = try s.run(["verify", s.file("qr.png"), "--checkpoint", s.file("cert.tlog-proof")] + offline)
        #expect(keyless.status != 0 && keyless.error.contains("--log-key"), "\(keyless.error)")
    }
}
