/// Signs the transparency log's checkpoints with the log's note key (kept in the key file, never in the database or the
/// logs): a new one when the log has grown since the last, made by the periodic round, not per request. With witnesses,
/// a second round submits each new checkpoint to them (C2SP tlog-witness) and collects their cosignatures; the served
/// checkpoint then carries them, and with a quorum only a checkpoint that reached it is served.
public actor LogPublisher {
    public nonisolated let origin: String
    public nonisolated let verifier: NoteVerifier
    public nonisolated let witnesses: [WitnessEndpoint]
    /// How many witnesses must cosign a checkpoint before it is served; 0: none (the latest is served with the
    /// cosignatures it has).
    public nonisolated let quorum: Int
    private let signer: NoteSigner
    private let store: any LedgerStore
    private let post: WitnessPost?
    private var latest: (checkpoint: Checkpoint, note: String)?
    /// The size each witness (by key) last cosigned, as far as this server knows.
    private var witnessedSizes: [CosignatureVerifier: Int] = [:]
    /// The cosignature lines of the latest checkpoint, by witness key.
    private var cosignatures: (size: Int, lines: [CosignatureVerifier: String]) = (-1, [:])
    /// The latest checkpoint cosigned by max(quorum, 1) witnesses, with their lines.
    private var cosigned: (checkpoint: Checkpoint, note: String)?

    /// The signer's key name must be the origin: a checkpoint names its log, and its key says so.
    public init(store: any LedgerStore, signer: NoteSigner, witnesses: [WitnessEndpoint] = [], quorum: Int = 0, post: WitnessPost? = nil) {
        self.store = store
        self.signer = signer
        origin = signer.verifier.name
        verifier = signer.verifier
        self.witnesses = witnesses
        self.quorum = min(max(quorum, 0), witnesses.count)
        self.post = post
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

    /// The checkpoint note served at `GET /log/checkpoint`: the latest signed one with the cosignatures collected for
    /// it, or with a quorum the latest that reached it; nil while none has.
    public func servedCheckpointNote() async throws -> String? {
        if latest == nil { try await refresh() }
        guard let latest else { return nil }
        if witnesses.isEmpty { return latest.note }
        if quorum > 0 { return cosigned?.note }
        guard cosignatures.size == latest.checkpoint.size else { return latest.note }
        return latest.note + cosignatureLines
    }

    /// The cosignature lines collected for the latest checkpoint, in witness-name order.
    private var cosignatureLines: String {
        cosignatures.lines.sorted { $0.key.name < $1.key.name }.map(\.value).joined()
    }

    /// The served checkpoint note; not found while a required quorum has cosigned none.
    public func checkpointNote() async throws -> String {
        guard let note = try await servedCheckpointNote() else {
            throw LedgerError.notFound(entity: "cosigned checkpoint", key: "witness quorum \(quorum)")
        }
        return note
    }

    /// The latest signed checkpoint, without its signature (what tiles and proofs are served up to).
    public func checkpoint() async throws -> Checkpoint {
        if let latest { return latest.checkpoint }
        return try await refresh()
    }

    /// The size of the latest checkpoint cosigned by the quorum and at least one witness; nil without witnesses.
    public func cosignedSize() -> Int? {
        witnesses.isEmpty ? nil : (cosigned?.checkpoint.size ?? 0)
    }

    /// Submits the latest checkpoint to every witness that has not cosigned it yet, each from the size it last
    /// cosigned, and keeps the cosignatures that verify with its key. Returns why a witness gave none (retried at the
    /// next round); never throws, so a witness cannot stop the log.
    @discardableResult
    public func collectCosignatures() async -> [WitnessSubmissionError] {
        guard let post, !witnesses.isEmpty, let latest else { return [] }
        let checkpoint = latest.checkpoint, note = latest.note, text = checkpoint.text
        if cosignatures.size != checkpoint.size { cosignatures = (checkpoint.size, [:]) }
        let pending = witnesses.filter { cosignatures.lines[$0.key] == nil }
        guard !pending.isEmpty else { return [] }
        let known = witnessedSizes, store = store
        let proof: @Sendable (Int) async throws -> [TreeHash] = { old in
            try await store.read { try Merkle.consistencyProof(oldSize: old, newSize: checkpoint.size, in: StoredLogTree($0)) }
        }
        let results = await withTaskGroup(of: (CosignatureVerifier, Result<String, WitnessSubmissionError>).self) { group in
            for witness in pending {
                group.addTask {
                    do {
                        let line = try await witness.submit(checkpoint, note: note, text: text, old: known[witness.key] ?? 0,
                                                            post: post, proof: proof)
                        return (witness.key, .success(line))
                    } catch let error as WitnessSubmissionError {
                        return (witness.key, .failure(error))
                    } catch {
                        return (witness.key, .failure(.unreachable(witness: witness.key.name, reason: "\(error)")))
                    }
                }
            }
            var all: [(CosignatureVerifier, Result<String, WitnessSubmissionError>)] = []
            for await result in group { all.append(result) }
            return all
        }
        var failures: [WitnessSubmissionError] = []
        for (key, result) in results {
            switch result {
            case .success(let line):
                witnessedSizes[key] = checkpoint.size
                if cosignatures.size == checkpoint.size { cosignatures.lines[key] = line }
            case .failure(let error):
                failures.append(error)
            }
        }
        if cosignatures.size == checkpoint.size, cosignatures.lines.count >= max(quorum, 1),
           (cosigned?.checkpoint.size ?? -1) <= checkpoint.size {
            cosigned = (checkpoint, note + cosignatureLines)
        }
        return failures
    }
}
