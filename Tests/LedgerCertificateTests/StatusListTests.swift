import Foundation
import LedgerCertificates
import LedgerCore
import Testing

struct StatusListTests {
    @Test func indexZeroIsTheLeftmostBit() {
        var bits = StatusBitstring(size: 16)
        bits[0] = true
        bits[9] = true
        #expect(bits.bytes == [0b1000_0000, 0b0100_0000])
        #expect(bits[0] && bits[9] && !bits[1] && !bits[8])
        bits[0] = false
        #expect(bits.bytes == [0, 0b0100_0000])
        #expect(!bits[-1] && !bits[16], "out of range reads as not revoked")
    }

    @Test func indexesSplitIntoListsOfTheW3CMinimumSize() {
        #expect(StatusListIndex.listSize == 131_072)
        #expect(StatusListIndex.list(of: 131_071) == 0 && StatusListIndex.bit(of: 131_071) == 131_071)
        #expect(StatusListIndex.list(of: 131_072) == 1 && StatusListIndex.bit(of: 131_072) == 0)
        let source = RandomSource.seeded(5)
        #expect((0..<1000).allSatisfy { _ in StatusListIndex.random(issued: 10, source) < StatusListIndex.listSize })
        // Past half a list, a second list opens.
        let spread = (0..<1000).map { _ in StatusListIndex.random(issued: 65_536, source) }
        #expect(spread.allSatisfy { $0 < 2 * StatusListIndex.listSize })
        #expect(spread.contains { $0 >= StatusListIndex.listSize })
    }

    @Test func credentialHoldsTheGzippedBitsAndVerifiesWithThePublishedKeys() async throws {
        let keyring = try await Sample.keyring()
        var bits = StatusBitstring()
        for index in [3, 4242, 131_071] { bits[index] = true }
        let token = try await keyring.signStatusList(StatusListSnapshot(list: 0, bits: bits, revokedCount: 3),
                                                     url: "\(Sample.base)/api/v1/status-lists/0", issuer: Sample.base,
                                                     at: Sample.issuedAt)
        // The payload is the credential itself (VC-JOSE), typ vc+jwt.
        let parts = token.split(separator: ".")
        #expect(parts.count == 3)
        let header = try #require(try JSONSerialization.jsonObject(with: base64url(parts[0])) as? [String: Any])
        #expect(header["typ"] as? String == "vc+jwt")
        #expect(header["alg"] as? String == "EdDSA")
        let credential = try #require(try JSONSerialization.jsonObject(with: base64url(parts[1])) as? [String: Any])
        #expect(credential["@context"] as? [String] == ["https://www.w3.org/ns/credentials/v2"])
        #expect(credential["type"] as? [String] == ["VerifiableCredential", "BitstringStatusListCredential"])
        let subject = try #require(credential["credentialSubject"] as? [String: Any])
        #expect(subject["type"] as? String == "BitstringStatusList")
        #expect(subject["statusPurpose"] as? String == "revocation")
        let encoded = try #require(subject["encodedList"] as? String)
        #expect(encoded.hasPrefix("u"), "multibase base64url")
        let gzip = try base64url(encoded.dropFirst())
        #expect(Array(gzip.prefix(2)) == [0x1F, 0x8B], "GZIP magic")
        #expect(gzip.count < 200, "16 KiB of mostly zeros compress to little")

        let verifier = try await OfflineVerifier(jwks: Data(try await keyring.publicKeySet()))
        func claims(_ index: Int64) -> CertificateClaims {
            var claims = CertificateClaims(Sample.certificate())
            claims.statusIndex = index
            return claims
        }
        #expect(try await verifier.revocation(of: claims(4242), statusList: token).revoked)
        #expect(try await verifier.revocation(of: claims(131_071), statusList: token).revoked)
        #expect(try await !verifier.revocation(of: claims(4243), statusList: token).revoked)
        #expect(try await verifier.revocation(of: claims(5), statusList: token).listIssuedAt == Sample.issuedAt)
        await #expect(throws: OfflineVerifier.StatusListError.self) {
            _ = try await verifier.revocation(of: claims(131_072 + 4242), statusList: token)
        }
        // A list whose bits were altered does not verify.
        var altered = Array(token)
        let index = token.distance(from: token.startIndex, to: token.lastIndex(of: ".")!) - 10
        altered[index] = altered[index] == "A" ? "B" : "A"
        await #expect(throws: InvalidSignedData.self) {
            _ = try await verifier.revocation(of: claims(4242), statusList: String(altered))
        }
    }

    private func base64url(_ text: some StringProtocol) throws -> Data {
        var padded = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while padded.count % 4 != 0 { padded += "=" }
        return try #require(Data(base64Encoded: padded))
    }
}
