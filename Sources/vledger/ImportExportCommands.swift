import ArgumentParser
import Foundation
import LedgerCore
import LedgerSpreadsheets

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "import", abstract: "Import data from files.",
                                                    subcommands: [ImportRecords.self])
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
            let path = file
            let showProgress = !quiet && !json
            // A workbook's first sheet is read whole (workbooks are zipped XML) and imported as CSV.
            let workbook: [UInt8]?
            if path.lowercased().hasSuffix(".xlsx") {
                do { workbook = try XLSXReader.csv(Array(try Data(contentsOf: URL(fileURLWithPath: path)))) } catch let error as XLSXError {
                    throw ValidationError("\(path): \(error)")
                }
            } else {
                workbook = nil
            }
            return try await ledger.importRecords(
                openFile: { if let workbook { try CSVReader(bytes: workbook) } else { try CSVReader(path: path) } },
                options: ImportOptions(organizationId: organization.id, keepRecordedAt: keepRecordedAt),
                by: .localOperator,
                progress: { rows, bytes, total in
                    guard showProgress else { return }
                    let percent = total.map { $0 > 0 ? " (\(bytes * 100 / $0)%)" : "" } ?? ""
                    FileHandle.standardError.write(Data("\r已检查 checked \(rows) 行 rows\(percent)".utf8))
                })
        }
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
        if report.committed {
            return "已导入 imported \(report.imported) 条记录 records, \(HoursFormat.hours(fromMinutes: report.minutesImported)) 小时 hours"
                + " (encoding \(report.encoding); \(report.membershipsAdded) new memberships) from \(file)"
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
        lines.append("\(file): \(report.errorCount) 行有错误，未导入任何记录 / \(report.errorCount) bad rows of \(report.rowsRead); nothing was imported")
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
