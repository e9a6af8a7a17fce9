import ArgumentParser
import Foundation
import LedgerCore
import LedgerSpreadsheets

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "import", abstract: "Import data from files.",
                                                    subcommands: [ImportRecords.self, ImportVolunteers.self])
}

struct ImportRecords: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "records",
        abstract: "Import hour records from a CSV file (UTF-8, UTF-8 with BOM, GBK/GB18030 or UTF-16) or an Excel workbook (.xlsx, its first sheet), all or nothing.")

    @OptionGroup var database: DatabaseOptions
    @Argument(help: "The CSV file.") var file: String
    @Option(help: "The organization's 统一社会信用代码.") var org: String
    @Flag(help: "Take 登记时间/recorded_at from the file (migrating from an earlier platform).") var keepRecordedAt = false
    @Flag(help: "Print the report as JSON.") var json = false
    @Flag(help: "No progress output.") var quiet = false

    func run() async throws {
        guard FileManager.default.isReadableFile(atPath: file) else {
            throw ValidationError("\(file): 文件不存在或不可读 / no such file or not readable")
        }
        let report = try await withLedger(database) { ledger in
            let organization = try await ledger.organization(creditCode: org)
            return try await ledger.importRecords(
                openFile: try ImportFileSource.opener(file),
                options: ImportOptions(organizationId: organization.id, keepRecordedAt: keepRecordedAt),
                by: .localOperator, progress: ImportFileSource.progress(shown: !quiet && !json))
        }
        try ImportFileSource.finish(report, file: file, json: json, quiet: quiet)
    }
}

struct ImportVolunteers: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "volunteers",
        abstract: "Import a roster of volunteers (花名册) from a CSV file (UTF-8, UTF-8 with BOM, GBK/GB18030 or UTF-16) or an Excel workbook (.xlsx, its first sheet), all or nothing.",
        discussion: """
            Columns (Chinese or English headers): 姓名/name, 证件类型/document_type (居民身份证 by default), 证件号码/document_number, \
            性别/sex and 出生日期/birth_date (read from a resident ID card, needed for other documents), 手机号码/phone, \
            居住区域/residence_area, 技能特长/skills, 服务类别/service_categories. A person already on the platform joins the \
            organization when the name matches; members already are reported, not refused.
            """)

    @OptionGroup var database: DatabaseOptions
    @Argument(help: "The CSV or .xlsx file.") var file: String
    @Option(help: "The organization's 统一社会信用代码.") var org: String
    @Flag(help: "Print the report as JSON.") var json = false
    @Flag(help: "No progress output.") var quiet = false

    func run() async throws {
        guard FileManager.default.isReadableFile(atPath: file) else {
            throw ValidationError("\(file): 文件不存在或不可读 / no such file or not readable")
        }
        let report = try await withLedger(database) { ledger in
            let organization = try await ledger.organization(creditCode: org)
            return try await ledger.importVolunteers(
                openFile: try ImportFileSource.opener(file), options: ImportOptions(organizationId: organization.id),
                by: .localOperator, progress: ImportFileSource.progress(shown: !quiet && !json))
        }
        try ImportFileSource.finish(report, file: file, json: json, quiet: quiet)
    }
}

/// What the import commands share: opening a CSV or workbook, the progress line, and the report at the end.
enum ImportFileSource {
    /// Opens `path` for an import: a CSV streamed from disk, or a workbook's first sheet, read whole (workbooks are zipped XML).
    static func opener(_ path: String) throws -> @Sendable () throws -> CSVReader {
        guard path.lowercased().hasSuffix(".xlsx") else { return { try CSVReader(path: path) } }
        let workbook: [UInt8]
        do { workbook = try XLSXReader.csv(Array(try Data(contentsOf: URL(fileURLWithPath: path)))) } catch let error as XLSXError {
            throw ValidationError("\(path): \(error)")
        }
        return { try CSVReader(bytes: workbook) }
    }

    /// Rows checked on standard error, when `shown`.
    static func progress(shown: Bool) -> @Sendable (Int, Int, Int?) -> Void {
        { rows, bytes, total in
            guard shown else { return }
            let percent = total.map { $0 > 0 ? " (\(bytes * 100 / $0)%)" : "" } ?? ""
            FileHandle.standardError.write(Data("\r已检查 checked \(rows) 行 rows\(percent)".utf8))
        }
    }

