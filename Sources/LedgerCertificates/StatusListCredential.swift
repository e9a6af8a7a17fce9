import Foundation
import JWTKit
import LedgerCore

/// A W3C Bitstring Status List credential (Verifiable Credentials Data Model 2.0), secured as a JWS
/// whose payload is the credential (VC-JOSE, `typ: vc+jwt`). `encodedList` is the GZIP-compressed
/// bitstring, base64url without padding, with the multibase prefix `u`.
public struct StatusListCredential: JWTPayload, Sendable {
    public struct Subject: Codable, Sendable {
        public var id: String
        public var type = "BitstringStatusList"
        public var statusPurpose = "revocation"
        public var encodedList: String
    }

    public var context = ["https://www.w3.org/ns/credentials/v2"]
    public var id: String
    public var type = ["VerifiableCredential", "BitstringStatusListCredential"]
    public var issuer: String
    /// RFC 3339.
    public var validFrom: String
    public var credentialSubject: Subject
    /// Seconds since 1970, as the JWT `iat`; how old a cached copy is.
    public var iat: Int64

    enum CodingKeys: String, CodingKey {
        case context = "@context", id, type, issuer, validFrom, credentialSubject, iat
    }

    public func verify(using algorithm: some JWTAlgorithm) async throws {
        guard type.contains("BitstringStatusListCredential"), credentialSubject.type == "BitstringStatusList",
              credentialSubject.encodedList.hasPrefix("u") else {
            throw JWTError.claimVerificationFailure(failedClaim: nil, reason: "not a bitstring status list credential")
        }
    }

    init(snapshot: StatusListSnapshot, url: String, issuer: String, at date: Date) throws {
        id = url
        self.issuer = issuer
        validFrom = date.formatted(.iso8601)
        iat = Int64(date.timeIntervalSince1970)
        credentialSubject = Subject(id: url + "#list",
                                    encodedList: "u" + Base64URL.encode(try Gzip.compress(snapshot.bits.bytes)))
    }

    /// When the list was made.
    public var issuedAt: Date { Date(timeIntervalSince1970: TimeInterval(iat)) }

    /// The list number, from the end of `id` (`…/status-lists/3`).
    public var list: Int64? {
        id.split(separator: "/").last.flatMap { Int64($0) }
    }

    /// The decoded bits.
    public func bits() throws -> StatusBitstring {
        guard credentialSubject.encodedList.hasPrefix("u"),
              let compressed = Base64URL.decode(credentialSubject.encodedList.dropFirst()) else {
            throw InvalidSignedData(reason: .malformed)
        }
        return StatusBitstring(bytes: try Gzip.decompress(compressed))
    }
}
