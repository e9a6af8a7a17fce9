import Crypto
import Foundation
import JWTKit
import LedgerCore
import Synchronization

/// The claims as a jwt-kit payload. Beyond the signature it checks only that the claims are well formed;
/// certificates do not expire.
struct SignedCertificateClaims: JWTPayload {
    var claims: CertificateClaims

    init(_ claims: CertificateClaims) { self.claims = claims }
    init(from decoder: any Decoder) throws { claims = try CertificateClaims(from: decoder) }
    func encode(to encoder: any Encoder) throws { try claims.encode(to: encoder) }

    func verify(using algorithm: some JWTAlgorithm) async throws {
        guard CertificateSerial(claims.serial)?.value == claims.serial, claims.minutes > 0, claims.statusIndex >= 0,
              claims.issuedAt > 0, claims.periodBounds != nil, !claims.volunteerName.isEmpty else {
            throw JWTError.claimVerificationFailure(failedClaim: nil, reason: "the certificate claims are not well formed")
        }
    }
}

/// JSON as signed: sorted keys (deterministic tokens), slashes and Chinese unescaped (shorter tokens).
enum TokenJSON {
    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    static var serializer: DefaultJWTSerializer { DefaultJWTSerializer(jsonEncoder: encoder) }
}

/// A public key as a verifier knows it: from the key file (online) or a JWKS (offline).
struct VerificationKey: Sendable {
    var kid: String
    var x: String
    /// False for a compromised key.
    var trusted: Bool
    var compromisedAt: Date?
    /// jwt-kit's collection holding only this key, so that a token can never be checked against another.
    var collection: JWTKeyCollection

    init(kid: String, x: String, trusted: Bool, compromisedAt: Date?) async throws {
        self.kid = kid
        self.x = x
        self.trusted = trusted
        self.compromisedAt = compromisedAt
        collection = JWTKeyCollection()
        await collection.add(eddsa: try EdDSA.PublicKey(x: x, curve: .ed25519), kid: JWKIdentifier(string: kid),
                             serializer: TokenJSON.serializer)
    }
}

/// Checks the form, key and signature of certificate tokens and status-list credentials.
struct TokenVerifier: Sendable {
    var keys: [String: VerificationKey]
    /// Remembers tokens whose signature checked out (a signature stays good; the key's status is looked
    /// up on every check), so a certificate scanned again costs no Ed25519 verification.
    let cache: VerificationCache

    init(keys: [String: VerificationKey], cacheSize: Int = 10_000) {
        self.keys = keys
        cache = VerificationCache(capacity: cacheSize)
    }

    /// The header of a compact JWS, once its form has been checked.
    struct Header: Decodable, Sendable {
        var alg: String?
        var kid: String?
        var typ: String?
    }

    /// The decoded header; the few distinct headers (one per key) are remembered.
    private func header(_ text: Substring) -> Header? {
        if let known = cache.header(text) { return known }
        guard let bytes = Base64URL.decode(text), let header = try? JSONDecoder().decode(Header.self, from: Data(bytes)) else {
            return nil
        }
        cache.remember(text, header)
        return header
    }

    /// Checks a certificate token: its form, the key named by `kid` and the signature.
    func check(_ token: String) async -> TokenCheck {
        switch inspect(token) {
        case .failure(let failure):
            return failure.check
        case .success(let key):
            if let claims = cache.claims(of: token) { return .verified(claims, keyId: key.kid) }
            do {
                let payload = try await key.collection.verify(token, as: SignedCertificateClaims.self)
                cache.remember(token, payload.claims)
                return .verified(payload.claims, keyId: key.kid)
            } catch let error as JWTError where error.errorType == .signatureVerificationFailed {
                return .rejected(.badSignature, keyId: key.kid, keyCompromisedAt: nil)
            } catch {
                return .rejected(.malformed, keyId: key.kid, keyCompromisedAt: nil)
            }
        }
    }

