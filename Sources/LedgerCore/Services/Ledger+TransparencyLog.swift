extension Ledger {
    /// Gives queued log entries their places in the transparency log (`LogSequencer`); returns how many.
    @discardableResult
    public func sequenceLog() async throws -> Int {
        try await LogSequencer.sequenceAll(in: store)
    }

    /// How many entries the transparency log holds, and its root.
    public func logHead() async throws -> (size: Int, root: TreeHash) {
        try await store.read { try LogSequencer.head(in: $0) }
    }
}
