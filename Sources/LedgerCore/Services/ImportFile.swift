import Foundation

/// One rejected row of an import: where, which column, and why.
public struct ImportRowError: Sendable, Codable, Hashable {
    /// Physical line in the file (the header is line 1).
    public var line: Int
    /// The column's header as written in the file, or nil for the whole row.
    public var column: String?
    public var code: String
    public var message: String

    public init(line: Int, column: String?, code: String, message: String) {
        self.line = line
        self.column = column
        self.code = code
        self.message = message
    }
}

/// What an import did, or why it imported nothing.
public struct ImportReport: Sendable, Codable {
    public var encoding: String
    public var rowsRead: Int
    /// Rows that passed every check.
    public var validRows: Int
    /// Rows stored; 0 unless every row was valid, since a file is imported whole or not at all.
    public var imported: Int
    public var minutesImported: Int
    public var membershipsAdded: Int
    public var errorCount: Int
    /// The first `ImportOptions.maxReportedErrors` errors.
    public var errors: [ImportRowError]
    /// A roster import: people registered anew (the rest of `imported` were on the platform and joined).
    public var volunteersRegistered: Int?
    /// A roster import: rows naming people who were members already (not errors, nothing stored for them).
    public var alreadyMembers: Int?
    /// Rows that are not errors but worth telling, such as people already members (the first hundred).
    public var notices: [ImportRowError]?
    public var committed: Bool { errorCount == 0 && imported > 0 }

    init(encoding: String) {
        self.encoding = encoding
        rowsRead = 0
        validRows = 0
        imported = 0
        minutesImported = 0
        membershipsAdded = 0
        errorCount = 0
        errors = []
    }
}

/// How an import treats its file.
public struct ImportOptions: Sendable {
    public var organizationId: Int64
    /// Take 登记时间/recorded_at from the file (migrations from an earlier platform; operator only).
    public var keepRecordedAt: Bool
    public var maxReportedErrors: Int
    /// Rows checked and stored together: a few store requests a batch, whatever its size.
    public var batchRows: Int

    public init(organizationId: Int64, keepRecordedAt: Bool = false, maxReportedErrors: Int = 1000, batchRows: Int = 5_000) {
        self.organizationId = organizationId
        self.keepRecordedAt = keepRecordedAt
        self.maxReportedErrors = maxReportedErrors
        self.batchRows = max(1, batchRows)
    }
}

/// The documented bounds of an import file; above them the file is refused before any row is read.
public enum ImportLimits {
    /// The largest file the API and the CLI accept (a million rows is about 100 MB).
    public static let maxFileBytes = 512 << 20
    /// The largest file a browser may upload on the import page.
    public static let maxPageUploadBytes = 64 << 20
    /// The longest line, in bytes.
    public static var maxLineBytes: Int { CSVRowParser.maxRowBytes }
    /// The most columns a line may have.
    public static var maxColumns: Int { CSVRowParser.maxColumns }
}

/// One kind of import file (hour records, a roster of volunteers): how a batch of its rows is checked and stored
/// inside the import's transaction. The file walk around it (`Ledger.importFile`) is the same for every kind.
protocol ImportBatchStore {
    associatedtype Column: ImportColumn
    /// Checks `rows` (in line order) against every rule, including the rows of earlier batches, and stores those
    /// that pass, counting them in `report`; returns the bad rows in any order.
    mutating func store(_ rows: [CSVRow], header: ImportHeader<Column>, report: inout ImportReport) throws -> [ImportRowError]
    /// After the last batch, when no row was bad.
    mutating func finish(report: inout ImportReport) throws
}

/// A row refused by a rule, and the column at fault (nil for the whole row).
struct ImportRowFailure<Column: ImportColumn>: Error {
    var column: Column?
    var error: LedgerError

    /// The report's line; it names the column, so the message need not repeat it.
    func rowError(line: Int, header: ImportHeader<Column>) -> ImportRowError {
        var message = error.message
        if case .invalidField(_, let reason) = error { message = reason }
        return ImportRowError(line: line, column: column.map(header.headerName(of:)), code: error.code, message: message)
    }
}

/// Thrown inside the import transaction to roll it back when any row was bad.
private struct ImportRejected: Error {
    var report: ImportReport
}

