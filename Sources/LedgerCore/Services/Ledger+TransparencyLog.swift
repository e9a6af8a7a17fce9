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

extension Ledger {
    /// The C2SP tlog-proof of a certificate's issuance against the latest signed checkpoint (with the cosignatures it
    /// carries): public, as the log is. Not found until the issuance is in a signed checkpoint (a few seconds).
    public func certificateLogProof(serial text: String) async throws -> TLogProof {
        guard let log = transparencyLog, let serial = CertificateSerial(text) else {
            throw LedgerError.notFound(entity: "certificate log entry", key: String(text.prefix(40)))
        }
        let note = try await log.checkpointNote()
        let (checkpoint, _) = try Checkpoint.open(note, origin: log.origin, logKey: log.verifier)
        let found = try await store.read { r -> (Int, [UInt8], [TreeHash])? in
            guard let index = try r.logIndex(of: LogEntry.certificateSubject(serial.value)), index < checkpoint.size else { return nil }
            return (index, try r.logEntries(from: index, limit: 1)[0],
                    try Merkle.inclusionProof(index: index, size: checkpoint.size, in: StoredLogTree(r)))
        }
        guard let (index, entry, hashes) = found else {
            throw LedgerError.notFound(entity: "certificate log entry", key: serial.grouped)
        }
        return TLogProof(extra: entry, index: index, hashes: hashes, checkpointNote: note)
    }
}
