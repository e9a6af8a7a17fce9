import Foundation

/// The append-only security log in the store (part of `LedgerReader` and `LedgerWriter`). Rows are never changed;
/// only rows older than the retention period may be deleted (the schema refuses younger ones).
public protocol SecurityLogReader {
    /// Events matching `filter`, newest first, with ids below `beforeId`.
    func securityEvents(_ filter: SecurityEventFilter, beforeId: Int64?, limit: Int) throws -> [SecurityEvent]
    /// Every event by id, for copying a ledger.
    func securityEvents(afterId: Int64?, limit: Int) throws -> [SecurityEvent]
}

public protocol SecurityLogWriter {
    /// Appends a new event; the store assigns the id.
    @discardableResult
    func append(_ event: SecurityEvent) throws -> SecurityEvent
    /// Keeps the given id, for copying a ledger.
    func restore(_ event: SecurityEvent) throws
    /// Deletes up to `limit` events older than `cutoff`, oldest first; answers how many went.
    func pruneSecurityEvents(olderThan cutoff: Date, limit: Int) throws -> Int
}