extension Ledger {
    /// Walks an import file inside one write transaction: opens it, reads its header, hands its rows to `begin`'s
    /// store a batch at a time, and commits only if no row was bad; otherwise rolls back and reports every bad row
    /// (in line order). Streams the file, so memory stays flat.
    ///
    /// - Parameters:
    ///   - begin: makes the kind's batch store once the file's first row was read (inside the transaction).
    ///   - checkHeader: refuses a header the kind cannot take (beyond unknown, duplicate and missing columns).
    ///   - progress: called every thousand rows with (rows read, bytes read, total bytes).
    func importFile<Batches: ImportBatchStore>(
        openFile: @escaping @Sendable () throws -> CSVReader, options: ImportOptions,
        progress: (@Sendable (Int, Int, Int?) -> Void)?,
        checkHeader: @escaping @Sendable (ImportHeader<Batches.Column>) throws -> Void = { _ in },
        begin: @escaping @Sendable (any LedgerWriter) throws -> Batches
    ) async throws -> ImportReport {
        do {
            let report = try await store.write { w in
                var reader: CSVReader
                let firstRow: CSVRow?
                do {
                    reader = try openFile()
                    firstRow = try reader.next()
                } catch let error as CSVError {
                    // A file that cannot be read up to its first row has no rows to report: the file is refused.
                    throw LedgerError.unreadableFile(error.description)
                }
                var batches = try begin(w)
                guard let headerRow = firstRow else {
                    throw LedgerError.invalidField(field: "file", reason: "文件为空 / the file is empty")
                }
                let header: ImportHeader<Batches.Column>
                do { header = try ImportHeader(headerRow.fields) } catch {
                    throw LedgerError.invalidField(field: "header", reason: "\(error)")
                }
                try checkHeader(header)
                var walk = ImportWalk(report: ImportReport(encoding: reader.encoding.rawValue), options: options)
                var rows: [CSVRow] = []
                func flush() throws {
                    guard !rows.isEmpty else { return }
                    let errors = try batches.store(rows, header: header, report: &walk.report)
                    rows.removeAll(keepingCapacity: true)
                    for error in errors.sorted(by: { $0.line < $1.line }) { walk.reject(error) }
                }
                while true {
                    let row: CSVRow?
                    do { row = try reader.next() } catch {
                        // The file ends where it cannot be read any further, after the rows read before.
                        try flush()
                        walk.reject(ImportRowError(line: (error as? CSVError)?.lineNumber ?? walk.report.rowsRead + 2, column: nil,
                                                   code: "unreadable-file", message: "\(error)"))
                        break
                    }
                    guard let row else { break }
                    walk.report.rowsRead += 1
                    rows.append(row)
                    if rows.count >= options.batchRows { try flush() }
                    if walk.report.rowsRead % 1000 == 0 {
                        progress?(walk.report.rowsRead, reader.bytesRead, reader.totalBytes)
                    }
                }
                try flush()
                if walk.report.errorCount == 0 { try batches.finish(report: &walk.report) }
                progress?(walk.report.rowsRead, reader.bytesRead, reader.totalBytes)
                guard walk.report.errorCount == 0 else { throw ImportRejected(report: walk.report) }
                return walk.report
            }
            LedgerMetrics.importFinished(report.committed ? "committed" : "empty", rows: report.imported)
            return report
        } catch let rejected as ImportRejected {
            var report = rejected.report
            report.validRows = report.imported + (report.alreadyMembers ?? 0)
            report.imported = 0
            report.minutesImported = 0
            report.membershipsAdded = 0
            report.volunteersRegistered = report.volunteersRegistered.map { _ in 0 }
            report.alreadyMembers = report.alreadyMembers.map { _ in 0 }
            report.notices = report.notices.map { _ in [] }
            LedgerMetrics.importFinished("rejected", rows: report.rowsRead)
            return report
        } catch let error as LedgerError {
            LedgerMetrics.importFinished("refused", rows: 0)
            throw error
        }
    }
}

/// The report of a file being walked, and the cap on the errors it lists.
private struct ImportWalk {
    var report: ImportReport
    let options: ImportOptions

    mutating func reject(_ error: ImportRowError) {
        report.errorCount += 1
        if report.errors.count < options.maxReportedErrors { report.errors.append(error) }
    }
}
