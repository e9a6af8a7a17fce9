import Foundation
@testable import LedgerCore
import Testing

/// The C2SP tlog-witness rules: a first checkpoint with old 0, consistent growth, and refusals with the spec's status
/// for a stale old size, a bad proof, a log rebuilt from altered data, an unknown key or origin, a malformed body; the
/// witnessed tree survives a restart.
@Suite struct WitnessTests {
    /// A log in memory: its entries and the key that signs its checkpoints.
    struct FakeLog {
        var entries: [[UInt8]]
        let signer: NoteSigner

        init(size: Int, signer: NoteSigner, salt: String = "") {
            entries = (0..<size).map { Array("entry \($0)\(salt)".utf8) }
            self.signer = signer
        }

        var tree: InMemoryMerkleTree { InMemoryMerkleTree(leaves: entries.map { TreeHash.leaf($0) }) }

        func note(size: Int? = nil) throws -> String {
            let size = size ?? entries.count
            let tree = InMemoryMerkleTree(leaves: entries.prefix(size).map { TreeHash.leaf($0) })
            return try signer.sign(Checkpoint(origin: signer.verifier.name, size: size, root: tree.root).text)
        }

        /// An add-checkpoint body from `old` to the whole log.
        func body(old: Int, proof: [TreeHash]? = nil) throws -> [UInt8] {
            let proof = try proof ?? (old == 0 ? [] : Merkle.consistencyProof(oldSize: old, newSize: entries.count, in: tree))
            let lines = (["old \(old)"] + proof.map { Data($0.bytes).base64EncodedString() }).map { $0 + "\n" }.joined()
            return Array((lines + "\n" + (try note())).utf8)
        }
    }

    final class MemoryState: WitnessStateStorage, @unchecked Sendable {
        var saved: [String: WitnessedTree] = [:]
        func load() throws -> [String: WitnessedTree] { saved }
        func save(_ trees: [String: WitnessedTree]) throws { saved = trees }
    }

    static let logSigner = try! NoteSigner(name: "example.gov.cn/log", seed: Array(repeating: 7, count: 32))
    static let cosigner = try! CosignatureSigner(name: "witness.example/w1", seed: Array(repeating: 9, count: 32))
    static let clock: @Sendable () -> Date = { Date(timeIntervalSince1970: 1_800_000_000) }

    static func witness(_ storage: any WitnessStateStorage = MemoryState()) throws -> Witness {
        try Witness(signer: cosigner, logs: [WitnessedLog(origin: logSigner.verifier.name, key: logSigner.verifier)],
                    storage: storage, now: clock)
    }

    static func refusal(_ witness: Witness, _ body: [UInt8]) async -> WitnessRefusal? {
        do { _ = try await witness.addCheckpoint(body); return nil } catch { return error }
    }

    @Test func firstCheckpointThenConsistentGrowthAreCosigned() async throws {
        let witness = try Self.witness()
        var log = FakeLog(size: 5, signer: Self.logSigner)
        let line = try await witness.addCheckpoint(try log.body(old: 0))
        let text = try SignedNote.open(try log.note(), verifiers: [Self.logSigner.verifier]).text
        #expect(Self.cosigner.verifier.cosignatureTime(line: Substring(line), text: text) == 1_800_000_000)
        #expect(line.hasPrefix("— witness.example/w1 ") && line.hasSuffix("\n"))
        #expect(await witness.tree(of: "example.gov.cn/log")?.size == 5)
        log.entries += FakeLog(size: 17, signer: Self.logSigner, salt: "b").entries
        let grown = try await witness.addCheckpoint(try log.body(old: 5))
        let grownText = try SignedNote.open(try log.note(), verifiers: [Self.logSigner.verifier]).text
        #expect(Self.cosigner.verifier.cosignatureTime(line: Substring(grown), text: grownText) != nil)
        #expect(await witness.tree(of: "example.gov.cn/log")?.size == 22)
        // The same checkpoint again (old = its size) is cosigned again; the state stays.
        _ = try await witness.addCheckpoint(try log.body(old: 22, proof: []))
        #expect(await witness.tree(of: "example.gov.cn/log")?.size == 22)
    }

    @Test func staleOldSizeIsAConflictNamingTheWitnessedSize() async throws {
        let witness = try Self.witness()
        var log = FakeLog(size: 8, signer: Self.logSigner)
        _ = try await witness.addCheckpoint(try log.body(old: 0))
        log.entries.append(Array("nine".utf8))
        #expect(await Self.refusal(witness, try log.body(old: 0)) == .conflict(size: 8))
        #expect(await Self.refusal(witness, try log.body(old: 3)) == .conflict(size: 8))
        #expect(WitnessRefusal.conflict(size: 8).status == 409 && WitnessRefusal.conflict(size: 8).knownSize == 8)
        // A checkpoint older than the witnessed one: its old size cannot be the witnessed size.
        let older = FakeLog(size: 4, signer: Self.logSigner)
        #expect(await Self.refusal(witness, try older.body(old: 0)) == .conflict(size: 8))
        #expect(await Self.refusal(witness, try older.body(old: 8, proof: [])) == .malformed("the old size is above the checkpoint's size"))
        #expect(await witness.tree(of: "example.gov.cn/log")?.size == 8)
    }

