import Foundation
import GRDB
import LedgerCore

/// The transparency log on SQLite (tables of migration `v10-transparency-log`). SQLite has one writer at a time, so the
/// sequencing lock is the write transaction itself.
extension SQLiteLedgerAccess {
    func logSize() throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COALESCE(MAX(idx) + 1, 0) FROM log_entries") ?? 0
    }

    func logEntries(from start: Int, limit: Int) throws -> [[UInt8]] {
        try rows("SELECT entry FROM log_entries WHERE idx >= ? ORDER BY idx LIMIT ?", [start, limit]).map { [UInt8]($0[0] as Data) }
    }

    func logHash(level: Int, index: Int) throws -> TreeHash? {
        try row("SELECT hash FROM log_hashes WHERE level = ? AND idx = ?", [level, index]).flatMap { TreeHash([UInt8]($0[0] as Data)) }
    }

    func logHashes(after: (level: Int, index: Int)?, limit: Int) throws -> [LogNodeHash] {
        try rows("""
            SELECT level, idx, hash FROM log_hashes WHERE (level, idx) > (?, ?) ORDER BY level, idx LIMIT ?
            """, [after?.level ?? -1, after?.index ?? -1, limit]).map(Self.nodeHash)
    }

    func queuedLogEntries(limit: Int) throws -> [QueuedLogEntry] {
        try rows("SELECT id, entry FROM log_queue ORDER BY id LIMIT ?", [limit]).map { QueuedLogEntry(id: $0[0], entry: [UInt8]($0[1] as Data)) }
    }

    func enqueueLogEntries(_ entries: [[UInt8]]) throws {
        let statement = try db.cachedStatement(sql: "INSERT INTO log_queue (entry) VALUES (?)")
        for entry in entries { try statement.execute(arguments: [Data(entry)]) }
    }

    func lockLog() throws {}

    func logIndex(of subject: String) throws -> Int? {
        try Int.fetchOne(db, sql: "SELECT idx FROM log_subjects WHERE subject = ?", arguments: [subject])
    }

    func appendLog(entries: [[UInt8]], hashes: [LogNodeHash], subjects: [LoggedSubject], dequeued: [Int64]) throws {
        var index = try logSize()
        let insertEntry = try db.cachedStatement(sql: "INSERT INTO log_entries (idx, entry) VALUES (?, ?)")
        for entry in entries {
            try insertEntry.execute(arguments: [index, Data(entry)])
            index += 1
        }
        try restoreLogHashes(hashes)
        let logSubject = try db.cachedStatement(sql: "INSERT INTO log_subjects (subject, idx) VALUES (?, ?)")
        for subject in subjects { try logSubject.execute(arguments: [subject.subject, subject.index]) }
        let dequeue = try db.cachedStatement(sql: "DELETE FROM log_queue WHERE id = ?")
        for id in dequeued {
            try dequeue.execute(arguments: [id])
            guard db.changesCount == 1 else { throw MerkleError.alreadySequenced(queueId: id) }
        }
    }

    func restoreQueued(_ entries: [QueuedLogEntry]) throws {
        let statement = try db.cachedStatement(sql: "INSERT INTO log_queue (id, entry) VALUES (?, ?)")
        for entry in entries { try statement.execute(arguments: [entry.id, Data(entry.entry)]) }
    }

    func restoreLogHashes(_ hashes: [LogNodeHash]) throws {
        let statement = try db.cachedStatement(sql: "INSERT INTO log_hashes (level, idx, hash) VALUES (?, ?, ?)")
        for node in hashes { try statement.execute(arguments: [node.level, node.index, Data(node.hash.bytes)]) }
    }

    private static func nodeHash(_ row: Row) throws -> LogNodeHash {
        guard let hash = TreeHash([UInt8](row[2] as Data)) else { throw StoredValueError(column: "log_hashes.hash", value: "\((row[2] as Data).count) bytes") }
        return LogNodeHash(level: row[0], index: row[1], hash: hash)
    }
}
