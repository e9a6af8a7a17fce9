/// Gives queued log entries their places: in one transaction under the log's lock, appends them at the end of the log
/// with the leaf hashes and every subtree hash they complete, and dequeues them. Entries are queued by the transactions
/// of their events, so a crash between an event and its sequencing loses nothing. A backlog (after an import of
/// millions of records) drains in bounded batches, each its own short transaction, so other writers (a login) get the
/// write lock between two batches instead of waiting for the whole backlog.
public enum LogSequencer {
    /// The most entries one transaction sequences.
    public static let maxBatch = 2_000
    /// How long one batch's transaction should take: the longest another writer waits for the log.
    public static let batchBudget: Duration = .milliseconds(25)

    /// Sequences up to `limit` queued entries in the caller's transaction; returns how many. Only the right edge of the
    /// stored tree (at most one hash per level) is read: each batch continues where the last one stopped.
    @discardableResult
    public static func sequence(in w: any LedgerWriter, limit: Int = maxBatch) throws -> Int {
        try w.lockLog()
        let queued = try w.queuedLogEntries(limit: limit)
        guard !queued.isEmpty else { return 0 }
        let start = try w.logSize()
        var size = start
        var made: [LogNodeHash] = []
        var fresh: [Int: [Int: TreeHash]] = [:]
        for item in queued {
            var hash = TreeHash.leaf(item.entry), index = size, level = 0
            made.append(LogNodeHash(level: 0, index: index, hash: hash))
            fresh[0, default: [:]][index] = hash
            // A right child completes its parent: hash upwards while the subtree is a right child.
            while index & 1 == 1 {
                guard let left = try fresh[level]?[index - 1] ?? w.logHash(level: level, index: index - 1) else {
                    throw MerkleError.missingSubtree(level: level, index: index - 1)
                }
                hash = .node(left, hash)
                level += 1
                index >>= 1
                made.append(LogNodeHash(level: level, index: index, hash: hash))
                fresh[level, default: [:]][index] = hash
            }
            size += 1
        }
        let entries = queued.map(\.entry)
        try w.appendLog(entries: entries, hashes: made, subjects: LoggedSubject.subjects(of: entries, from: start),
                        dequeued: queued.map(\.id))
        return queued.count
    }

    /// Sequences everything queued in `store` in batches, each committed in its own transaction of at most `maxBatch`
    /// entries, sized so that it takes about `budget`; other writers get the lock between two batches. Returns how many.
    @discardableResult
    public static func sequenceAll(in store: any LedgerStore, maxBatch: Int = maxBatch, budget: Duration = batchBudget) async throws -> Int {
        let maxBatch = max(1, maxBatch)
        var total = 0, limit = min(250, maxBatch)
        while true {
            let started = ContinuousClock.now
            let sequenced = try await store.write { [limit] in try sequence(in: $0, limit: limit) }
            let elapsed = ContinuousClock.now - started
            total += sequenced
            if sequenced < limit { return total }
            // Aim the next batch at the budget: at most half as large again, never over maxBatch.
            let scale = min(1.5, budget / max(elapsed, .microseconds(100)))
            limit = max(min(50, maxBatch), min(maxBatch, Int(Double(limit) * scale)))
            await Task.yield()
        }
    }

    /// How many entries the log holds, and the root of their tree.
    public static func head(in r: any LedgerReader) throws -> (size: Int, root: TreeHash) {
        let size = try r.logSize()
        return (size, try Merkle.root(size: size, in: StoredLogTree(r)))
    }
}
