extension Ledger {
    /// Gives queued log entries their places in the transparency log (`LogSequencer`), all of them in rounds of 10,000;
    /// returns how many.
    @discardableResult
    public func sequenceLog() async throws -> Int {
        var total = 0
        while true {
            let sequenced = try await store.write { try LogSequencer.sequence(in: $0) }
            total += sequenced
            if sequenced < 10_000 { return total }
        }
    }

    /// How many entries the transparency log holds, and its root.
    public func logHead() async throws -> (size: Int, root: TreeHash) {
        try await store.read { r in
            let size = try r.logSize()
            return (size, try Merkle.root(size: size, in: StoredLogTree(r)))
        }
    }
}