    @Test func badProofAndRebuiltLogsAreRefused() async throws {
        let witness = try Self.witness()
        let log = FakeLog(size: 10, signer: Self.logSigner)
        _ = try await witness.addCheckpoint(try log.body(old: 0))
        var grown = log
        grown.entries += (10..<30).map { Array("entry \($0)".utf8) }
        var proof = try Merkle.consistencyProof(oldSize: 10, newSize: 30, in: grown.tree)
        proof[0] = TreeHash.leaf(Array("forged".utf8))
        #expect(await Self.refusal(witness, try grown.body(old: 10, proof: proof)) == .inconsistent)
        #expect(WitnessRefusal.inconsistent.status == 422)
        // Rebuilt from altered data, same size: another root.
        var altered = log
        altered.entries[3] = Array("entry 3 with 600 minutes instead of 60".utf8)
        #expect(await Self.refusal(witness, try altered.body(old: 10, proof: [])) == .forked(size: 10))
        #expect(WitnessRefusal.forked(size: 10).status == 409)
        // Rebuilt from altered data and grown: its own honest proof from 10 does not lead from the witnessed root.
        altered.entries += (10..<30).map { Array("entry \($0)".utf8) }
        #expect(await Self.refusal(witness, try altered.body(old: 10)) == .inconsistent)
        #expect(await witness.tree(of: "example.gov.cn/log")?.size == 10)
        // The honest growth is still cosigned.
        _ = try await witness.addCheckpoint(try grown.body(old: 10))
        #expect(await witness.tree(of: "example.gov.cn/log")?.size == 30)
    }

    @Test func unknownKeysOriginsAndMalformedBodiesAreRefused() async throws {
        let witness = try Self.witness()
        let impostor = try NoteSigner(name: "example.gov.cn/log", seed: Array(repeating: 8, count: 32))
        #expect(await Self.refusal(witness, try FakeLog(size: 3, signer: impostor).body(old: 0)) == .unverified)
        #expect(WitnessRefusal.unverified.status == 403)
        let otherLog = try NoteSigner(name: "other.example/log", seed: Array(repeating: 7, count: 32))
        #expect(await Self.refusal(witness, try FakeLog(size: 3, signer: otherLog).body(old: 0)) == .unknownLog)
        #expect(WitnessRefusal.unknownLog.status == 404)
        let log = FakeLog(size: 3, signer: Self.logSigner)
        let note = try log.note()
        for body in ["old 0\n" + note, "old 00\n\n" + note, "old -1\n\n" + note, "new 0\n\n" + note, "old 0\nnot base64!\n\n" + note,
                     "old 0\n" + Data(TreeHash.empty.bytes).base64EncodedString() + "\n\n" + note,
                     "old 0\n\n" + (try Self.logSigner.sign("example.gov.cn/log\nthree\n\(Data(TreeHash.empty.bytes).base64EncodedString())\n"))] {
            guard case .malformed? = await Self.refusal(witness, Array(body.utf8)) else {
                Issue.record("not refused as malformed: \(body.prefix(40))")
                continue
            }
        }
        let proofLines = String(repeating: Data(TreeHash.empty.bytes).base64EncodedString() + "\n", count: 64)
        #expect(await Self.refusal(witness, Array(("old 0\n" + proofLines + "\n" + note).utf8)) == .malformed("more than 63 consistency proof lines"))
        #expect(WitnessRefusal.malformed("x").status == 400)
        #expect(await witness.tree(of: "example.gov.cn/log") == nil)
    }

    @Test func witnessedTreeSurvivesARestartOnTheSameStateFile() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("witness-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = WitnessStateFile(path: folder.appendingPathComponent("state.json").path)
        let log = FakeLog(size: 12, signer: Self.logSigner)
        _ = try await Self.witness(file).addCheckpoint(try log.body(old: 0))
        let restarted = try Self.witness(WitnessStateFile(path: file.path))
        #expect(await restarted.tree(of: "example.gov.cn/log")?.size == 12)
        // After the restart, the witness still refuses a rebuilt log and a stale old size.
        var altered = log
        altered.entries[0] = Array("altered".utf8)
        #expect(await Self.refusal(restarted, try altered.body(old: 12, proof: [])) == .forked(size: 12))
        #expect(await Self.refusal(restarted, try log.body(old: 0)) == .conflict(size: 12))
        let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["state.json"])
    }
}
