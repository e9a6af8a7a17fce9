import Foundation

/// A certificate signing key as the transparency log records it: public facts only.
public struct SigningKeyRecord: Sendable, Hashable {
    /// The key id (RFC 7638 thumbprint), as in the public JWKS.
    public var kid: String
    /// The raw 32-byte Ed25519 public key.
    public var publicKey: [UInt8]
    public var createdAt: Date
    public var compromisedAt: Date?

    public init(kid: String, publicKey: [UInt8], createdAt: Date, compromisedAt: Date? = nil) {
        self.kid = kid
        self.publicKey = publicKey
        self.createdAt = createdAt
        self.compromisedAt = compromisedAt
    }
}

extension Ledger {
    /// Brings the transparency log up to date with the platform's signing keys (`keys`, as the key file holds them, in
    /// the order they were made): every key that came into use is logged once (the first as added, each later one as
    /// rotated in, naming the key it replaced), and every compromised key once more as compromised, at the times the key
    /// file gives. Runs under the log's lock after sequencing what was queued, so servers that reconcile at the same time
    /// log each event once. Returns how many entries it appended.
    @discardableResult
    public func logSigningKeys(_ keys: [SigningKeyRecord]) async throws -> Int {
        let ordered = keys
        // A backlog drains first in its own short transactions, so that this one holds the lock only briefly.
        try await LogSequencer.sequenceAll(in: store)
        return try await store.write { w in
            try w.lockLog()
            var entries: [(at: Date, compromise: Bool, bytes: [UInt8])] = []
            for (position, key) in ordered.enumerated() {
                if try w.logIndex(of: LogEntry.signingKeySubject(key.kid, compromised: false)) == nil {
                    let previous = position > 0 ? ordered[position - 1].kid : nil
                    entries.append((key.createdAt, false, LogEntry.signingKey(key.kid, publicKey: key.publicKey,
                                                                       event: previous == nil ? .signingKeyAdded : .signingKeyRotated,
                                                                       at: key.createdAt, replacing: previous).bytes))
                }
                if let compromisedAt = key.compromisedAt,
                   try w.logIndex(of: LogEntry.signingKeySubject(key.kid, compromised: true)) == nil {
                    entries.append((compromisedAt, true, LogEntry.signingKey(key.kid, publicKey: key.publicKey,
                                                                       event: .signingKeyCompromised, at: compromisedAt).bytes))
                }
            }
            guard !entries.isEmpty else { return 0 }
            // In the order they happened; within the key file's one-second precision, keys coming into use before compromises.
            let ordered = entries.enumerated().sorted {
                ($0.element.at, $0.element.compromise ? 1 : 0, $0.offset) < ($1.element.at, $1.element.compromise ? 1 : 0, $1.offset)
            }
            // Sequenced in this transaction (with what was queued since the drain above), before the lock is released, so
            // that servers reconciling at the same time see these subjects and log each event once.
            try w.enqueueLogEntries(ordered.map(\.element.bytes))
            while try LogSequencer.sequence(in: w) == LogSequencer.maxBatch {}
            return entries.count
        }
    }
}
