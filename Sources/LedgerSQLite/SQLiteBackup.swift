import Foundation
import GRDB
import LedgerCore

extension SQLiteLedgerStore {
    /// Copies the database, as of one moment, into a new file at `path`: SQLite's online backup reads a
    /// single snapshot in one step, so writers (this process or a running server) may go on meanwhile.
    public func backup(to path: String) throws {
        let destination = try DatabaseQueue(path: path)
        try pool.backup(to: destination)
        try destination.close()
    }

    /// Replaces this database's content with the database file at `path`, through the same online backup
    /// (readers of this database then see the restored content; no file is swapped under them).
    public func restore(from path: String) throws {
        var configuration = Configuration()
        configuration.readonly = true
        let source = try DatabaseQueue(path: path, configuration: configuration)
        try source.backup(to: pool)
        try source.close()
    }

    /// Whether the database has a ledger schema with at least one organization (a fresh file has neither).
    public func holdsLedgerData() async throws -> Bool {
        try await pool.read { db in
            guard try db.tableExists("organizations") else { return false }
            return try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM organizations)") ?? false
        }
    }

    /// The problems `PRAGMA integrity_check` finds; empty when the file is sound.
    public func integrityProblems() async throws -> [String] {
        let lines = try await pool.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check(100)") }
        return lines == ["ok"] ? [] : lines
    }
}
