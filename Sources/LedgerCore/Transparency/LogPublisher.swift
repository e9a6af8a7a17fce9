/// Signs the transparency log's checkpoints with the log's note key (kept in the key file, never in the database or the
/// logs): a new one when the log has grown since the last, made by the periodic round, not per request.
public actor LogPublisher {
    public nonisolated let origin: String
    public nonisolated let verifier: NoteVerifier
    private let signer: NoteSigner
    private let store: any LedgerStore
    private var latest: (checkpoint: Checkpoint, note: String)?

    /// The signer's key name must be the origin: a checkpoint names its log, and its key says so.
    public init(store: any LedgerStore, signer: NoteSigner) {
        self.store = store
        self.signer = signer
        origin = signer.verifier.name
        verifier = signer.verifier
    }

    /// Sequences what is queued and signs a checkpoint of the log as it then stands, unless the last one has that size.
    @discardableResult
    public func refresh() async throws -> Checkpoint {
        try await LogSequencer.sequenceAll(in: store)
        let (size, root) = try await store.read { try LogSequencer.head(in: $0) }
        if let latest, latest.checkpoint.size == size { return latest.checkpoint }
        let checkpoint = Checkpoint(origin: origin, size: size, root: root)
        latest = (checkpoint, try signer.sign(checkpoint.text))
        return checkpoint
    }

    /// The latest signed checkpoint note (`GET /log/checkpoint`).
    public func checkpointNote() async throws -> String {
        if let latest { return latest.note }
        try await refresh()
        return latest?.note ?? ""
    }

    /// The latest checkpoint, without its signature.
    public func checkpoint() async throws -> Checkpoint {
        if let latest { return latest.checkpoint }
        return try await refresh()
    }
}
