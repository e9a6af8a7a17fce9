/// The hash of one complete subtree of the log: 2^`level` leaves from leaf `index` · 2^`level` (level 0: a leaf).
public struct LogNodeHash: Sendable, Hashable {
    public var level: Int
    public var index: Int
    public var hash: TreeHash

    public init(level: Int, index: Int, hash: TreeHash) {
        self.level = level
        self.index = index
        self.hash = hash
    }
}

/// Where an event others look up stands in the log: a certificate's issuance ("certificate/SERIAL"), a spot check's
/// frozen population and drawn seed ("spot-check/ID/frozen", "spot-check/ID/drawn").
public struct LoggedSubject: Sendable, Hashable {
    public var subject: String
    public var index: Int

    public init(subject: String, index: Int) {
        self.subject = subject
        self.index = index
    }

    /// The subjects of `entries`, which start at log index `start`.
    public static func subjects(of entries: [[UInt8]], from start: Int) -> [LoggedSubject] {
        entries.enumerated().compactMap { offset, bytes in
            (try? LogEntry(bytes: bytes))?.subject.map { LoggedSubject(subject: $0, index: start + offset) }
        }
    }
}

/// An entry waiting for its place in the log.
public struct QueuedLogEntry: Sendable, Hashable {
    public var id: Int64
    public var entry: [UInt8]

    public init(id: Int64, entry: [UInt8]) {
        self.id = id
        self.entry = entry
    }
}

/// The transparency log in the store (part of `LedgerReader` and `LedgerWriter`): entries queued by the transactions of
/// their events, and the sequenced entries with the hash of every complete subtree, append-only.
public protocol TransparencyLogReader {
    /// How many entries are sequenced.
    func logSize() throws -> Int
    /// Sequenced entries from index `start` on, at most `limit`.
    func logEntries(from start: Int, limit: Int) throws -> [[UInt8]]
    /// The hash of a complete subtree, if the log has it.
    func logHash(level: Int, index: Int) throws -> TreeHash?
    /// Every stored subtree hash by (level, index), for copying a ledger between backends.
    func logHashes(after: (level: Int, index: Int)?, limit: Int) throws -> [LogNodeHash]
    /// Queued entries, oldest first.
    func queuedLogEntries(limit: Int) throws -> [QueuedLogEntry]
    /// The log index of a subject's event (`LogEntry.subject`), once sequenced.
    func logIndex(of subject: String) throws -> Int?
}

public protocol TransparencyLogWriter {
    /// Queues entries in the caller's transaction, in order: the events and their entries commit together.
    func enqueueLogEntries(_ entries: [[UInt8]]) throws
    /// Holds the log's sequencing lock to the end of the transaction: one sequencer at a time across processes.
    func lockLog() throws
    /// Appends `entries` at indexes from the log's size on, with the subtree hashes they complete and the indexes of their
    /// subjects, and removes the queued entries `dequeued`.
    func appendLog(entries: [[UInt8]], hashes: [LogNodeHash], subjects: [LoggedSubject], dequeued: [Int64]) throws
    /// Keeps queued entries with their ids, for copying a ledger between backends.
    func restoreQueued(_ entries: [QueuedLogEntry]) throws
    /// Keeps subtree hashes as they are, for copying a ledger between backends.
    func restoreLogHashes(_ hashes: [LogNodeHash]) throws
}

/// The stored log as the source of a Merkle proof's hashes.
public struct StoredLogTree: MerkleHashSource {
    let reader: any LedgerReader

    public init(_ reader: any LedgerReader) {
        self.reader = reader
    }

    public func hash(level: Int, index: Int) throws -> TreeHash {
        guard let hash = try reader.logHash(level: level, index: index) else { throw MerkleError.missingSubtree(level: level, index: index) }
        return hash
    }
}
