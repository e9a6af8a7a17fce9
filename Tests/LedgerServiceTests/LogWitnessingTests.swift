import Foundation
import LedgerCore
import Synchronization
import Testing

/// The log server submits each new checkpoint to its witnesses (C2SP tlog-witness) and serves the checkpoint with the
/// cosignatures it got; with a quorum, only a checkpoint that reached it; a witness that fails or has a stale view is
/// retried and never stops the log.
struct LogWitnessingTests {
    /// Witnesses in this process, reached through the `WitnessPost` the server would use over HTTP.
    final class Witnesses: Sendable {
        let byURL: [String: Witness]
        let down = Mutex<Set<String>>([])
        let requests = Mutex<[String]>([])

        init(_ witnesses: [String: Witness]) { byURL = witnesses }

        var post: WitnessPost {
            { [self] url, body in
                let base = String(url.dropLast("/add-checkpoint".count))
                requests.withLock { $0.append("\(base) \(String(decoding: body.prefix(12), as: UTF8.self).split(separator: "\n")[0])") }
                guard !down.withLock({ $0.contains(base) }), let witness = byURL[base] else { throw URLErrorLike() }
                do { return (200, Array(try await witness.addCheckpoint(body).utf8)) } catch let error as WitnessRefusal {
                    return (error.status, Array((error.knownSize.map { "\($0)\n" } ?? "\(error)\n").utf8))
                }
            }
        }
    }

    struct URLErrorLike: Error {}

    static func witness(_ name: String, log: NoteSigner, in folder: URL) throws -> (Witness, CosignatureSigner) {
        let signer = try CosignatureSigner.generate(name: name)
        let state = WitnessStateFile(path: folder.appendingPathComponent("\(name.replacingOccurrences(of: "/", with: "_")).json").path)
        return (try Witness(signer: signer, logs: [WitnessedLog(origin: log.verifier.name, key: log.verifier)], storage: state), signer)
    }

    @Test func cosignaturesAreCollectedServedAndCountedAgainstTheQuorum() async throws {
        let t = try await CertifyingTestbed()
        let (organization, volunteer, activity) = try await t.scene(1)
        let logSigner = try NoteSigner.generate(name: "vledger.test/log")
        let (w1, s1) = try Self.witness("w1.test", log: logSigner, in: t.bed.directory)
        let (w2, s2) = try Self.witness("w2.test", log: logSigner, in: t.bed.directory)
        let witnesses = Witnesses(["http://w1": w1, "http://w2": w2])
        witnesses.down.withLock { $0.insert("http://w2") }
        let endpoints = [WitnessEndpoint(url: "http://w1", key: s1.verifier), WitnessEndpoint(url: "http://w2/", key: s2.verifier)]
        let log = LogPublisher(store: t.ledger.store, signer: logSigner, witnesses: endpoints, quorum: 2, post: witnesses.post)
        var ledger = t.ledger
        ledger.transparencyLog = log

        // Quorum 2 with one witness down: nothing is served as cosigned, and the log keeps signing.
        try await t.bed.record(volunteer, activity, from: At.june(10, 9), to: At.june(10, 11))
        let first = try await log.refresh()
        let failures = await log.collectCosignatures()
        #expect(failures.count == 1 && "\(failures[0])".contains("w2.test"))
        #expect(try await log.servedCheckpointNote() == nil)
        #expect(await log.cosignedSize() == 0)
        await #expect(throws: LedgerError.self) { try await log.checkpointNote() }

        // The witness comes back: both cosign, the served note carries both lines, each verifies with its key.
        witnesses.down.withLock { $0.removeAll() }
        #expect(await log.collectCosignatures().isEmpty)
        let note = try #require(try await log.servedCheckpointNote())
        let opened = try SignedNote.open(note, verifiers: [logSigner.verifier])
        #expect(try Checkpoint(text: opened.text) == first)
        #expect(opened.otherSignatures.count == 2)
        for key in [s1.verifier, s2.verifier] {
            #expect(opened.otherSignatures.contains { key.cosignatureTime(line: Substring($0), text: opened.text) != nil })
        }
        #expect(await log.cosignedSize() == first.size)

        // The log grows; w1 already holds the first size and gets a proof from there; w2 is down again: the served
        // checkpoint stays the last one that reached the quorum.
        let issued = try await t.issue(volunteer, by: organization)
        witnesses.down.withLock { $0.insert("http://w2") }
        let second = try await log.refresh()
        #expect(second.size > first.size)
        _ = await log.collectCosignatures()
        #expect(witnesses.requests.withLock { $0 }.contains("http://w1 old \(first.size)"))
        #expect(await w1.tree(of: "vledger.test/log")?.size == second.size)
        #expect(try Checkpoint(text: SignedNote.open(try #require(try await log.servedCheckpointNote()), verifiers: [logSigner.verifier]).text) == first)
        // The certificate's entry is signed but not yet in a cosigned checkpoint.
        let verification = try await ledger.verifyCertificate(token: issued.certificate.token)
        #expect(verification.inSignedCheckpoint == true && verification.inCosignedCheckpoint == false)
        witnesses.down.withLock { $0.removeAll() }
        _ = await log.collectCosignatures()
        #expect(try Checkpoint(text: SignedNote.open(try #require(try await log.servedCheckpointNote()), verifiers: [logSigner.verifier]).text) == second)
        #expect(try await ledger.verifyCertificate(token: issued.certificate.token).inCosignedCheckpoint == true)
    }

