import Foundation
@testable import LedgerCore
import Testing

/// The monitor with witness keys: it refuses a checkpoint without enough valid cosignatures by those witnesses (a view
/// the log may show this monitor alone), and pins the keys and the quorum in its state.
@Suite struct LogMonitorCosignatureTests {
    /// The log of `LogMonitorTests` whose checkpoint carries the cosignature lines of `cosigners`.
    static func fetch(_ log: LogMonitorTests.FakeLog, cosigners: [CosignatureSigner]) -> LogMonitor.Fetch {
        { path in
            let body = try log.get(path)
            guard path == "log/checkpoint" else { return body }
            let note = String(decoding: body, as: UTF8.self)
            let text = try SignedNote.open(note, verifiers: [log.signer.verifier]).text
            return Array((note + (try cosigners.map { try $0.cosignatureLine(text: text, time: 1_800_000_000) }.joined())).utf8)
        }
    }

    @Test func checkpointsWithoutTheQuorumOfCosignaturesAreRefused() async throws {
        let signer = try NoteSigner.generate(name: "vledger.test/log")
        let log = LogMonitorTests.FakeLog(entries: (0..<20).map { LogMonitorTests.revision($0) }, signer: signer)
        let bureau = try CosignatureSigner.generate(name: "witness.bureau.test")
        let city = try CosignatureSigner.generate(name: "witness.city.test")
        let keys = [bureau.verifier, city.verifier]

        let (state, report) = try await LogMonitor(fetch: Self.fetch(log, cosigners: [bureau, city])).run(
            state: nil, verifierKey: signer.verifier, witnesses: keys, quorum: 2)
        #expect(report.cosignedBy == ["witness.bureau.test", "witness.city.test"])
        #expect(state.witnessKeys == keys.map(\.encoded) && state.witnessQuorum == 2)

        log.entries.append(LogMonitorTests.revision(20))
        // One cosignature of two required.
        await #expect(throws: LogMonitorError.notEnoughCosignatures(valid: 1, required: 2)) {
            try await LogMonitor(fetch: Self.fetch(log, cosigners: [city])).run(state: state, verifierKey: signer.verifier,
                                                                                   witnesses: keys, quorum: 2)
        }
        // A cosignature by another key under a pinned witness's name counts for nothing.
        let impostor = try CosignatureSigner.generate(name: "witness.city.test")
        await #expect(throws: LogMonitorError.notEnoughCosignatures(valid: 1, required: 2)) {
            try await LogMonitor(fetch: Self.fetch(log, cosigners: [bureau, impostor])).run(state: state, verifierKey: signer.verifier,
                                                                                               witnesses: keys, quorum: 2)
        }
        // None at all, quorum 1.
        await #expect(throws: LogMonitorError.notEnoughCosignatures(valid: 0, required: 1)) {
            try await LogMonitor(fetch: log.fetch).run(state: state, verifierKey: signer.verifier, witnesses: keys, quorum: 1)
        }
        // Quorum 1 with one valid cosignature passes and reports who cosigned.
        let (next, news) = try await LogMonitor(fetch: Self.fetch(log, cosigners: [city])).run(
            state: state, verifierKey: signer.verifier, witnesses: keys, quorum: 1)
        #expect(next.size == 21 && news.cosignedBy == ["witness.city.test"])
        // A state file from before witnesses decodes, without pinned witnesses.
        var old = try JSONSerialization.jsonObject(with: JSONEncoder().encode(next)) as! [String: Any]
        old["witnessKeys"] = nil
        old["witnessQuorum"] = nil
        let decoded = try JSONDecoder().decode(LogMonitorState.self, from: JSONSerialization.data(withJSONObject: old))
        #expect(decoded.witnessKeys == nil && decoded.size == 21)
    }
}
