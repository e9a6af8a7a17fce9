import Foundation

/// The public keys as published at `/.well-known/jwks.json` (RFC 7517): one OKP/Ed25519 JWK per usable
/// key, readable by any JOSE library. Compromised keys are left out of `keys`, so that no library will
/// accept what they signed, and listed by `kid` under the extra member `compromised` (unknown members
/// are ignored by other readers), so that offline verifiers can say why such a certificate is invalid.
public struct JSONWebKeySet: Codable, Sendable {
    public struct Key: Codable, Sendable {
        public var kty = "OKP"
        public var crv = "Ed25519"
        public var x: String
        public var kid: String
        public var alg = "EdDSA"
        public var use = "sig"

        public init(x: String, kid: String) {
            self.x = x
            self.kid = kid
        }
    }

    public struct CompromisedKey: Codable, Sendable {
        public var kid: String
        public var x: String
        /// RFC 3339.
        public var compromisedAt: String
    }

    public var keys: [Key]
    public var compromised: [CompromisedKey]?

    public init(_ file: CertificateKeyFile) {
        keys = file.keys.filter { $0.status != .compromised }.map { Key(x: $0.x, kid: $0.kid) }
        let bad = file.keys.filter { $0.status == .compromised }.map {
            CompromisedKey(kid: $0.kid, x: $0.x, compromisedAt: ($0.compromisedAt ?? $0.createdAt).formatted(.iso8601))
        }
        compromised = bad.isEmpty ? nil : bad
    }

    public init(json: Data) throws {
        self = try JSONDecoder().decode(JSONWebKeySet.self, from: json)
    }

    public var json: [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array((try? encoder.encode(self)) ?? Data("{\"keys\":[]}".utf8))
    }

    /// The keys a verifier checks tokens against; keys that are not Ed25519 or whose `kid` is not their
    /// RFC 7638 thumbprint are ignored.
    func verifier() async throws -> TokenVerifier {
        var keys: [String: VerificationKey] = [:]
        for key in self.keys where key.kty == "OKP" && key.crv == "Ed25519" && SigningKey.thumbprint(x: key.x) == key.kid {
            keys[key.kid] = try await VerificationKey(kid: key.kid, x: key.x, trusted: true, compromisedAt: nil)
        }
        for key in compromised ?? [] where SigningKey.thumbprint(x: key.x) == key.kid {
            keys[key.kid] = try await VerificationKey(
                kid: key.kid, x: key.x, trusted: false,
                compromisedAt: try? Date(key.compromisedAt, strategy: .iso8601))
        }
        return TokenVerifier(keys: keys)
    }
}
