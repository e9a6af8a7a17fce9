import Foundation
import LedgerCore
import PostgresNIO

/// The transparency log on PostgreSQL (tables of migration 11, `PostgresSchema.transparencyLogStatements`). Writers of
/// every process queue entries concurrently; one sequencer at a time appends them, under the advisory lock "VLLG".
/// Byte strings travel as hex text, so that a batch is one statement with arrays.
extension PostgresLedgerAccess {
    func logSize() throws -> Int {
        try row("SELECT COALESCE(MAX(idx) + 1, 0) FROM log_entries") { try $0.next(Int64.self) }.map(Int.init) ?? 0
    }

    func logEntries(from start: Int, limit: Int) throws -> [[UInt8]] {
        try rows("SELECT entry FROM log_entries WHERE idx >= \(Int64(start)) ORDER BY idx LIMIT \(limit)") {
            Array(try $0.next(ByteBuffer.self).readableBytesView)
        }
    }

    func logHash(level: Int, index: Int) throws -> TreeHash? {
        try row("SELECT hash FROM log_hashes WHERE level = \(level) AND idx = \(Int64(index))") { try Self.treeHash(&$0) }
    }

    func logHashes(after: (level: Int, index: Int)?, limit: Int) throws -> [LogNodeHash] {
        try rows("""
            SELECT level, idx, hash FROM log_hashes WHERE (level, idx) > (\(after?.level ?? -1), \(Int64(after?.index ?? -1)))
            ORDER BY level, idx LIMIT \(limit)
            """) { c in
            LogNodeHash(level: try c.next(Int.self), index: Int(try c.next(Int64.self)), hash: try Self.treeHash(&c))
        }
    }

    func queuedLogEntries(limit: Int) throws -> [QueuedLogEntry] {
        try rows("SELECT id, entry FROM log_queue ORDER BY id LIMIT \(limit)") {
            QueuedLogEntry(id: try $0.next(Int64.self), entry: Array(try $0.next(ByteBuffer.self).readableBytesView))
        }
    }

    func enqueueLogEntries(_ entries: [[UInt8]]) throws {
        guard !entries.isEmpty else { return }
        pipeline("""
            INSERT INTO log_queue (entry)
            SELECT decode(e, 'hex') FROM unnest(\(entries.map(\.hexString))::text[]) WITH ORDINALITY AS t(e, n) ORDER BY n
            """)
    }

    func lockLog() throws {
        try run("SELECT pg_advisory_xact_lock(\(PostgresSchema.LockNamespace.log), 0)")
    }

    func logIndex(of subject: String) throws -> Int? {
        try row("SELECT idx FROM log_subjects WHERE subject = \(subject)") { Int(try $0.next(Int64.self)) }
    }

    func appendLog(entries: [[UInt8]], hashes: [LogNodeHash], subjects: [LoggedSubject], dequeued: [Int64]) throws {
        let size = Int64(try logSize())
        if !entries.isEmpty {
            try run("""
                INSERT INTO log_entries (idx, entry)
                SELECT \(size) + n - 1, decode(e, 'hex') FROM unnest(\(entries.map(\.hexString))::text[]) WITH ORDINALITY AS t(e, n)
                """)
        }
        try restoreLogHashes(hashes)
        if !subjects.isEmpty {
            try run("""
                INSERT INTO log_subjects (subject, idx)
                SELECT subject, idx FROM unnest(\(subjects.map(\.subject))::text[], \(subjects.map { Int64($0.index) })::bigint[]) AS t(subject, idx)
                """)
        }
        if !dequeued.isEmpty {
            let removed = try run("DELETE FROM log_queue WHERE id = ANY(\(dequeued)) RETURNING id").rows.count
            guard removed == dequeued.count else { throw MerkleError.alreadySequenced(queueId: dequeued[0]) }
        }
    }

    func restoreQueued(_ entries: [QueuedLogEntry]) throws {
        guard !entries.isEmpty else { return }
        try run("""
            INSERT INTO log_queue (id, entry)
            SELECT id, decode(e, 'hex') FROM unnest(\(entries.map(\.id))::bigint[], \(entries.map(\.entry.hexString))::text[]) AS t(id, e)
            """)
    }

    func restoreLogHashes(_ hashes: [LogNodeHash]) throws {
        guard !hashes.isEmpty else { return }
        try run("""
            INSERT INTO log_hashes (level, idx, hash)
            SELECT level, idx, decode(h, 'hex')
            FROM unnest(\(hashes.map(\.level))::integer[], \(hashes.map { Int64($0.index) })::bigint[],
                        \(hashes.map(\.hash.bytes.hexString))::text[]) AS t(level, idx, h)
            """)
    }

    private static func treeHash(_ c: inout Columns) throws -> TreeHash {
        let bytes = Array(try c.next(ByteBuffer.self).readableBytesView)
        guard let hash = TreeHash(bytes) else { throw StoredValueError(column: "log_hashes.hash", value: "\(bytes.count) bytes") }
        return hash
    }
}