    /// Prints the report (as JSON or text) and exits with 1 unless the file was imported.
    static func finish(_ report: ImportReport, file: String, json: Bool, quiet: Bool) throws {
        if !quiet && !json { printError("") }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(ImportReportText.render(report, file: file))
        }
        if !report.committed { throw ExitCode(1) }
    }
}

/// The import report as a person reads it in a terminal: one line per bad row, `FILE:LINE`.
enum ImportReportText {
    static func render(_ report: ImportReport, file: String) -> String {
        if report.committed, let registered = report.volunteersRegistered {
            return "已导入 imported \(report.imported) 名志愿者 volunteers: \(registered) 新登记 newly registered, "
                + "\(report.membershipsAdded) 已在平台、加入本组织 already on the platform and joined, "
                + "\(report.alreadyMembers ?? 0) 已是成员 already members (encoding \(report.encoding)) from \(file)"
        }
        if report.committed {
            return "已导入 imported \(report.imported) 条记录 records, \(HoursFormat.hours(fromMinutes: report.minutesImported)) 小时 hours"
                + " (encoding \(report.encoding); \(report.membershipsAdded) new memberships) from \(file)"
        }
        if report.errorCount == 0, let members = report.alreadyMembers {
            return "\(file): 没有新的志愿者（\(members) 人已是成员） / no new volunteers (\(members) already members); nothing was imported"
        }
        if report.errorCount == 0 {
            return "\(file): 文件中没有记录 / the file has no records; nothing was imported"
        }
        var lines = report.errors.map { error in
            "\(file):\(error.line): \(error.column.map { "[\($0)] " } ?? "")\(error.message)"
        }
        if report.errorCount > report.errors.count {
            lines.append("... and \(report.errorCount - report.errors.count) more")
        }
        let nothing = report.volunteersRegistered == nil ? "未导入任何记录" : "未导入任何志愿者"
        lines.append("\(file): \(report.errorCount) 行有错误，\(nothing) / \(report.errorCount) bad rows of \(report.rowsRead); nothing was imported")
        return lines.joined(separator: "\n")
    }
}

struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Export records or volunteer totals as CSV for Excel (UTF-8 with BOM).")

    enum What: String, ExpressibleByArgument, CaseIterable { case records, totals }

    @OptionGroup var database: DatabaseOptions
    @Argument(help: "records or totals") var what: What
    @Option(help: "Only this organization (统一社会信用代码).") var org: String?
    @Option(help: "First day, YYYY-MM-DD.") var from: String?
    @Option(help: "Last day, YYYY-MM-DD.") var to: String?
    @Option(help: "Output file (default: standard output).") var out: String?

    func run() async throws {
        let period = DayRange(from: try from.map(parseDay), to: try to.map(parseDay))
        try await withLedger(database) { ledger in
            var filter = RecordFilter()
            var zone = TimeZone.ledgerDefault
            if let org {
                let organization = try await ledger.organization(creditCode: org)
                filter.organizationId = organization.id
                zone = organization.timeZone
            }
            filter.startsFrom = period.from?.startOfDay(in: zone)
            filter.startsBefore = period.to?.adding(days: 1).startOfDay(in: zone)
            let handle: FileHandle
            if let out {
                guard FileManager.default.createFile(atPath: out, contents: nil) , let h = FileHandle(forWritingAtPath: out) else {
                    throw ValidationError("\(out): cannot write")
                }
                handle = h
            } else {
                handle = FileHandle.standardOutput
            }
            let sink: ([UInt8]) async throws -> Void = { bytes in try handle.write(contentsOf: bytes) }
            switch what {
            case .records: try await ledger.exportRecords(filter, by: .localOperator, write: sink)
            case .totals: try await ledger.exportVolunteerTotals(filter, by: .localOperator, write: sink)
            }
            if out != nil { try handle.close() }
        }
    }
}

func parseDay(_ text: String) throws -> LocalDate {
    guard let day = LocalDate(iso: text) else { throw ValidationError("\(text): 日期格式应为 YYYY-MM-DD / expected YYYY-MM-DD") }
    return day
}
