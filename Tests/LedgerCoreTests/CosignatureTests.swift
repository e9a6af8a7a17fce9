import Foundation
@testable import LedgerCore
import Testing

/// C2SP tlog-cosignature/v1 (Ed25519): the key ID uses signature type 0x04, the signed message is "cosignature/v1",
/// the time line and the checkpoint text, and the signature is key ID ‖ big-endian time ‖ Ed25519 signature.
@Suite struct CosignatureTests {
    /// A cosigner key with the seed 0x00…0x1f; the verifier key, key ID and line below were computed independently with
    /// Python `cryptography` (Ed25519 is deterministic, RFC 8032) from the spec's example checkpoint and time.
    static let signerKey = "PRIVATE+KEY+witness.example/w1+e75f6532+BAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f"
    static let verifierKey = "witness.example/w1+e75f6532+BAOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4"
    static let text = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    static let time: UInt64 = 1679315147
    static let line = "— witness.example/w1 519lMgAAAABkGFDLBuRDazBLVac2NE+Y+IjbjQOcXLfF9CSDZVUIoS83rE1nFZsVE8YiWV6Ngr7lV8H6bdoBQGP/l73euDMQ9k+bBQ==\n"

    @Test func cosignatureMatchesTheIndependentVectorByteForByte() throws {
        let signer = try CosignatureSigner(encoded: Self.signerKey)
        #expect(signer.encoded == Self.signerKey)
        #expect(signer.verifier.encoded == Self.verifierKey)
        #expect(signer.verifier.keyID == 0xe75f6532)
        #expect(try signer.cosignatureLine(text: Self.text, time: Self.time) == Self.line)
        #expect(Cosignature.message(text: Self.text, time: Self.time)
                == Array("cosignature/v1\ntime 1679315147\nexample.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n".utf8))
        let verifier = try CosignatureVerifier(encoded: Self.verifierKey)
        #expect(verifier.cosignatureTime(line: Substring(Self.line), text: Self.text) == Self.time)
    }

    /// The key hash of a public witness's cosignature/v1 key (type 0x04), from transparency-dev/formats' tests.
    @Test func keyIDOfAPublicWitnessKey() throws {
        let verifier = try CosignatureVerifier(encoded: "remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2")
        #expect(verifier.keyID == 0xda77ade7)
        // The same key as a plain note key (type 0x01) is not a cosigner key.
        #expect(throws: NoteError.self) { try CosignatureVerifier(encoded: SignedNoteTests.verifierKey) }
        #expect(throws: NoteError.self) { try CosignatureVerifier(encoded: "remora.n621.de+da77ade8+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2") }
    }

    @Test func alteredCheckpointTimeOrKeyDoesNotVerify() throws {
        let verifier = try CosignatureVerifier(encoded: Self.verifierKey)
        #expect(verifier.cosignatureTime(line: Substring(Self.line), text: Self.text.replacingOccurrences(of: "20852163", with: "20852164")) == nil)
        var blob = Array(Data(base64Encoded: String(Self.line.dropFirst("— witness.example/w1 ".count).dropLast()))!)
        blob[11] ^= 1  // another time
        let retimed = "— witness.example/w1 \(Data(blob).base64EncodedString())\n"
        #expect(verifier.cosignatureTime(line: Substring(retimed), text: Self.text) == nil)
        let other = try CosignatureSigner.generate(name: "witness.example/w1")
        #expect(verifier.cosignatureTime(line: Substring(try other.cosignatureLine(text: Self.text, time: Self.time)), text: Self.text) == nil)
        // A plain note signature by the same seed (type 0x01 key ID, no time) is no cosignature.
        let plain = try NoteSigner(name: "witness.example/w1", seed: Array(0..<32)).signatureLine(for: Self.text)
        #expect(verifier.cosignatureTime(line: Substring(plain), text: Self.text) == nil)
    }
}