    @Test func aRestartedServerLearnsTheWitnessSizeFromAConflict() async throws {
        let t = try await CertifyingTestbed()
        let (_, volunteer, activity) = try await t.scene(1)
        let logSigner = try NoteSigner.generate(name: "vledger.test/log")
        let (w1, s1) = try Self.witness("w1.test", log: logSigner, in: t.bed.directory)
        let witnesses = Witnesses(["http://w1": w1])
        let endpoints = [WitnessEndpoint(url: "http://w1", key: s1.verifier)]
        try await t.bed.record(volunteer, activity, from: At.june(10, 9), to: At.june(10, 10))
        let before = LogPublisher(store: t.ledger.store, signer: logSigner, witnesses: endpoints, post: witnesses.post)
        let first = try await before.refresh()
        #expect(await before.collectCosignatures().isEmpty)
        // Quorum 0: the latest is served with the cosignatures it has.
        #expect(try await before.checkpointNote().contains("— w1.test "))

        try await t.bed.record(volunteer, activity, from: At.june(10, 11), to: At.june(10, 12))
        let after = LogPublisher(store: t.ledger.store, signer: logSigner, witnesses: endpoints, post: witnesses.post)
        let second = try await after.refresh()
        // Served at once, before any witness answered (quorum 0), without cosignatures.
        #expect(!(try await after.checkpointNote().contains("— w1.test ")))
        #expect(await after.collectCosignatures().isEmpty)
        #expect(witnesses.requests.withLock { Array($0.suffix(2)) } == ["http://w1 old 0", "http://w1 old \(first.size)"])
        #expect(await w1.tree(of: "vledger.test/log")?.size == second.size)
        #expect(try await after.checkpointNote().contains("— w1.test "))
    }

    @Test func aWitnessAnsweringWithAnotherKeyGivesNoCosignature() async throws {
        let t = try await CertifyingTestbed()
        let logSigner = try NoteSigner.generate(name: "vledger.test/log")
        let (w1, _) = try Self.witness("w1.test", log: logSigner, in: t.bed.directory)
        let expected = try CosignatureSigner.generate(name: "w1.test")
        let log = LogPublisher(store: t.ledger.store, signer: logSigner, witnesses: [WitnessEndpoint(url: "http://w1", key: expected.verifier)],
                               quorum: 1, post: Witnesses(["http://w1": w1]).post)
        try await log.refresh()
        #expect(await log.collectCosignatures() == [.badCosignature(witness: "w1.test")])
        #expect(try await log.servedCheckpointNote() == nil)
    }
}
