import Foundation
import LedgerCore
import Synchronization
import Testing

/// A backlog of queued log entries (after an import) is sequenced in bounded batches, each committed in its own
/// transaction, so that another writer gets the write lock between two batches instead of after the whole backlog.
@Suite("Log sequencer batches")
struct LogSequencerBatchTests {
    /// The store, noting the log's size at the end of every write transaction (in it, so the size is what it committed).
    final class SizeNotingStore: LedgerStore {
        let base: any LedgerStore
        let sizes = Mutex<[Int]>([])

        init(_ base: any LedgerStore) {
            self.base = base
        }

        func migrate() async throws { try await base.migrate() }
        func read<T: Sendable>(_ body: @escaping @Sendable (any LedgerReader) throws -> T) async throws -> T { try await base.read(body) }
        func write<T: Sendable>(_ body: @escaping @Sendable (any LedgerWriter) throws -> T) async throws -> T {
            try await base.write { w in
                let result = try body(w)
                let size = try w.logSize()
                self.sizes.withLock { $0.append(size) }
                return result
            }
        }
        func close() async throws {}
    }

    @Test(arguments: Backend.all)
    func aLargeQueueIsSequencedInBoundedTransactionsAndOtherWritesCommitBetween(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let count = 20_000, maxBatch = 1_500
            let entries = (0..<count).map { Array("entry \($0)".utf8) }
            for chunk in stride(from: 0, to: count, by: 5_000) {
                let slice = Array(entries[chunk..<chunk + 5_000])
                try await t.store.write { try $0.enqueueLogEntries(slice) }
            }
            let counting = SizeNotingStore(t.store)
            let store = t.store
            async let sequenced = LogSequencer.sequenceAll(in: counting, maxBatch: maxBatch, budget: .seconds(10))
            // Another writer, once the first batch has committed: its transaction commits while the backlog is still
            // being sequenced, not after it.
            let sizeSeenByWriter = try await {
                while try await store.read({ try $0.logSize() }) == 0 { try await Task.sleep(for: .milliseconds(1)) }
                return try await store.write { w in
                    try w.enqueueLogEntries([Array("a login's event".utf8)])
                    return try w.logSize()
                }
            }()
            #expect(try await sequenced >= count)
            #expect(sizeSeenByWriter > 0 && sizeSeenByWriter < count, "the other write waited for the whole backlog")

            // Several transactions, each bounded in entries, and together in queue order.
            let sizes = counting.sizes.withLock { $0 }
            let steps = zip([0] + sizes, sizes).map { $1 - $0 }
            #expect(sizes.count >= count / maxBatch)
            #expect(steps.allSatisfy { $0 <= maxBatch }, "batches of \(Set(steps).sorted())")
            let stored = try await t.store.read { try $0.logEntries(from: 0, limit: count + 10) }
            #expect(Array(stored.prefix(count)) == entries)
            #expect(stored.count == count + 1 && stored.last == Array("a login's event".utf8))
            #expect(try await t.store.read { try $0.queuedLogEntries(limit: 10) }.isEmpty)
            // The batches continued the stored tree where the last stopped: it is the tree of all the entries.
            let root = try await t.store.read { try Merkle.root(size: stored.count, in: StoredLogTree($0)) }
            #expect(root == InMemoryMerkleTree(leaves: stored.map { TreeHash.leaf($0) }).root)
        }
    }

    @Test(arguments: Backend.all)
    func batchesAdaptToTheirTimeBudget(_ backend: Backend) async throws {
        try await withStore(backend) { t in
            let entries = (0..<3_000).map { Array("entry \($0)".utf8) }
            try await t.store.write { try $0.enqueueLogEntries(entries) }
            let counting = SizeNotingStore(t.store)
            // A budget no batch can meet: every batch stays at the floor of 50 entries after the first of 250.
            #expect(try await LogSequencer.sequenceAll(in: counting, budget: .nanoseconds(1)) == 3_000)
            let sizes = counting.sizes.withLock { $0 }
            let steps = zip([0] + sizes, sizes).map { $1 - $0 }
            #expect(steps.first == 250)
            #expect(steps.dropFirst().allSatisfy { $0 <= 50 }, "batches of \(Set(steps).sorted())")
            #expect(sizes.last == 3_000)
        }
    }
}
