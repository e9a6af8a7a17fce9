import Foundation
import LedgerCertificates
import LedgerCore
import Testing

struct KeyFileTests {
    @Test func keyFileIsCreatedOnFirstUseReadableByItsOwnerOnly() async throws {
        let path = try Sample.keyPath()
        #expect(!FileManager.default.fileExists(atPath: path))
        let keyring = try await CertificateKeyring(path: path)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let file = try CertificateKeyFile.read(path: path)
        #expect(file.keys.count == 1)
        #expect(file.activeKey?.kid == (try await keyring.activeKeyId))
        // Opening again reuses the key.
        let again = try await CertificateKeyring(path: path)
        #expect(try await again.activeKeyId == (try await keyring.activeKeyId))
    }

    @Test func privateKeysNeverLeaveTheFile() async throws {
        let path = try Sample.keyPath()
        let keyring = try await CertificateKeyring(path: path)
        let stored = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        let keys = try #require(stored["keys"] as? [[String: Any]])
        let privateKey = try #require(keys.first?["d"] as? String)
        #expect(privateKey.count == 43, "32 bytes, base64url")
        let published = String(decoding: try await keyring.publicKeySet(), as: UTF8.self)
        #expect(!published.contains(privateKey))
        #expect(!published.contains("\"d\""))
        let file = try CertificateKeyFile.read(path: path)
        #expect(!file.keys.map(\.description).joined().contains(privateKey))
    }

    @Test func aKeyFileOthersCanReadIsRefused() throws {
        let path = try Sample.keyPath()
        _ = try CertificateKeyFile.loadOrCreate(path: path)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        #expect(throws: CertificateKeyFileError.self) { _ = try CertificateKeyFile.read(path: path) }
    }

    @Test func rotationKeepsOldKeysForVerification() async throws {
        let path = try Sample.keyPath()
        let keyring = try await CertificateKeyring(path: path, refreshInterval: .zero)
        let oldKid = try await keyring.activeKeyId
        let claims = CertificateClaims(Sample.certificate())
        let (oldToken, signedBy) = try await keyring.sign(claims)
        #expect(signedBy == oldKid)

        let newKey = try CertificateKeyFile.rotate(path: path)
        #expect(newKey.kid != oldKid)
        #expect(try await keyring.activeKeyId == newKey.kid, "a running keyring picks up the rotation")
        let (newToken, newSigner) = try await keyring.sign(claims)
        #expect(newSigner == newKey.kid)
        #expect(await keyring.check(oldToken) == .verified(claims, keyId: oldKid))
        #expect(await keyring.check(newToken) == .verified(claims, keyId: newKey.kid))
        let statuses = try CertificateKeyFile.read(path: path).keys.map(\.status)
        #expect(statuses == [.retired, .active])
        let jwks = try JSONWebKeySet(json: Data(try await keyring.publicKeySet()))
        #expect(Set(jwks.keys.map(\.kid)) == [oldKid, newKey.kid])
    }

    @Test func aCompromisedKeyInvalidatesWhatItSigned() async throws {
        let path = try Sample.keyPath()
        let keyring = try await CertificateKeyring(path: path, refreshInterval: .zero)
        let kid = try await keyring.activeKeyId
        let claims = CertificateClaims(Sample.certificate())
        let (token, _) = try await keyring.sign(claims)
        // Checked once, so the good signature is remembered: the key's status must still win.
        #expect(await keyring.check(token) == .verified(claims, keyId: kid))

        let replacement = try CertificateKeyFile.markCompromised(path: path, kid: kid, note: "laptop stolen")
        #expect(replacement.kid != kid, "the compromised active key is replaced")
        guard case .rejected(let reason, let keyId, let at) = await keyring.check(token) else {
            Issue.record("a token of a compromised key verified")
            return
        }
        #expect(reason == .compromisedKey)
        #expect(keyId == kid)
        #expect(at != nil)
        // The JWKS leaves it out of `keys` (no JOSE library will accept it) and names it as compromised.
        let jwks = try JSONWebKeySet(json: Data(try await keyring.publicKeySet()))
        #expect(jwks.keys.map(\.kid) == [replacement.kid])
        #expect(jwks.compromised?.map(\.kid) == [kid])
        #expect(throws: CertificateKeyFileError.self) { try CertificateKeyFile.markCompromised(path: path, kid: "nope", note: nil) }
    }
}

struct KeyThumbprintTests {
    /// RFC 8037 appendix A.3: the thumbprint of the Ed25519 key of appendix A.2.
    @Test func keyIdIsTheRFC7638Thumbprint() async throws {
        #expect(SigningKey.thumbprint(x: "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo") == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k")
        let keyring = try await Sample.keyring()
        let jwks = try JSONWebKeySet(json: Data(try await keyring.publicKeySet()))
        let key = try #require(jwks.keys.first)
        #expect(key.kid == SigningKey.thumbprint(x: key.x))
        #expect(key.kty == "OKP" && key.crv == "Ed25519" && key.alg == "EdDSA" && key.use == "sig")
    }
}
