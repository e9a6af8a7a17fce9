import Foundation
import LedgerCore

/// Verifies certificates with no database and no network: the signature against a JWKS file (as
/// published at `/.well-known/jwks.json`) and, when given, revocation against a cached status list.
public struct OfflineVerifier: Sendable {
    let verifier: TokenVerifier

    public init(jwks: Data) async throws {
        verifier = try await JSONWebKeySet(json: jwks).verifier()
    }

    /// Form, key and signature of a token.
    public func check(_ token: String) async -> TokenCheck {
        await verifier.check(token)
    }

    /// What a cached status list says about a certificate.
    public struct RevocationCheck: Sendable {
        public var revoked: Bool
        /// When the list was made; the age of the cached copy is now minus this.
        public var listIssuedAt: Date
        public var list: Int64
    }

    public enum StatusListError: Error, CustomStringConvertible {
        case wrongList(expected: Int64, found: Int64?)

        public var description: String {
            switch self {
            case .wrongList(let expected, let found):
                "the status list given is list \(found.map(String.init) ?? "?"), but the certificate is in list \(expected)"
            }
        }
    }

    /// Checks `claims` against a status list credential (a JWS signed by a key of the same JWKS).
    public func revocation(of claims: CertificateClaims, statusList token: String) async throws -> RevocationCheck {
        let credential = try await verifier.verify(token.trimmingCharacters(in: .whitespacesAndNewlines),
                                                   as: StatusListCredential.self)
        let expected = StatusListIndex.list(of: claims.statusIndex)
        guard credential.list == expected else { throw StatusListError.wrongList(expected: expected, found: credential.list) }
        let bits = try credential.bits()
        return RevocationCheck(revoked: bits[StatusListIndex.bit(of: claims.statusIndex)], listIssuedAt: credential.issuedAt,
                               list: expected)
    }

    /// The token in a scanned or typed input: the token itself or a verification URL `…/v/{token}`.
    public static func token(in input: String) -> String {
        CertificateTokenInput.token(in: input)
    }
}
