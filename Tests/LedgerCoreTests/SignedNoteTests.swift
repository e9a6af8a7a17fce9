import Foundation
import LedgerCore
import Testing

/// C2SP signed notes and checkpoints, against the example key and note of the Go reference implementation
/// (golang.org/x/mod/sumdb/note).
@Suite struct SignedNoteTests {
    static let verifierKey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
    static let signerKey = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
    static let text = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
    static let signature = "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"

    @Test func keysAndSignaturesMatchTheReferenceByteForByte() throws {
        let signer = try NoteSigner(encoded: Self.signerKey)
        #expect(signer.verifier.encoded == Self.verifierKey)
        #expect(signer.verifier.keyID == 0xc74f20a3)
        #expect(signer.encoded == Self.signerKey)
        #expect(try signer.sign(Self.text) == Self.text + "\n" + Self.signature)
        let verifier = try NoteVerifier(encoded: Self.verifierKey)
        #expect(verifier == signer.verifier)
        let opened = try SignedNote.open(Self.text + "\n" + Self.signature, verifiers: [verifier])
        #expect(opened.text == Self.text && opened.verifiedBy == [verifier] && opened.otherSignatures.isEmpty)
    }

    @Test func mangledKeysAreRefused() {
        let key = Array(Self.verifierKey.utf8)
        for i in key.indices {
            var mangled = key
            mangled[i] = mangled[i] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
            #expect(throws: NoteError.self) { try NoteVerifier(encoded: String(decoding: mangled, as: UTF8.self)) }
        }
        #expect(throws: NoteError.self) { try NoteVerifier(encoded: String(Self.verifierKey.dropLast(4))) }
        #expect(throws: NoteError.self) { try NoteVerifier(encoded: "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW") }
    }

    @Test func alteredNotesAndUnknownKeysAreRefused() throws {
        let verifier = try NoteVerifier(encoded: Self.verifierKey)
        let note = Self.text + "\n" + Self.signature
        #expect(throws: NoteError.unverified) {
            try SignedNote.open(note.replacingOccurrences(of: "problem,", with: "problem;"), verifiers: [verifier])
        }
        #expect(throws: NoteError.unverified) { try SignedNote.open(note, verifiers: [try NoteSigner.generate(name: "Other").verifier]) }
        #expect(throws: NoteError.self) { try SignedNote.open(Self.text, verifiers: [verifier]) }
        #expect(throws: NoteError.self) { try SignedNote.open(note.replacingOccurrences(of: "— ", with: "-- "), verifiers: [verifier]) }
        // Another key's signature beside a trusted one is kept, not trusted.
        let witness = try NoteSigner.generate(name: "witness.example")
        let cosigned = note + (try witness.signatureLine(for: Self.text))
        let opened = try SignedNote.open(cosigned, verifiers: [verifier])
        #expect(opened.verifiedBy == [verifier] && opened.otherSignatures.count == 1)
        #expect(try SignedNote.open(cosigned, verifiers: [verifier, witness.verifier]).verifiedBy.count == 2)
    }

    @Test func checkpointsRoundTripAndRefuseMalformedBodies() throws {
        let root = MerkleTreeTests.hash(MerkleTreeTests.roots[8])
        let checkpoint = Checkpoint(origin: "vledger.example/log", size: 8, root: root)
        #expect(checkpoint.text == "vledger.example/log\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n")
        #expect(try Checkpoint(text: checkpoint.text) == checkpoint)
        let signer = try NoteSigner.generate(name: "vledger.example/log")
        let (opened, _) = try Checkpoint.open(try signer.sign(checkpoint.text), origin: "vledger.example/log", logKey: signer.verifier)
        #expect(opened == checkpoint)
        #expect(throws: NoteError.self) { try Checkpoint.open(try signer.sign(checkpoint.text), origin: "other/log", logKey: signer.verifier) }
        for bad in ["vledger.example/log\n08\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",
                    "vledger.example/log\n8\nXcnaeacGWamtVZy3Ad7Zoqudgjqt\n",
                    "vledger.example/log\n8\n",
                    "\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",
                    "vledger.example/log\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg="] {
            #expect(throws: NoteError.self) { try Checkpoint(text: bad) }
        }
    }
}
