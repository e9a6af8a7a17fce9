import Crypto
import Foundation

/// Why a signed note, a note key or a checkpoint is refused.
public enum NoteError: Error, Equatable, Sendable {
    case malformedKey(String)
    case malformedNote(String)
    /// No signature by a key the reader trusts verifies.
    case unverified
    case malformedCheckpoint(String)
}

/// An Ed25519 note verifier key of C2SP signed-note: a name and a public key, with the 4-byte key ID derived from both.
public struct NoteVerifier: Sendable, Hashable {
    public let name: String
    public let keyID: UInt32
    let publicKey: [UInt8]

    /// The signature type of Ed25519 keys.
    static let ed25519: UInt8 = 0x01

    /// A verifier for `name` and a raw 32-byte Ed25519 public key.
    public init(name: String, publicKey: [UInt8]) throws(NoteError) {
        guard NoteVerifier.isValidName(name) else { throw .malformedKey("a key name is non-empty, without spaces or '+'") }
        guard publicKey.count == 32 else { throw .malformedKey("an Ed25519 public key is 32 bytes") }
        self.name = name
        self.publicKey = publicKey
        keyID = NoteVerifier.keyID(name: name, type: NoteVerifier.ed25519, key: publicKey)
    }

    /// The `name+hex8+base64` text form (what `GET /log/vkey` serves); its key ID must match the name and key.
    public init(encoded: String) throws(NoteError) {
        // The base64 may itself hold '+': the name and the hash are the first two fields.
        let parts = encoded.split(separator: "+", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, let id = UInt32(parts[1], radix: 16), parts[1] == NoteVerifier.hex8(id),
              let key = Data(base64Encoded: parts[2]).map(Array.init), key.count == 33, key[0] == NoteVerifier.ed25519 else {
            throw .malformedKey("not an Ed25519 verifier key name+hash+base64")
        }
        try self.init(name: parts[0], publicKey: Array(key.dropFirst()))
        guard keyID == id else { throw .malformedKey("the key hash does not match the name and key") }
    }

    public var encoded: String {
        "\(name)+\(NoteVerifier.hex8(keyID))+\(Data([NoteVerifier.ed25519] + publicKey).base64EncodedString())"
    }

    /// Whether `signature` is this key's Ed25519 signature of `message`.
    public func isValidSignature(_ signature: [UInt8], of message: [UInt8]) -> Bool {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else { return false }
        return key.isValidSignature(signature, for: message)
    }

    /// The first four bytes, big-endian, of SHA-256(name ‖ '\n' ‖ type ‖ key).
    static func keyID(name: String, type: UInt8, key: [UInt8]) -> UInt32 {
        let digest = Array(SHA256.hash(data: Array(name.utf8) + [0x0A, type] + key))
        return digest[0..<4].reduce(0) { $0 << 8 | UInt32($1) }
    }

    static func hex8(_ id: UInt32) -> String {
        let hex = String(id, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }

    /// Whether `name` can name a note key (and so a log's origin): non-empty, no white space, no '+'.
    public static func isValidKeyName(_ name: String) -> Bool { isValidName(name) }

    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && !name.contains("+") && !name.unicodeScalars.contains { $0.properties.isWhitespace || $0.value < 0x20 }
    }
}

/// An Ed25519 note signer: the private half of a `NoteVerifier`.
public struct NoteSigner: Sendable {
    public let verifier: NoteVerifier
    private let key: Curve25519.Signing.PrivateKey

    /// A signer from a 32-byte Ed25519 seed.
    public init(name: String, seed: [UInt8]) throws(NoteError) {
        guard seed.count == 32, let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: seed) else {
            throw .malformedKey("an Ed25519 seed is 32 bytes")
        }
        self.key = key
        verifier = try NoteVerifier(name: name, publicKey: Array(key.publicKey.rawRepresentation))
    }

