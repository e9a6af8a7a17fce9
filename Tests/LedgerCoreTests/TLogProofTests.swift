import Crypto
import Foundation
import LedgerCore
import Testing

/// C2SP tlog-proof files: written, read back, and checked offline against the log's key.
struct TLogProofTests {
    static let signer = try! NoteSigner(name: "vledger.test/log", seed: Array(repeating: 7, count: 32))

    /// A log of `count` entries, the proof of entry `index` against a checkpoint of the whole log, and the entries.
    static func proof(index: Int, count: Int = 13) throws -> (TLogProof, [[UInt8]]) {
        var tree = InMemoryMerkleTree()
        let entries = (0..<count).map { Array("entry \($0)".utf8) }
        for entry in entries { tree.append(entry: entry) }
        let note = try signer.sign(Checkpoint(origin: signer.verifier.name, size: count, root: tree.root).text)
        let hashes = try Merkle.inclusionProof(index: index, size: count, in: tree)
        return (TLogProof(extra: entries[index], index: index, hashes: hashes, checkpointNote: note), entries)
    }

    @Test(arguments: [0, 5, 12]) func aProofReadsBackAndVerifies(index: Int) throws {
        let (proof, entries) = try Self.proof(index: index)
        #expect(proof.text.hasPrefix("c2sp.org/tlog-proof@v1\nextra "))
        #expect(proof.text.contains("\nindex \(index)\n"))
        let read = try TLogProof(text: proof.text)
        #expect(read == proof)
        let (checkpoint, cosigners) = try read.verify(entry: entries[index], logKey: Self.signer.verifier)
        #expect(checkpoint.size == 13 && cosigners.isEmpty)
    }

    @Test func anotherEntryOrIndexIsNotIncluded() throws {
        let (proof, entries) = try Self.proof(index: 5)
        #expect(throws: TLogProofError.notIncluded(index: 5, size: 13)) { try proof.verify(entry: entries[6], logKey: Self.signer.verifier) }
        var moved = proof
        moved.index = 4
        #expect(throws: TLogProofError.notIncluded(index: 4, size: 13)) { try moved.verify(entry: entries[5], logKey: Self.signer.verifier) }
        var beyond = proof
        beyond.index = 13
        #expect(throws: TLogProofError.notIncluded(index: 13, size: 13)) { try beyond.verify(entry: entries[5], logKey: Self.signer.verifier) }
    }

    @Test func aCheckpointSignedByAnotherKeyIsRefused() throws {
        let (proof, entries) = try Self.proof(index: 2)
        let other = try NoteSigner(name: "vledger.test/log", seed: Array(repeating: 8, count: 32))
        #expect(throws: TLogProofError.checkpoint(.unverified)) { try proof.verify(entry: entries[2], logKey: other.verifier) }
    }

    @Test func malformedProofsAreRefusedWithTheReason() throws {
        let (proof, _) = try Self.proof(index: 3)
        let cases: [(String, String)] = [
            (proof.text.replacingOccurrences(of: "c2sp.org/tlog-proof@v1", with: "c2sp.org/tlog-proof@v2"), "first line"),
            (proof.text.replacingOccurrences(of: "index 3", with: "index 03"), "index"),
            (proof.text.replacingOccurrences(of: "index 3\n", with: "index 3\nnot-a-hash\n"), "base64 SHA-256"),
            (String(proof.text.prefix { $0 != "\n" }), "blank line"),
            (String(repeating: "A", count: TLogProof.maximumBytes + 1), "larger"),
        ]
        for (text, reason) in cases {
            do {
                _ = try TLogProof(text: text)
                Issue.record("accepted: \(reason)")
            } catch {
                #expect(error.description.contains(reason), "\(error)")
            }
        }
    }

    @Test func anIssuanceProofCommitsToExactlyThisToken() throws {
        let token = "eyJhbGciOiJFZERTQSJ9.payload.signature"
        let entry = try LogEntry(bytes: Array(#"{"at":"2026-06-10T04:00:00Z","digest":"\#(SHA256.hash(data: Array(token.utf8)).hexString)","event":"certificate_issued","organization":1,"serial":"ABCDEFGHJKMNPQRS","v":1}"#.utf8))
        var tree = InMemoryMerkleTree()
        tree.append(entry: Array("before".utf8))
        tree.append(entry: entry.bytes)
        tree.append(entry: Array("after".utf8))
        let note = try Self.signer.sign(Checkpoint(origin: Self.signer.verifier.name, size: 3, root: tree.root).text)
        let proof = TLogProof(extra: entry.bytes, index: 1, hashes: try Merkle.inclusionProof(index: 1, size: 3, in: tree), checkpointNote: note)
        let (logged, checkpoint, _) = try proof.verifyIssuance(of: token, logKey: Self.signer.verifier)
        #expect(logged.serial == "ABCDEFGHJKMNPQRS" && checkpoint.size == 3)
        #expect(throws: TLogProofError.otherEntry("the entry commits to another token")) {
            try proof.verifyIssuance(of: token + "x", logKey: Self.signer.verifier)
        }
        var noEntry = proof
        noEntry.extra = nil
        #expect(throws: TLogProofError.malformed("no extra data: the logged entry is missing")) {
            try noEntry.verifyIssuance(of: token, logKey: Self.signer.verifier)
        }
    }

    @Test func witnessesCosignaturesCountTowardsTheQuorum() throws {
        var (proof, entries) = try Self.proof(index: 4)
        let witness = try CosignatureSigner(name: "witness.example", seed: Array(repeating: 3, count: 32))
        let stranger = try CosignatureSigner(name: "stranger.example", seed: Array(repeating: 4, count: 32))
        let text = try Checkpoint.open(proof.checkpointNote, origin: Self.signer.verifier.name, logKey: Self.signer.verifier).1.text
        #expect(throws: TLogProofError.tooFewCosignatures(valid: 0, required: 1)) {
            try proof.verify(entry: entries[4], logKey: Self.signer.verifier, witnesses: [witness.verifier], quorum: 1)
        }
        proof.checkpointNote += try witness.cosignatureLine(text: text, time: 1_780_000_000)
        proof = try TLogProof(text: proof.text)
        let (_, cosigners) = try proof.verify(entry: entries[4], logKey: Self.signer.verifier,
                                              witnesses: [witness.verifier, stranger.verifier], quorum: 1)
        #expect(cosigners == [witness.verifier])
        #expect(throws: TLogProofError.tooFewCosignatures(valid: 1, required: 2)) {
            try proof.verify(entry: entries[4], logKey: Self.signer.verifier, witnesses: [witness.verifier, stranger.verifier], quorum: 2)
        }
    }
}
