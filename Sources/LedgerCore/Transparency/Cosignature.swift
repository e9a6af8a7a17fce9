import Crypto
import Foundation

/// A witness's Ed25519 cosigner key of C2SP tlog-cosignature (cosignature/v1): a name and a public key, whose 4-byte key
/// ID is derived with the signature type 0x04, so a cosignature never passes for a plain note signature of the same key.
public struct CosignatureVerifier: Sendable, Hashable {
    public let name: String
    public let keyID: UInt32
    let publicKey: [UInt8]

    /// The signature type of Ed25519 cosignature/v1 keys.
    static let ed25519CosignatureV1: UInt8 = 0x04

    public init(name: String, publicKey: [UInt8]) throws(NoteError) {
        guard NoteVerifier.isValidName(name) else { throw .malformedKey("a key name is non-empty, without spaces or '+'") }
        guard publicKey.count == 32 else { throw .malformedKey("an Ed25519 public key is 32 bytes") }
        self.name = name
        self.publicKey = publicKey
        keyID = NoteVerifier.keyID(name: name, type: Self.ed25519CosignatureV1, key: publicKey)
    }

    /// The `name+hex8+base64` vkey form with signature type 0x04; its key ID must match the name and key.
    public init(encoded: String) throws(NoteError) {
        let parts = encoded.split(separator: "+", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, let id = UInt32(parts[1], radix: 16), parts[1] == NoteVerifier.hex8(id),
              let key = Data(base64Encoded: parts[2]).map(Array.init), key.count == 33, key[0] == Self.ed25519CosignatureV1 else {
            throw .malformedKey("not an Ed25519 cosignature/v1 verifier key name+hash+base64 (type 0x04)")
        }
        try self.init(name: parts[0], publicKey: Array(key.dropFirst()))
        guard keyID == id else { throw .malformedKey("the key hash does not match the name and key") }
    }

    public var encoded: String {
        "\(name)+\(NoteVerifier.hex8(keyID))+\(Data([Self.ed25519CosignatureV1] + publicKey).base64EncodedString())"
    }

    /// The time of this key's valid cosignature of the checkpoint `text` in the signature `line` ("— name base64",
    /// without or with its newline); nil when the line is another key's or does not verify.
    public func cosignatureTime(line: Substring, text: String) -> UInt64? {
        let body = line.hasSuffix("\n") ? line.dropLast() : line
        guard body.hasPrefix("— ") else { return nil }
        let fields = body.dropFirst(2).split(separator: " ", omittingEmptySubsequences: false)
        guard fields.count == 2, fields[0] == name, let blob = Data(base64Encoded: String(fields[1])).map(Array.init),
              blob.count == 4 + 8 + 64, blob[0..<4].reduce(UInt32(0), { $0 << 8 | UInt32($1) }) == keyID else { return nil }
        let time = blob[4..<12].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard time <= UInt64(Int64.max), let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey),
              key.isValidSignature(Array(blob[12...]), for: Cosignature.message(text: text, time: time)) else { return nil }
        return time
    }
}

/// A witness's cosigner: the private half of a `CosignatureVerifier`.
public struct CosignatureSigner: Sendable {
    public let verifier: CosignatureVerifier
    private let key: Curve25519.Signing.PrivateKey

    public init(name: String, seed: [UInt8]) throws(NoteError) {
        guard seed.count == 32, let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: seed) else {
            throw .malformedKey("an Ed25519 seed is 32 bytes")
        }
        self.key = key
        verifier = try CosignatureVerifier(name: name, publicKey: Array(key.publicKey.rawRepresentation))
    }

    /// The `PRIVATE+KEY+name+hex8+base64` form, type 0x04, as the Go reference (`NewSignerForCosignatureV1`) reads it.
    public init(encoded: String) throws(NoteError) {
        let parts = encoded.trimmingCharacters(in: .whitespacesAndNewlines)
            .split(separator: "+", maxSplits: 4, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 5, parts[0] == "PRIVATE", parts[1] == "KEY", let id = UInt32(parts[3], radix: 16),
              parts[3] == NoteVerifier.hex8(id), let seed = Data(base64Encoded: parts[4]).map(Array.init), seed.count == 33,
              seed[0] == CosignatureVerifier.ed25519CosignatureV1 else {
            throw .malformedKey("not an Ed25519 cosigner key PRIVATE+KEY+name+hash+base64 (type 0x04)")
        }
        try self.init(name: parts[2], seed: Array(seed.dropFirst()))
        guard verifier.keyID == id else { throw .malformedKey("the key hash does not match the name and key") }
    }

    public static func generate(name: String) throws(NoteError) -> CosignatureSigner {
        try CosignatureSigner(name: name, seed: Array(Curve25519.Signing.PrivateKey().rawRepresentation))
    }

    /// For the witness's key file only.
    public var encoded: String {
        "PRIVATE+KEY+\(verifier.name)+\(NoteVerifier.hex8(verifier.keyID))+"
            + Data([CosignatureVerifier.ed25519CosignatureV1] + Array(key.rawRepresentation)).base64EncodedString()
    }

    /// The cosignature line of the checkpoint note text `text` at `time` (POSIX seconds):
    /// "— name base64(keyID ‖ u64 time ‖ Ed25519 signature)\n".
    public func cosignatureLine(text: String, time: UInt64) throws -> String {
        let signature = try key.signature(for: Cosignature.message(text: text, time: time))
        let id = withUnsafeBytes(of: verifier.keyID.bigEndian, Array.init)
        let timestamp = withUnsafeBytes(of: time.bigEndian, Array.init)
        return "— \(verifier.name) \(Data(id + timestamp + Array(signature)).base64EncodedString())\n"
    }
}

/// The C2SP tlog-cosignature Ed25519 signed message.
public enum Cosignature {
    /// "cosignature/v1\ntime T\n" followed by the whole checkpoint text (extension lines included, signatures not).
    public static func message(text: String, time: UInt64) -> [UInt8] {
        Array("cosignature/v1\ntime \(time)\n".utf8) + Array(text.utf8)
    }
}

extension SignedNote {
    /// Those of `witnesses` whose valid cosignature/v1 of this note's text is among its other signature lines.
    public func cosigners(among witnesses: [CosignatureVerifier]) -> [CosignatureVerifier] {
        witnesses.filter { key in otherSignatures.contains { key.cosignatureTime(line: Substring($0), text: text) != nil } }
    }
}
