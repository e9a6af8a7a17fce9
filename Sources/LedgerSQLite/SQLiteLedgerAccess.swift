import Foundation
import GRDB
import LedgerCore

/// `LedgerReader` and `LedgerWriter` over one GRDB connection inside a read or a transaction.
/// Every statement is parameterized and cached.
struct SQLiteLedgerAccess: LedgerWriter {
    let db: Database

    // MARK: Helpers

    func rows(_ sql: String, _ arguments: StatementArguments = []) throws -> [Row] {
        try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
    }

    func row(_ sql: String, _ arguments: StatementArguments = []) throws -> Row? {
        try Row.fetchOne(db.cachedStatement(sql: sql), arguments: arguments)
    }

    /// Rows of `select` (ending in `IN`, and followed by `suffix`) for these ids, 500 bound parameters a statement.
    func rows(_ select: String, ids: [Int64], suffix: String = "") throws -> [Row] {
        var found: [Row] = []
        for start in stride(from: 0, to: ids.count, by: 500) {
            let chunk = Array(ids[start..<min(start + 500, ids.count)])
            found += try rows("\(select) (\(Array(repeating: "?", count: chunk.count).joined(separator: ","))) \(suffix)",
                              StatementArguments(chunk))
        }
        return found
    }

    func execute(_ sql: String, _ arguments: StatementArguments) throws {
        try db.cachedStatement(sql: sql).execute(arguments: arguments)
    }

    static func seconds(_ date: Date) -> Int64 { Int64(date.timeIntervalSince1970) }
    static func date(_ seconds: Int64) -> Date { Date(timeIntervalSince1970: TimeInterval(seconds)) }
}

// MARK: Whole-ledger copies

extension SQLiteLedgerAccess {
    func rowCounts() throws -> LedgerRowCounts {
        guard let row = try row("""
            SELECT (SELECT COUNT(*) FROM organizations) AS organizations, (SELECT COUNT(*) FROM volunteers) AS volunteers,
                   (SELECT COUNT(*) FROM memberships) AS memberships, (SELECT COUNT(*) FROM activities) AS activities,
                   (SELECT COUNT(*) FROM service_records) AS service_records,
                   (SELECT COUNT(*) FROM record_revisions) AS record_revisions,
                   (SELECT COUNT(*) FROM chain_heads WHERE sequence > 0) AS chain_heads,
                   (SELECT COUNT(*) FROM users) AS users, (SELECT COUNT(*) FROM sessions) AS sessions,
                   (SELECT COUNT(*) FROM holidays) AS holidays
            """) else { return LedgerRowCounts() }
        var counts = LedgerRowCounts()
        counts.organizations = row["organizations"]
        counts.volunteers = row["volunteers"]
        counts.memberships = row["memberships"]
        counts.activities = row["activities"]
        counts.serviceRecords = row["service_records"]
        counts.recordRevisions = row["record_revisions"]
        counts.chainHeads = row["chain_heads"]
        counts.users = row["users"]
        counts.sessions = row["sessions"]
        counts.holidays = row["holidays"]
        let others = try String.fetchAll(db, sql: """
            SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'grdb_migrations'
            ORDER BY name
            """).filter { !LedgerRowCounts.coreTables.contains($0) && !LedgerRowCounts.transientTables.contains($0) }
        for table in others {
            // The name comes from the schema itself; quoted as an identifier.
            let rows = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \"\(table.replacingOccurrences(of: "\"", with: "\"\""))\"") ?? 0
            if rows > 0 { counts.otherTables[table] = rows }
        }
        return counts
    }

    func resetIdSequences() throws {
        // AUTOINCREMENT already keeps sqlite_sequence at the largest id inserted, explicit or not.
    }
}

/// Lists of short strings kept in one column as JSON.
enum StoredList {
    static func encode(_ values: [String]) -> String {
        (try? String(decoding: JSONEncoder().encode(values), as: UTF8.self)) ?? "[]"
    }
}
