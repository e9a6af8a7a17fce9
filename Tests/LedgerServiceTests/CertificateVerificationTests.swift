import Foundation
import LedgerCertificates
import LedgerCore
import Testing

struct CertificateVerificationTests {
    /// A testbed with one issued certificate of two records (3 hours).
    static func issued() async throws -> (CertifyingTestbed, IssuedCertificate) {
        let t = try await CertifyingTestbed()
        let (organization, volunteer, activity) = try await t.scene(1)
        try await t.bed.record(volunteer, activity, from: At.june(10, 9), to: At.june(10, 11))
        try await t.bed.record(volunteer, activity, from: At.june(10, 13), to: At.june(10, 14))
        return (t, try await t.issue(volunteer, by: organization))
    }

    @Test func aFreshCertificateIsValidByTokenURLAndSerial() async throws {
        let (t, issued) = try await Self.issued()
        let c = issued.certificate
        for input in [c.token, issued.verificationURL, c.groupedSerial, c.serial.lowercased(), " " + c.groupedSerial + " ",
                      issued.serialURL] {
            let result = try await t.verify(input)
            #expect(result.status == .valid, "\(input.prefix(40))")
            #expect(result.certificate == c)
            #expect(result.currentMinutes == 180)
        }
        #expect(try await t.ledger.verifyCertificate(serial: c.groupedSerial).status == .valid)
    }

    @Test func typedSerialsThatAreWrongOrUnknownAreNotFound() async throws {
        let (t, issued) = try await Self.issued()
        var typo = Array(issued.certificate.serial)
        typo[3] = typo[3] == "7" ? "8" : "7"
        #expect(try await t.ledger.verifyCertificate(serial: String(typo)).reason == .malformed, "the check symbol catches typos")
        let unknown = CertificateSerial.random(.seeded(99)).grouped
        let result = try await t.ledger.verifyCertificate(serial: unknown)
        #expect(result.status == .invalid && result.reason == .unknownCertificate)
        #expect(result.certificate == nil)
    }

    @Test func aTokenSignedByOurKeyButNotOnRecordIsInvalid() async throws {
        let (t, issued) = try await Self.issued()
        // A stolen key could sign anything; what is not on record is still refused.
        var claims = CertificateClaims(issued.certificate)
        claims.serial = CertificateSerial.random(.seeded(1234)).value
        let (unknown, _) = try await t.keyring.sign(claims)
        #expect(try await t.verify(unknown).reason == .unknownCertificate)
        claims = CertificateClaims(issued.certificate)
        claims.minutes += 600
        let (inflated, _) = try await t.keyring.sign(claims)
        let result = try await t.verify(inflated)
        #expect(result.status == .invalid && result.reason == .claimsMismatch)
    }

    @Test(arguments: [("changed claim", InvalidCertificateReason.badSignature), ("changed signature", .badSignature),
                      ("other key", .unknownKey), ("truncated", .malformed), ("junk", .malformed), ("huge", .malformed)])
    func forgedTokensAreInvalidWithTheirReasonAndShowNothing(_ forgery: String, _ reason: InvalidCertificateReason) async throws {
        let (t, issued) = try await Self.issued()
        let token = issued.certificate.token
        let parts = token.split(separator: ".").map(String.init)
        let forged: String
        switch forgery {
        case "changed claim":
            var payload = try #require(try JSONSerialization.jsonObject(with: Self.decode(parts[1])) as? [String: Any])
            payload["min"] = 6000
            forged = [parts[0], Self.encode(try JSONSerialization.data(withJSONObject: payload, options: .sortedKeys)), parts[2]]
                .joined(separator: ".")
        case "changed signature":
            // Other bytes, spelled canonically (the last character, which carries the unused bits, is kept).
            forged = parts[0] + "." + parts[1] + "." + String(parts[2].dropLast().reversed()) + String(parts[2].last!)
        case "other key":
            let other = try await CertificateKeyring(path: t.bed.directory.appendingPathComponent("other.json").path)
            forged = try await other.sign(CertificateClaims(issued.certificate)).token
        case "truncated":
            forged = String(token.prefix(token.count / 2))
        case "junk":
            forged = "%00<script>"
        default:
            forged = String(repeating: "A", count: 1 << 20)
        }
        let result = try await t.verify(forged)
        #expect(result.status == .invalid)
        #expect(result.reason == reason)
        #expect(result.certificate == nil)
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