    /// Verifies any payload signed by a trusted key (status lists).
    func verify<Payload: JWTPayload>(_ token: String, as: Payload.Type) async throws -> Payload {
        switch inspect(token) {
        case .failure(let failure):
            guard case .rejected(let reason, _, _) = failure.check else { throw InvalidSignedData(reason: .malformed) }
            throw InvalidSignedData(reason: reason)
        case .success(let key):
            do {
                return try await key.collection.verify(token, as: Payload.self)
            } catch let error as JWTError where error.errorType == .signatureVerificationFailed {
                throw InvalidSignedData(reason: .badSignature)
            } catch {
                throw InvalidSignedData(reason: .malformed)
            }
        }
    }

    /// The key of a well-formed token, or why the token is rejected before its signature is checked.
    private func inspect(_ token: String) -> Result<VerificationKey, TokenCheckFailure> {
        guard token.utf8.count <= Ledger.maxTokenLength else { return .failure(.rejected(.malformed)) }
        // Split on the bytes: splitting a String by Characters would walk grapheme clusters.
        let parts = token.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false).map { Substring($0) }
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty }), Base64URL.isEncoded(parts[1]),
              let signature = Base64URL.decode(parts[2]), let header = self.header(parts[0]) else {
            return .failure(.rejected(.malformed))
        }
        // An Ed25519 signature is 64 bytes; anything else was cut short or padded.
        guard signature.count == 64 else { return .failure(.rejected(.malformed, keyId: header.kid)) }
        // Only EdDSA is ever used: "none" or an HMAC over the public key are forgeries.
        guard header.alg == "EdDSA" else { return .failure(.rejected(.badSignature, keyId: header.kid)) }
        guard let kid = header.kid, let key = keys[kid] else { return .failure(.rejected(.unknownKey, keyId: header.kid)) }
        guard key.trusted else {
            return .failure(.rejected(.compromisedKey, keyId: kid, keyCompromisedAt: key.compromisedAt))
        }
        return .success(key)
    }
}

/// A token check that failed before the signature was checked.
struct TokenCheckFailure: Error {
    var check: TokenCheck

    static func rejected(_ reason: InvalidCertificateReason, keyId: String? = nil, keyCompromisedAt: Date? = nil) -> TokenCheckFailure {
        TokenCheckFailure(check: .rejected(reason, keyId: keyId, keyCompromisedAt: keyCompromisedAt))
    }
}

/// Signed data (a status list) that did not verify.
public struct InvalidSignedData: Error, CustomStringConvertible {
    public var reason: InvalidCertificateReason
    public var description: String { reason.message }
}

/// Bounded memory of decoded headers and of tokens whose signature verified. When full it starts over,
/// which keeps it simple and its size fixed.
final class VerificationCache: Sendable {
    private struct Entries {
        var headers: [Substring: TokenVerifier.Header] = [:]
        var verified: [String: CertificateClaims] = [:]
    }

    private let capacity: Int
    private let entries = Mutex(Entries())

    init(capacity: Int) {
        self.capacity = capacity
    }

    func header(_ text: Substring) -> TokenVerifier.Header? {
        entries.withLock { $0.headers[text] }
    }

    func remember(_ text: Substring, _ header: TokenVerifier.Header) {
        guard capacity > 0 else { return }
        entries.withLock {
            if $0.headers.count >= 64 { $0.headers.removeAll(keepingCapacity: true) }
            $0.headers[text] = header
        }
    }

    func claims(of token: String) -> CertificateClaims? {
        guard capacity > 0 else { return nil }
        return entries.withLock { $0.verified[token] }
    }

    func remember(_ token: String, _ claims: CertificateClaims) {
        guard capacity > 0 else { return }
        entries.withLock {
            if $0.verified.count >= capacity { $0.verified.removeAll(keepingCapacity: true) }
            $0.verified[token] = claims
        }
    }
}