    /// The `PRIVATE+KEY+name+hex8+base64` text form of the Go reference implementation.
    public init(encoded: String) throws(NoteError) {
        let parts = encoded.split(separator: "+", maxSplits: 4, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 5, parts[0] == "PRIVATE", parts[1] == "KEY", let id = UInt32(parts[3], radix: 16),
              parts[3] == NoteVerifier.hex8(id),
              let seed = Data(base64Encoded: parts[4]).map(Array.init), seed.count == 33, seed[0] == NoteVerifier.ed25519 else {
            throw .malformedKey("not an Ed25519 signer key PRIVATE+KEY+name+hash+base64")
        }
        try self.init(name: parts[2], seed: Array(seed.dropFirst()))
        guard verifier.keyID == id else { throw .malformedKey("the key hash does not match the name and key") }
    }

    /// A new random key.
    public static func generate(name: String) throws(NoteError) -> NoteSigner {
        try NoteSigner(name: name, seed: Array(Curve25519.Signing.PrivateKey().rawRepresentation))
    }

    /// The seed in `PRIVATE+KEY+...` form, for a key file; never for a log.
    public var encoded: String {
        "PRIVATE+KEY+\(verifier.name)+\(NoteVerifier.hex8(verifier.keyID))+\(Data([NoteVerifier.ed25519] + Array(key.rawRepresentation)).base64EncodedString())"
    }

    /// The signature line of `text`: "— name base64(keyID ‖ signature)\n".
    public func signatureLine(for text: String) throws -> String {
        let signature = try key.signature(for: Array(text.utf8))
        let id = withUnsafeBytes(of: verifier.keyID.bigEndian, Array.init)
        return "— \(verifier.name) \(Data(id + Array(signature)).base64EncodedString())\n"
    }

    /// `text` signed: the text, a blank line, and this key's signature line.
    public func sign(_ text: String) throws -> String {
        try SignedNote.check(text: text)
        return text + "\n" + (try signatureLine(for: text))
    }
}

/// A C2SP signed note opened with the keys a reader trusts.
public struct SignedNote: Sendable, Equatable {
    /// The signed text, ending with a newline.
    public let text: String
    /// The trusted keys whose signatures verified.
    public let verifiedBy: [NoteVerifier]
    /// Signature lines by keys the reader does not know, kept as they were (a checkpoint's witness cosignatures).
    public let otherSignatures: [String]

    /// At most this many signature lines.
    static let maximumSignatures = 100

    /// Splits `message` into its text and signature lines and checks the signatures of `verifiers`; fails unless at
    /// least one verifies. A known key's signature that does not verify fails the note.
    public static func open(_ message: String, verifiers: [NoteVerifier]) throws(NoteError) -> SignedNote {
        guard message.hasSuffix("\n"), let split = message.range(of: "\n\n", options: .backwards) else {
            throw .malformedNote("a signed note is text, a blank line and signature lines")
        }
        let text = String(message[..<split.lowerBound]) + "\n"
        try check(text: text)
        let lines = message[split.upperBound...].split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        guard !lines.isEmpty, lines.count <= maximumSignatures else { throw .malformedNote("1 to 100 signature lines") }
        var verified: [NoteVerifier] = [], others: [String] = []
        for line in lines {
            guard line.hasPrefix("— ") else { throw .malformedNote("a signature line starts with an em dash and a space") }
            let fields = line.dropFirst(2).split(separator: " ", omittingEmptySubsequences: false)
            guard fields.count == 2, let blob = Data(base64Encoded: String(fields[1])).map(Array.init), blob.count > 4 else {
                throw .malformedNote("a signature line is '— name base64'")
            }
            let name = String(fields[0]), id = blob[0..<4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            guard let verifier = verifiers.first(where: { $0.name == name && $0.keyID == id }) else {
                others.append(String(line))
                continue
            }
            guard verifier.isValidSignature(Array(blob.dropFirst(4)), of: Array(text.utf8)) else { throw .unverified }
            if !verified.contains(verifier) { verified.append(verifier) }
        }
        guard !verified.isEmpty else { throw .unverified }
        return SignedNote(text: text, verifiedBy: verified, otherSignatures: others)
    }

    /// Note text is UTF-8 ending with a newline, without control characters but newlines.
    static func check(text: String) throws(NoteError) {
        guard text.hasSuffix("\n") else { throw .malformedNote("the text ends with a newline") }
        guard !text.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\n" }) else {
            throw .malformedNote("the text has no control characters but newlines")
        }
    }
}
