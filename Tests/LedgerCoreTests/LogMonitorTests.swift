import Foundation
@testable import LedgerCore
import Testing

/// `LogMonitor` against a log served from memory: it follows an honest log run after run, and refuses a log whose
/// history was rebuilt from altered data, a checkpoint of another key, and a log that shrank.
@Suite struct LogMonitorTests {
    /// A log server in memory: the entries it serves and the key that signs its checkpoints.
    final class FakeLog: @unchecked Sendable {
        var entries: [[UInt8]]
        let signer: NoteSigner

        init(entries: [[UInt8]], signer: NoteSigner) {
            self.entries = entries
            self.signer = signer
        }

        var fetch: LogMonitor.Fetch {
            { [self] path in try self.get(path) }
        }

        func get(_ path: String) throws -> [UInt8] {
            let tree = InMemoryMerkleTree(leaves: entries.map { TreeHash.leaf($0) })
            if path == "log/checkpoint" {
                return Array(try signer.sign(Checkpoint(origin: signer.verifier.name, size: entries.count, root: tree.root).text).utf8)
            }
            if path.hasPrefix("log/tile/entries/") {
                let name = path.dropFirst("log/tile/entries/".count)
                let parts = name.split(separator: ".p/")
                let tile = Int(parts[0])!, width = parts.count == 2 ? Int(parts[1])! : 256
                return entries[(tile * 256)..<(tile * 256 + width)].flatMap { [UInt8($0.count >> 8), UInt8($0.count & 0xFF)] + $0 }
            }
            if path.hasPrefix("api/v1/log/consistency-proof?") {
                let query = Dictionary(uniqueKeysWithValues: path.split(separator: "?")[1].split(separator: "&").map {
                    let pair = $0.split(separator: "=")
                    return (String(pair[0]), Int(pair[1])!)
                })
                let proof = try Merkle.consistencyProof(oldSize: query["from"]!, newSize: query["to"]!, in: tree)
                return Array(try JSONSerialization.data(withJSONObject: ["proof": proof.map { Data($0.bytes).base64EncodedString() }]))
            }
            throw URLError(.fileDoesNotExist)
        }
    }

    static func revision(_ n: Int, organization: Int64 = 1, change: String = "created", late: Bool = false) -> [UInt8] {
        var r = RecordRevision(recordId: Int64(n), revision: change == "created" ? 1 : 2,
                               kind: RevisionKind(rawValue: change)!, startAt: Date(timeIntervalSince1970: 1_781_000_000),
                               endAt: Date(timeIntervalSince1970: 1_781_003_600), minutes: 60, note: "", reason: "", actorId: nil,
                               at: Date(timeIntervalSince1970: 1_781_010_000 + Double(n)), chainSequence: Int64(n), digest: "")
        r.digest = String(repeating: "ab", count: 32)
        return LogEntry.revision(r, organizationId: organization, late: late).bytes
    }

    @Test func anHonestLogIsFollowedAndReported() async throws {
        let signer = try NoteSigner.generate(name: "vledger.test/log")
        let log = FakeLog(entries: (0..<300).map { Self.revision($0, late: $0 % 100 == 0) }, signer: signer)
        let monitor = LogMonitor(fetch: log.fetch)
        let (first, report) = try await monitor.run(state: nil, verifierKey: signer.verifier)
        #expect(first.size == 300 && report.oldSize == 0 && report.byOrganization[1]?.created == 300 && report.byOrganization[1]?.late == 3)
        log.entries += [Self.revision(5, change: "corrected"), Self.revision(6, organization: 2, change: "voided")]
        let (second, news) = try await monitor.run(state: first, verifierKey: signer.verifier)
        #expect(second.size == 302 && news.oldSize == 300)
        #expect(news.byOrganization[1]?.corrected == 1 && news.byOrganization[2]?.voided == 1 && news.byOrganization[1]?.created == 0)
        // Nothing new: the same state again.
        #expect(try await monitor.run(state: second, verifierKey: signer.verifier).0 == second)
        // The state survives a round trip through its file's JSON.
        let saved = try JSONDecoder().decode(LogMonitorState.self, from: JSONEncoder().encode(second))
        #expect(saved == second)
    }

    @Test func aRewrittenHistoryIsRefused() async throws {
        let signer = try NoteSigner.generate(name: "vledger.test/log")
        let log = FakeLog(entries: (0..<40).map { Self.revision($0) }, signer: signer)
        let monitor = LogMonitor(fetch: log.fetch)
        let (seen, _) = try await monitor.run(state: nil, verifierKey: signer.verifier)

        // The operator changes entry 7 and rebuilds the tree, at the same size and then larger: both are refused.
        log.entries[7] = Self.revision(7, change: "voided")
        await #expect(throws: LogMonitorError.forked(size: 40)) { _ = try await monitor.run(state: seen, verifierKey: signer.verifier) }
        log.entries.append(Self.revision(40))
        await #expect(throws: LogMonitorError.inconsistent(from: 40, to: 41)) {
            _ = try await monitor.run(state: seen, verifierKey: signer.verifier)
        }
        // Dropping entries is refused too, and so is a checkpoint signed by another key.
        log.entries = Array(log.entries.prefix(30))
        await #expect(throws: LogMonitorError.shrank(from: 40, to: 30)) { _ = try await monitor.run(state: seen, verifierKey: signer.verifier) }
        let other = try NoteSigner.generate(name: "vledger.test/log")
        await #expect(throws: LogMonitorError.badSignature) {
            _ = try await LogMonitor(fetch: FakeLog(entries: log.entries, signer: other).fetch).run(state: seen, verifierKey: signer.verifier)
        }
    }

    @Test func entriesThatDoNotMatchTheSignedRootAreRefused() async throws {
        let signer = try NoteSigner.generate(name: "vledger.test/log")
        let honest = FakeLog(entries: (0..<10).map { Self.revision($0) }, signer: signer)
        // A server that signs the honest tree but serves other entries.
        let lying: LogMonitor.Fetch = { path in
            path.hasPrefix("log/tile/entries/") ? try FakeLog(entries: (0..<10).map { Self.revision($0 + 1) }, signer: signer).get(path)
                : try honest.get(path)
        }
        await #expect(throws: LogMonitorError.entriesDoNotMatchRoot(size: 10)) {
            _ = try await LogMonitor(fetch: lying).run(state: nil, verifierKey: signer.verifier)
        }
    }

    @Test func tilePathsFollowTheSpec() {
        #expect(LogMonitor.tilePath(0) == "000")
        #expect(LogMonitor.tilePath(67) == "067")
        #expect(LogMonitor.tilePath(1_234_067) == "x001/x234/067")
    }
}
