import Foundation
import LedgerCertificates
import LedgerCore
import Testing

/// Verification with nothing but the published JWKS (and a cached status list): no database, no network.
struct OfflineVerificationTests {
    @Test func jwksAloneVerifiesATokenAndRefusesForgeries() async throws {
        let keyring = try await Sample.keyring()
        let claims = CertificateClaims(Sample.certificate())
        let (token, kid) = try await keyring.sign(claims)
        let verifier = try await OfflineVerifier(jwks: Data(try await keyring.publicKeySet()))
        #expect(await verifier.check(token) == .verified(claims, keyId: kid))
        #expect(await verifier.check("https://verify.example.gov.cn/v/\(token)") != .verified(claims, keyId: kid),
                "check takes the bare token")
        #expect(await verifier.check(OfflineVerifier.token(in: "https://verify.example.gov.cn/v/\(token)?utm=x"))
                == .verified(claims, keyId: kid))
        let other = try await Sample.keyring()
        let foreign = try await other.sign(claims).token
        guard case .rejected(.unknownKey, _, _) = await verifier.check(foreign) else {
            Issue.record("a token of a key not in the JWKS verified")
            return
        }
    }

    @Test func compromisedKeysInTheJWKSMakeTheirTokensInvalid() async throws {
        let path = try Sample.keyPath()
        let keyring = try await CertificateKeyring(path: path, refreshInterval: .zero)
        let claims = CertificateClaims(Sample.certificate())
        let (token, kid) = try await keyring.sign(claims)
        try CertificateKeyFile.markCompromised(path: path, kid: kid, note: nil)
        let verifier = try await OfflineVerifier(jwks: Data(try await keyring.publicKeySet()))
        guard case .rejected(let reason, _, let at) = await verifier.check(token) else {
            Issue.record("a token of a compromised key verified offline")
            return
        }
        #expect(reason == .compromisedKey)
        #expect(at != nil)
    }

    @Test func aJWKSWhoseKidIsNotTheThumbprintIsIgnored() async throws {
        let keyring = try await Sample.keyring()
        let claims = CertificateClaims(Sample.certificate())
        let (token, kid) = try await keyring.sign(claims)
        let other = try JSONWebKeySet(json: Data(try await Sample.keyring().publicKeySet()))
        // An attacker's key published under our kid.
        var forged = other
        forged.keys[0].kid = kid
        let verifier = try await OfflineVerifier(jwks: Data(forged.json))
        guard case .rejected(.unknownKey, _, _) = await verifier.check(token) else {
            Issue.record("a key under a kid that is not its thumbprint was used")
            return
        }
    }
}
