/// Gives queued log entries their places: in one transaction under the log's lock, appends them at the end of the log
/// with the leaf hashes and every subtree hash they complete, and dequeues them. Entries are queued by the transactions
/// of their events, so a crash between an event and its sequencing loses nothing.
public enum LogSequencer {
    /// Sequences up to `limit` queued entries; returns how many.
    @discardableResult
    public static func sequence(in w: any LedgerWriter, limit: Int = 10_000) throws -> Int {
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

    /// Sequences everything queued in `store`, in transactions of up to 10,000 entries; returns how many.
    @discardableResult
    public static func sequenceAll(in store: any LedgerStore) async throws -> Int {
        var total = 0
        while true {
            let sequenced = try await store.write { try sequence(in: $0) }
            total += sequenced
            if sequenced < 10_000 { return total }
        }
    }

    /// How many entries the log holds, and the root of their tree.
    public static func head(in r: any LedgerReader) throws -> (size: Int, root: TreeHash) {
        let size = try r.logSize()
        return (size, try Merkle.root(size: size, in: StoredLogTree(r)))
    }
}
