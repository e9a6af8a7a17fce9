import Foundation
import LedgerCore
import Logging
import PostgresNIO

/// `LedgerReader` and `LedgerWriter` over the one connection of a transaction. Runs on a thread of the
/// store's blocking pool and waits for each statement; every value is a bind parameter (`\(value)` in a
/// `PostgresQuery` becomes `$n`), never spliced into the SQL text.
final class PostgresLedgerAccess: LedgerWriter {
    let connection: WatchedConnection
    let logger: Logger
    /// The first statement failure of the transaction; PostgreSQL refuses every later statement.
    private(set) var failure: PostgresStoreError?
    /// Volunteers locked in this transaction; the lock is held until it ends, so one request suffices.
    var lockedVolunteers: Set<Int64> = []
    /// The earliest year `restore` gave partitions to in this transaction (through the current year).
    var partitionsFromYear: Int?

    init(connection: WatchedConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    // MARK: Helpers

    /// Runs one statement and waits for all its rows.
    @discardableResult
    func run(_ query: PostgresQuery) throws -> PostgresQueryResult {
        try waiting {
            let reply = connection.send(query, logger: logger)
            try confirmSent()
            return try connection.wait(reply)
        }
    }

    /// Streams rows into a table with COPY, as one statement of the transaction.
    func copy(into table: String, columns: [String], data: [ByteBuffer]) throws {
        try waiting {
            try confirmSent()
            try connection.copy(into: table, columns: columns, data: data, logger: logger)
        }
    }

    /// Runs `body`, which waits for the server, unless the transaction already failed; its failure is the
    /// transaction's (PostgreSQL refuses every later statement).
    private func waiting<T>(_ body: () throws -> T) throws -> T {
        if let failure { throw failure.isRetryable ? failure : PostgresStoreError.transactionAborted }
        do {
            return try body()
        } catch {
            let mapped = PostgresStoreError(error)
            failure = mapped
            throw mapped
        }
    }

    /// Sends a statement without waiting for its reply (BEGIN, the COMMIT of a read). The connection runs
    /// statements in order, so its outcome is known when the next statement's reply is; waiting for each
    /// would cost a hand-off between this thread and the event loop.
    func send(_ query: PostgresQuery) {
        unconfirmed.append(connection.send(query, logger: logger))
    }

    /// Sends a statement of the transaction whose reply nobody reads (a lock, an append) without waiting for
    /// it; a failure is reported by the next statement that waits, or by COMMIT, and fails the transaction.
    func pipeline(_ query: PostgresQuery) {
        if failure != nil { return }
        send(query)
    }

    /// Statements sent without waiting, not yet known to have succeeded.
    var unconfirmed: [EventLoopFuture<PostgresQueryResult>] = []

    func confirmSent() throws {
        let sent = unconfirmed
        unconfirmed = []
        for reply in sent { _ = try connection.wait(reply) }
    }

    /// Runs a query and decodes each row, columns in order.
    func rows<T>(_ query: PostgresQuery, _ transform: (inout Columns) throws -> T) throws -> [T] {
        try run(query).rows.map { row in
            var columns = Columns(row)
            do {
                return try transform(&columns)
            } catch let error as PostgresDecodingError {
                throw PostgresStoreError(error)
            }
        }
    }

    func row<T>(_ query: PostgresQuery, _ transform: (inout Columns) throws -> T) throws -> T? {
        try rows(query, transform).first
    }

    /// Times are kept in whole seconds, as in the SQLite store.
    static func stored(_ date: Date) -> Date {
        Date(timeIntervalSince1970: TimeInterval(Int64(date.timeIntervalSince1970)))
    }

    // MARK: Whole-ledger copies

    func rowCounts() throws -> LedgerRowCounts {
        var counts = try row("""
            SELECT (SELECT COUNT(*) FROM organizations), (SELECT COUNT(*) FROM volunteers), (SELECT COUNT(*) FROM memberships),
                   (SELECT COUNT(*) FROM activities), (SELECT COUNT(*) FROM service_records),
                   (SELECT COUNT(*) FROM record_revisions), (SELECT COUNT(*) FROM chain_heads WHERE sequence > 0),
                   (SELECT COUNT(*) FROM users), (SELECT COUNT(*) FROM sessions), (SELECT COUNT(*) FROM holidays)
            """) { c in
            var counts = LedgerRowCounts()
            counts.organizations = try c.next()
            counts.volunteers = try c.next()
            counts.memberships = try c.next()
            counts.activities = try c.next()
            counts.serviceRecords = try c.next()
            counts.recordRevisions = try c.next()
            counts.chainHeads = try c.next()
            counts.users = try c.next()
            counts.sessions = try c.next()
            counts.holidays = try c.next()
            return counts
        } ?? LedgerRowCounts()
        let others = try rows("""
            SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition
              AND c.relname <> 'vledger_schema_migrations'
            ORDER BY c.relname
            """) { try $0.next(String.self) }.filter {
                !LedgerRowCounts.coreTables.contains($0) && !PostgresSchema.derivedTables.contains($0)
                    && !LedgerRowCounts.transientTables.contains($0)
            }
        for table in others {
            // The name comes from the catalog; quote_ident makes it an identifier.
            let identifier = try row("SELECT quote_ident(\(table))") { try $0.next(String.self) } ?? table
            let count = try row("SELECT COUNT(*) FROM \(unescaped: identifier)") { try $0.next(Int.self) } ?? 0
            if count > 0 { counts.otherTables[table] = count }
        }
        return counts
    }

    func resetIdSequences() throws {
        for table in PostgresSchema.tablesWithIdentity {
            // Table names are constants of the schema, not input.
            try run("""
                SELECT setval(pg_get_serial_sequence('\(unescaped: table)', 'id'),
                              COALESCE((SELECT MAX(id) FROM \(unescaped: table)), 0) + 1, false)
                """)
        }
    }

    static func require(_ id: Int64?) throws -> Int64 {
        guard let id else { throw PostgresStoreError.decoding("INSERT ... RETURNING id returned no row") }
        return id
    }
}

/// Reads the columns of a row left to right.
struct Columns {
    let cells: PostgresRandomAccessRow
    var index = 0

    init(_ row: PostgresRow) {
        cells = row.makeRandomAccess()
    }

    mutating func next<T: PostgresDecodable>(_ type: T.Type = T.self) throws -> T {
        defer { index += 1 }
        return try cells[index].decode(T.self)
    }
}

/// SQL text built piece by piece, with values appended as bind parameters.
struct QueryText {
    var sql: String
    var binds = PostgresBindings()

    init(_ sql: String) {
        self.sql = sql
    }

    mutating func append(_ text: String) {
        sql += text
    }

    mutating func bind<Value: PostgresNonThrowingEncodable>(_ value: Value) {
        binds.append(value)
        sql += "$\(binds.count)"
    }

    var query: PostgresQuery { PostgresQuery(unsafeSQL: sql, binds: binds) }
}
