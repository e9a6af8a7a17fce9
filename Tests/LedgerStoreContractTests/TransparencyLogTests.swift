import Foundation
import LedgerCore
import Testing

/// The transparency log on both stores: every record revision queues its entry in its own transaction (by hand, in
/// batches, by import), the sequencer appends each exactly once with the hashes of the subtrees it completes, and the
/// stored tree proves what an in-memory tree of the same entries proves.
@Suite("Transparency log")
struct TransparencyLogTests {
    static let op = Principal.localOperator

    @Test(arguments: Backend.all)
    func everyRevisionIsQueuedWithItsEventAndSequencedOnce(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let ledger = t.ledger()
            let organization = try await ledger.createOrganization(Make.organizationInput(1), by: Self.op)
            let activity = try await ledger.createActivity(Make.activityInput(day: 10), organizationId: organization.id, by: Self.op)
            let volunteer = try await ledger.registerVolunteer(Make.registration(1), organizationId: organization.id, by: Self.op).volunteer
            let record = try await ledger.recordService(RecordInput(volunteerNumber: volunteer.number, activityId: activity.id,
                                                                    start: Make.june(10, 8), end: Make.june(10, 10)), by: Self.op)
            _ = try await ledger.correctRecord(id: record.id, RecordCorrection(minutes: 90, reason: "扣除休息"), by: Self.op)
            _ = try await ledger.voidRecord(id: record.id, reason: "重复登记", by: Self.op)
            _ = try await ledger.recordServices(activityId: activity.id, [
                BatchRecordEntry(volunteerNumber: volunteer.number, start: Make.june(10, 11), end: Make.june(10, 12)),
                BatchRecordEntry(volunteerNumber: volunteer.number, start: Make.june(10, 13), end: Make.june(10, 14)),
            ], by: Self.op)
            // A refused write queues nothing: its transaction rolled back with it.
            await expectLedgerErrorCode("overlapping-record") {
                _ = try await ledger.recordService(RecordInput(volunteerNumber: volunteer.number, activityId: activity.id,
                                                               start: Make.june(10, 11), end: Make.june(10, 12)), by: Self.op)
            }
            var writer = CSVWriter()
            writer.writeRow(["姓名", "志愿者编号", "活动", "开始时间", "结束时间"])
            writer.writeRow([volunteer.name, volunteer.number, String(activity.id), "2026-06-10 15:00", "2026-06-10 16:00"])
            let csv = writer.bytes
            let report = try await ledger.importRecords(openFile: { try CSVReader(bytes: csv) },
                                                        options: ImportOptions(organizationId: organization.id), by: Self.op)
            #expect(report.imported == 1)

            // The organization's registration, then six revisions.
            #expect(try await t.store.read { try $0.queuedLogEntries(limit: 100) }.count == 7)
            #expect(try await t.store.read { try $0.logSize() } == 0)
            #expect(try await t.store.write { try LogSequencer.sequence(in: $0) } == 7)
            #expect(try await t.store.write { try LogSequencer.sequence(in: $0) } == 0)
            #expect(try await t.store.read { try $0.queuedLogEntries(limit: 100) }.isEmpty)

            let all = try await t.store.read { try $0.logEntries(from: 0, limit: 100) }
            #expect(try LogEntry(bytes: all[0]).event == .organizationCreated)
            let entries = Array(all.dropFirst())
            let decoded = try entries.map { try LogEntry(bytes: $0) }
            #expect(decoded.map(\.change) == ["created", "corrected", "voided", "created", "created", "created"])
            let history = try await ledger.history(recordId: record.id, by: Self.op)
            #expect(Array(decoded.prefix(3).map(\.digest)) == history.map(\.digest))
            #expect(decoded.allSatisfy { $0.organization == organization.id && $0.event == .recordRevision })
            #expect(decoded.map(\.chainSequence) == [1, 2, 3, 4, 5, 6])
            // Public: ids, times and digests only.
            let text = String(decoding: entries.joined(), as: UTF8.self)
            #expect(!text.contains(volunteer.name) && !text.contains(volunteer.documentNumber) && !text.contains("重复登记"))
            #expect(String(decoding: entries[0], as: UTF8.self).hasPrefix("{\"at\":\"2026-"))
            #expect(!String(decoding: all[0], as: UTF8.self).contains(organization.name))

            // The stored tree is the tree of these entries, and proves like it.
            let memory = InMemoryMerkleTree(leaves: all.map { TreeHash.leaf($0) })
            let (root, inclusion, consistency) = try await t.store.read { r in
                let tree = StoredLogTree(r)
                return (try Merkle.root(size: 7, in: tree), try Merkle.inclusionProof(index: 4, size: 7, in: tree),
                        try Merkle.consistencyProof(oldSize: 3, newSize: 7, in: tree))
            }
            #expect(root == memory.root)
            #expect(Merkle.verifyInclusion(leaf: .leaf(all[4]), index: 4, size: 7, proof: inclusion, root: root))
            #expect(Merkle.verifyConsistency(oldSize: 3, newSize: 7, oldRoot: try Merkle.root(size: 3, in: memory), newRoot: root,
                                             proof: consistency))
        }
    }

    @Test(arguments: Backend.all)
    func concurrentSequencersAppendEachEntryOnce(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let entries = (0..<300).map { Array("entry \($0)".utf8) }
            for chunk in stride(from: 0, to: entries.count, by: 50) {
                let slice = Array(entries[chunk..<chunk + 50])
                try await t.store.write { try $0.enqueueLogEntries(slice) }
            }
            let store = t.store
            let counts = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<6 { group.addTask { try await store.write { try LogSequencer.sequence(in: $0, limit: 37) } } }
                var total = 0
                for try await count in group { total += count }
                return total
            }
            var more = counts
            while true {
                let sequenced = try await t.store.write { try LogSequencer.sequence(in: $0, limit: 100) }
                if sequenced == 0 { break }
                more += sequenced
            }
            #expect(more == 300)
            let stored = try await t.store.read { try $0.logEntries(from: 0, limit: 1000) }
            // Queue order is kept, and the stored subtrees hash to the tree of the entries.
            #expect(stored == entries)
            let root = try await t.store.read { try Merkle.root(size: 300, in: StoredLogTree($0)) }
            #expect(root == InMemoryMerkleTree(leaves: entries.map { TreeHash.leaf($0) }).root)
            #expect(try await t.store.read { try $0.logHash(level: 8, index: 0) } != nil)
            #expect(try await t.store.read { try $0.logHash(level: 8, index: 1) } == nil)
        }
    }

    @Test(arguments: Backend.all)
    func theDatabaseRefusesToRewriteTheLog(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            try await t.store.write { try $0.enqueueLogEntries([Array("one".utf8), Array("two".utf8), Array("three".utf8)]) }
            try await t.store.write { _ = try LogSequencer.sequence(in: $0) }
            let root = try await t.store.read { try Merkle.root(size: 3, in: StoredLogTree($0)) }
            for statement in ["UPDATE log_entries SET entry = log_entries.entry || log_entries.entry WHERE idx = 1",
                              "DELETE FROM log_entries WHERE idx = 2",
                              "UPDATE log_hashes SET idx = idx + 10 WHERE level = 0 AND idx = 0",
                              "DELETE FROM log_hashes WHERE level = 1"] {
                await #expect(throws: (any Error).self, "\(statement)") { try await t.rawExecute(statement) }
            }
            #expect(try await t.store.read { try $0.logEntries(from: 0, limit: 10) } == ["one", "two", "three"].map { Array($0.utf8) })
            #expect(try await t.store.read { try Merkle.root(size: 3, in: StoredLogTree($0)) } == root)
        }
    }
}
