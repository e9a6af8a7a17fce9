import ArgumentParser
import Foundation
import Synchronization
import LedgerCore

struct Records: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List hour records.")

    @OptionGroup var database: DatabaseOptions
    @Option(help: "Organization (统一社会信用代码).") var org: String?
    @Option(help: "Volunteer number (志愿者编号).") var volunteer: String?
    @Option(help: "Activity id.") var activity: Int64?
    @Flag(help: "Only records entered late.") var late = false
    @Flag(help: "Include voided records.") var includeVoid = false
    @Option(help: "At most this many records.") var limit = 50

    func run() async throws {
        try await withLedger(database) { ledger in
            var filter = RecordFilter(activityId: activity, includeVoid: includeVoid, onlyLate: late)
            if let org { filter.organizationId = try await ledger.organization(creditCode: org).id }
            if let volunteer { filter.volunteerId = try await ledger.volunteerId(number: volunteer) }
            let page = try await ledger.records(filter, after: nil, limit: min(limit, 500), by: .localOperator)
            let zones = try await ledger.timeZones(of: Set(page.items.map(\.organizationId)))
            print("id\tvolunteer\tactivity\tstart\tend\thours\tlate\tstatus\trevision")
            for record in page.items {
                let zone = zones[record.organizationId] ?? .ledgerDefault
                print([String(record.id), String(record.volunteerId), String(record.activityId),
                       LocalDateTime(record.startAt, in: zone).description, LocalDateTime(record.endAt, in: zone).description,
                       HoursFormat.hours(fromMinutes: record.minutes), record.isLate ? "late" : "",
                       record.isVoid ? "void" : "valid", String(record.revision)].joined(separator: "\t"))
            }
            if page.nextAfter != nil { printError("(more records: raise --limit or filter further)") }
        }
    }
}

struct Summary: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "A volunteer's total hours and star level.")

    @OptionGroup var database: DatabaseOptions
    @Argument(help: "Volunteer number (志愿者编号).") var volunteer: String
    @Option(help: "First day, YYYY-MM-DD.") var from: String?
    @Option(help: "Last day, YYYY-MM-DD.") var to: String?

    func run() async throws {
        try await withLedger(database) { ledger in
            let id = try await ledger.volunteerId(number: volunteer)
            let summary = try await ledger.volunteerSummary(
                volunteerId: id, period: DayRange(from: try from.map(parseDay), to: try to.map(parseDay)), by: .localOperator)
            print("\(summary.name) (\(summary.volunteerNumber)): \(HoursFormat.hours(fromMinutes: summary.minutes)) 小时 hours in \(summary.records) records")
            print("累计 all time: \(HoursFormat.hours(fromMinutes: summary.allTimeMinutes)) h, \(summary.starLevel.chineseLabel)"
                  + (summary.minutesToNextStar.map { "; \(HoursFormat.hours(fromMinutes: $0)) h to the next star" } ?? ""))
            for item in summary.byOrganization {
                print("  \(item.organizationName): \(HoursFormat.hours(fromMinutes: item.minutes)) h, \(item.records) records")
            }
        }
    }
}

struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Prove that no record was rewritten: re-derive every organization's audit chain.",
        subcommands: [Verify.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-derive the audit chains and compare the records with their history (incremental unless --full).",
            discussion: """
                Incremental: each chain from the position last verified intact (its digest checked first), and only the \
                records revised since, so a daily check reads what changed. --full re-derives every chain from its start and \
                compares every record. Progress goes to standard error; the result is kept and shown on /admin/audit.
                """)
        @OptionGroup var database: DatabaseOptions
        @Flag(help: "Re-derive every chain from its start and compare every record.") var full = false

        func run() async throws {
            let mode: AuditVerificationMode = full ? .full : .incremental
            let report = try await withLedger(database) { ledger in
                let lastPrinted = Mutex(ContinuousClock.now)
                return try await ledger.verifyAuditChains(mode, by: .localOperator) { progress in
                    let now = ContinuousClock.now
                    let due = lastPrinted.withLock { last in
                        guard now - last >= .seconds(1) || progress.chainsDone == progress.chainsTotal else { return false }
                        last = now
                        return true
                    }
                    if due {
                        FileHandle.standardError.write(Data(
                            "chains \(progress.chainsDone)/\(progress.chainsTotal), revisions \(progress.revisions), rows read \(progress.rowsRead)\n".utf8))
                    }
                }
            }
            for problem in report.problems {
                print("organization \(problem.organizationId): \(problem.message)")
            }
            print(report.isIntact
                  ? "审计链完整 / audit chains intact (\(mode.rawValue)): \(report.revisions) revisions in \(report.organizations) organizations, \(report.rowsRead ?? 0) rows read"
                  : "审计链被破坏 / \(report.problems.count) problems found")
            if !report.isIntact { throw ExitCode(1) }
        }
    }
}

struct Holidays: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Public holidays and make-up working days.", subcommands: [Load.self])

    struct Load: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Load a holiday file (lines like `2026-10-01 休` or `2026-09-28 班`).")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The holiday file.") var file: String

        func run() async throws {
            let text: String
            do { text = try String(contentsOfFile: file, encoding: .utf8) } catch {
                throw ValidationError("\(file): cannot read: \(error.localizedDescription)")
            }
            let count = try await withLedger(database) { try await $0.loadHolidays(fileText: text, by: .localOperator) }
            print("loaded \(count) calendar entries from \(file)")
        }
    }
}
