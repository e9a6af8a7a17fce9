import Foundation
import LedgerCertificates
import LedgerCore
import Testing

struct CertificateTokenTests {
    @Test func claimsAreFewAndShortAndNeverPersonalDocuments() async throws {
        let keyring = try await Sample.keyring()
        let certificate = Sample.certificate()
        let (token, kid) = try await keyring.sign(CertificateClaims(certificate))
        let parts = token.split(separator: ".").map(String.init)
        #expect(parts.count == 3)
        let header = try Self.json(parts[0])
        #expect(header as NSDictionary == ["alg": "EdDSA", "kid": kid, "typ": "JWT"] as NSDictionary)
        let payload = try Self.json(parts[1])
        #expect(Set(payload.keys) == ["sn", "vn", "no", "ic", "pd", "min", "iat", "si"])
        #expect(payload["sn"] as? String == certificate.serial)
        #expect(payload["vn"] as? String == "欧阳娜娜")
        #expect(payload["no"] as? String == "V12345678903")
        #expect(payload["ic"] as? String == "51330106MA0000001X")
        #expect(payload["pd"] as? String == "20260101/20260630")
        #expect(payload["min"] as? Int == 750)
        #expect(payload["iat"] as? Int == 1_781_496_000)
        let text = String(decoding: try Self.bytes(parts[1]), as: UTF8.self)
        #expect(!text.contains("*") && !text.contains("0429"), "no document number, not even masked")
        #expect(!text.contains("\\/"), "slashes unescaped")
        #expect(token.count <= 420, "about 400 characters: \(token.count)")
        #expect(QRCodeBudget.verificationURL(base: Sample.base, token: token).utf8.count <= QRCodeBudget.maxURLBytes)
        // Ed25519 is deterministic: the same claims give the same token.
        #expect(try await keyring.sign(CertificateClaims(certificate)).token == token)
    }

    @Test func openPeriodsAreWrittenAsISOIntervals() {
        let day = LocalDate(year: 2026, month: 3, day: 9)!
        #expect(CertificateClaims.period(from: nil, to: nil) == nil)
        #expect(CertificateClaims.period(from: day, to: nil) == "20260309/..")
        #expect(CertificateClaims.period(from: nil, to: day) == "../20260309")
        var claims = CertificateClaims(Sample.certificate(from: day, to: nil))
        #expect(claims.periodBounds?.from == day && claims.periodBounds?.to == nil)
        claims.period = "2026-03-09"
        #expect(claims.periodBounds == nil)
    }

    /// Every way a token can be damaged or forged, and the reason it is refused for.
    static let forgeries: [(name: String, reason: InvalidCertificateReason)] = [
        ("changed claim", .badSignature), ("changed name", .badSignature), ("changed signature", .badSignature),
        ("other key with our kid", .badSignature), ("other key", .unknownKey), ("no kid", .unknownKey),
        ("alg none", .badSignature), ("truncated signature", .malformed), ("truncated to two parts", .malformed),
        ("junk", .malformed), ("three junk parts", .malformed), ("empty", .malformed), ("huge", .malformed),
        ("claims not a certificate", .malformed),
    ]

    @Test(arguments: forgeries)
    func forgedAndDamagedTokensAreRefusedWithTheirReason(_ name: String, _ reason: InvalidCertificateReason) async throws {
        let keyring = try await Sample.keyring()
        let other = try await Sample.keyring()
        let kid = try await keyring.activeKeyId
        let claims = CertificateClaims(Sample.certificate())
        let token = try await keyring.sign(claims).token
        let forged = try await Self.forge(name, token: token, claims: claims, kid: kid, keyring: keyring, other: other)
        guard case .rejected(let actual, _, _) = await keyring.check(forged) else {
            Issue.record("\(name): accepted")
            return
        }
        #expect(actual == reason, "\(name)")
    }

    static func forge(_ name: String, token: String, claims: CertificateClaims, kid: String, keyring: CertificateKeyring,
                      other: CertificateKeyring) async throws -> String {
        let parts = token.split(separator: ".").map(String.init)
        func encode(_ object: Any) throws -> String {
            Self.base64url(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
        }
        var payload = try json(parts[1])
        switch name {
        case "changed claim":
            payload["min"] = (payload["min"] as? Int ?? 0) + 600
            return [parts[0], try encode(payload), parts[2]].joined(separator: ".")
        case "changed name":
            payload["vn"] = "李四"
            return [parts[0], try encode(payload), parts[2]].joined(separator: ".")
        case "changed signature":
            var signature = Array(parts[2])
            signature[10] = signature[10] == "A" ? "B" : "A"
            return [parts[0], parts[1], String(signature)].joined(separator: ".")
        case "other key with our kid":
            let foreign = try await other.sign(claims).token.split(separator: ".").map(String.init)
            return [parts[0], parts[1], foreign[2]].joined(separator: ".")
        case "other key":
            return try await other.sign(claims).token
        case "no kid":
            return [try encode(["alg": "EdDSA", "typ": "JWT"]), parts[1], parts[2]].joined(separator: ".")
        case "alg none":
            return [try encode(["alg": "none", "kid": kid]), parts[1], parts[2]].joined(separator: ".")
        case "truncated signature":
            return String(token.dropLast(8))
        case "truncated to two parts":
            return parts[0] + "." + parts[1]
        case "junk":
            return "not a token at all"
        case "three junk parts":
            return "abc.def.ghi"
        case "empty":
            return ""
        case "huge":
            return String(repeating: token, count: 300)
        case "claims not a certificate":
            // Correctly signed JSON that is not certificate claims: the key is ours, the content nonsense.
            return try await keyring.signStatusList(StatusListSnapshot(list: 0, bits: StatusBitstring(size: 8), revokedCount: 0),
                                                    url: "x", issuer: "x", at: Date())
        default:
            Issue.record("unknown forgery \(name)")
            return token
        }
    }

    static func bytes(_ text: String) throws -> Data {
        var padded = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while padded.count % 4 != 0 { padded += "=" }
        return try #require(Data(base64Encoded: padded))
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: bytes(text)) as? [String: Any])
    }

    static func base64url(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
