import ArgumentParser
import Foundation
import LedgerAPI
import LedgerCore

/// `vledger spot-check`: campaigns of 双随机、一公开 spot checks, and the public sampling tool.
struct SpotCheck: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spot-check",
        abstract: "抽查 / Spot checks: random samples, random inspectors, public results.",
        subcommands: [Create.self, Freeze.self, Draw.self, Assign.self, Worklist.self, Decide.self, Publish.self,
                      Reproduce.self, Sample.self, Show.self, List.self, Export.self, Exclude.self, Statistics.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a campaign (draft).")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Title.") var title: String
        @Option(help: "records, certificates or organizations.") var unit: String = "records"
        @Option(help: "First day of the period, YYYY-MM-DD.") var from: String?
        @Option(help: "Last day of the period, YYYY-MM-DD.") var to: String?
        @Option(help: "Organization in scope (统一社会信用代码); repeat for several.") var org: [String] = []
        @Option(help: "Region code in scope (330106 county, 330100 city, 330000 province); repeat for several.") var region: [String] = []
        @Option(help: "Only records or certificates of at least this many hours.") var minHours: Double?
        @Option(help: "Sample size.") var size: Int?
        @Option(help: "Sample rate, e.g. 0.05.") var rate: Double?
        @Option(help: "Tolerable deviation rate: size by attribute sampling, e.g. 0.05.") var tolerable: Double?
        @Option(help: "Confidence with --tolerable (default 0.95).") var confidence: Double?
        @Option(help: "Expected deviations with --tolerable (default 0).") var expected: Int?
        @Option(help: "Organizations: county (3 %), city (4 %) or province (5 %).") var level: String?
        @Flag(help: "Allocate proportionally over organizations, at least one each.") var stratified = false
        @Option(help: "none, hours, risk or hours_and_risk.") var weighting: String = "none"
        @Option(help: "Organizations: records drawn within each (default 5).") var recordsPerOrg: Int?
        @Option(help: "Inspectors per sampled unit (default 2).") var inspectorsPerUnit: Int?

        func run() async throws {
            guard let unit = SpotCheckUnit(rawValue: unit) else {
                throw ValidationError("--unit must be records, certificates or organizations")
            }
            guard let weighting = SpotCheckWeighting(rawValue: weighting) else {
                throw ValidationError("--weighting must be none, hours, risk or hours_and_risk")
            }
            let level = try level.map { text -> SpotCheckLevel in
                guard let value = SpotCheckLevel(rawValue: text) else { throw ValidationError("--level must be county, city or province") }
                return value
            }
            let campaign = try await withLedger(database) { ledger in
                var organizationIds: [Int64] = []
                for code in org { organizationIds.append(try await ledger.organization(creditCode: code).id) }
                let scope = SpotCheckScope(from: try from.map(parseDay), to: try to.map(parseDay), organizationIds: organizationIds,
                                           regionCodes: region, minimumMinutes: minHours.map { Int(($0 * 60).rounded()) })
                return try await ledger.createSpotCheck(
                    SpotCheckInput(title: title, unit: unit, scope: scope,
                                   sampleSize: SampleSizeRule(size: size, rate: rate, tolerableRate: tolerable, confidence: confidence,
                                                              expectedDeviations: expected, level: level),
                                   stratified: stratified, weighting: weighting, recordsPerOrganization: recordsPerOrg,
                                   inspectorsPerUnit: inspectorsPerUnit),
                    by: .localOperator)
            }
            print("created spot check #\(campaign.id) \(campaign.title) (draft); next: vledger spot-check freeze \(campaign.id)")
        }
    }

    struct Freeze: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Freeze the population and show its SHA-256 digest, before any seed exists.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Campaign id.") var id: Int64

        func run() async throws {
            let campaign = try await withLedger(database) { try await $0.freezeSpotCheck(id: id, by: .localOperator) }
            print("population frozen: \(campaign.populationSize ?? 0) \(campaign.unit.rawValue)"
                  + (campaign.secondStageSize.map { " (\($0) records within them)" } ?? ""))
            print("population SHA-256: \(campaign.populationDigest ?? "")")
            print("sample size: \(campaign.sampleSize ?? 0)" + (campaign.sizeMethod.map { " (\($0.rawValue))" } ?? ""))
            print("publish the digest, then roll the dice: vledger spot-check draw \(id) --seed DIGITS")
        }
    }

    struct Draw: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enter the seed (e.g. 20 digits from public dice rolls) and draw the sample.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Campaign id.") var id: Int64
        @Option(help: "The seed: 20 to 64 digits.") var seed: String

        func run() async throws {
            let detail = try await withLedger(database) { try await $0.drawSpotCheck(id: id, seed: seed, by: .localOperator) }
            print("stage\torder\tid\torganization\tticket")
            for entry in detail.sample {
                print("\(entry.unit.stage)\t\(entry.unit.order)\t\(entry.unit.id)\t\(entry.unit.stratum)\t\(ConsistentSampler.trim(entry.unit.ticket))")
            }
            printError("drew \(detail.sample.count) units with seed \(detail.campaign.seed ?? ""); next: vledger spot-check assign \(id)")
        }
    }

    struct Assign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Assign inspectors at random to every sampled unit.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Campaign id.") var id: Int64

        func run() async throws {
            let detail = try await withLedger(database) { try await $0.assignSpotCheck(id: id, by: .localOperator) }
            var teams: [(String, [Int64])] = []
            for assignment in detail.assignments {
                if teams.last?.0 == assignment.unitId { teams[teams.count - 1].1.append(assignment.inspectorId) } else {
                    teams.append((assignment.unitId, [assignment.inspectorId]))
                }
            }
            print("unit\tinspectors")
            for (unit, inspectors) in teams { print("\(unit)\t\(inspectors.map(String.init).joined(separator: ","))") }
            var loads: [Int64: Int] = [:]
            for assignment in detail.assignments { loads[assignment.inspectorId, default: 0] += 1 }
            printError("workloads: " + loads.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", "))
        }
    }

    struct Worklist: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "An inspector's worklist: what to check, with the record's history.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "The inspector's username.") var inspector: String
        @Flag(help: "Only items not yet decided.") var open = false

        func run() async throws {
            try await withLedger(database) { ledger in
                guard let account = try await ledger.store.read({ try $0.user(username: inspector) }), account.role == .inspector else {
                    throw ValidationError("no inspector account \(inspector)")
                }
                let items = try await ledger.spotCheckWorklist(inspectorId: account.id, includeDecided: !open, by: .localOperator)
                for item in items {
                    let zone = item.organization.timeZone
                    print("— 抽查 #\(item.campaign.id) \(item.campaign.title) · item \(item.itemId)"
                          + (item.finding.map { " · 已登记 \($0.outcome.chineseLabel)" } ?? " · 待核查 open"))
                    print("  organization: \(item.organization.name) (\(item.organization.creditCode)), contact \(item.organization.contactName) \(item.organization.contactPhone)")
                    print("  team: \(item.team.map(String.init).joined(separator: ", "))")
                    if let volunteer = item.volunteer {
                        print("  volunteer: \(volunteer.name) (\(volunteer.number)), phone \(volunteer.phone)")
                    }
                    if let activity = item.activity {
                        print("  activity #\(activity.id) \(activity.title) at \(activity.place), \(LocalDateTime(activity.startAt, in: zone)) to \(LocalDateTime(activity.endAt, in: zone)), leader \(activity.leader)")
                    }
                    if let record = item.record {
                        print("  record #\(record.id): \(LocalDateTime(record.startAt, in: zone)) to \(LocalDateTime(record.endAt, in: zone)), \(HoursFormat.hours(fromMinutes: record.minutes)) h\(record.isLate ? ", late" : "")\(record.isVoid ? ", void" : "")")
                        for revision in item.history {
                            print("    rev \(revision.revision) \(revision.kind.rawValue) \(LocalDateTime(revision.at, in: zone)): \(HoursFormat.hours(fromMinutes: revision.minutes)) h \(revision.reason)")
                        }
                    }
                    if let certificate = item.certificate {
                        print("  certificate \(certificate.groupedSerial): \(HoursFormat.hours(fromMinutes: certificate.minutes)) h, \(certificate.recordCount) records, issued by \(certificate.issuerName)")
                    }
                }
                printError("\(items.count) items")
            }
        }
    }

    struct Decide: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record the finding on one item.",
            discussion: "Checklist items are given as --check NAME=yes|no: fields-complete, recorded-in-time, hours-match, not-paid-or-duty, certificate-verifiable, no-fee-charged.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Campaign id.") var id: Int64
        @Option(help: "The item (record id or certificate serial).") var item: String
        @Option(help: "confirmed (属实), discrepancy (不属实) or unverifiable (无法核实).") var outcome: String
        @Option(help: "hours_overstated, hours_understated, did_not_serve, activity_not_held or other.") var discrepancy: String?
        @Option(help: "The hours the inspectors established.") var correctedHours: Double?
        @Option(help: "Notes.") var notes: String?
        @Option(help: "Checklist answer NAME=yes|no; repeat.") var check: [String] = []
        @Option(help: "Record as this inspector (username); default: the operator, with platform rights.") var inspector: String?

        func run() async throws {
            guard let outcome = FindingOutcome(rawValue: outcome) else {
                throw ValidationError("--outcome must be confirmed, discrepancy or unverifiable")
            }
            let kind = try discrepancy.map { text -> DiscrepancyKind in
                guard let kind = DiscrepancyKind(rawValue: text) else {
                    throw ValidationError("--discrepancy must be one of \(DiscrepancyKind.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return kind
            }
            let checklist = try Self.checklist(check)
            let finding = try await withLedger(database) { ledger in
                var principal = Principal.localOperator
                if let inspector {
                    guard let account = try await ledger.store.read({ try $0.user(username: inspector) }) else {
                        throw ValidationError("no account \(inspector)")
                    }
                    principal = Principal(account)
                }
                return try await ledger.decideSpotCheckItem(
                    campaignId: id,
                    FindingInput(item: item, outcome: outcome, discrepancy: kind,
                                 correctedMinutes: correctedHours.map { Int(($0 * 60).rounded()) }, notes: notes, checklist: checklist),
                    by: principal)
            }
            print("item \(finding.itemId): \(finding.outcome.chineseLabel) \(finding.outcome.rawValue)"
                  + (finding.discrepancy.map { " (\($0.chineseLabel))" } ?? "")
                  + (finding.correctionRevision.map { "; revision \($0) appended to record \(finding.itemId)" } ?? "")
                  + (finding.correctionNote.isEmpty ? "" : "; \(finding.correctionNote)"))
        }

        static func checklist(_ answers: [String]) throws -> InspectionChecklist {
            var checklist = InspectionChecklist()
            for answer in answers {
                let parts = answer.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2, ["yes", "no"].contains(parts[1]) else { throw ValidationError("--check \(answer): use NAME=yes or NAME=no") }
                let value = parts[1] == "yes"
                switch parts[0] {
                case "fields-complete": checklist.fieldsComplete = value
                case "recorded-in-time": checklist.recordedInTime = value
                case "hours-match": checklist.hoursMatch = value
                case "not-paid-or-duty": checklist.notPaidOrDuty = value
                case "certificate-verifiable": checklist.certificateVerifiable = value
                case "no-fee-charged": checklist.noFeeCharged = value
                default: throw ValidationError("--check \(parts[0]): unknown checklist item")
                }
            }
            return checklist
        }
    }

    struct Publish: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Publish a campaign whose items are all decided; write its JSON, CSV and HTML.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Campaign id.") var id: Int64
        @Option(help: "Folder for spot-check-ID.json, .csv and .html (default: none written).") var out: String?

        func run() async throws {
            let publication = try await withLedger(database) { ledger in
                _ = try await ledger.publishSpotCheck(id: id, by: .localOperator)
                return try await ledger.spotCheckPublication(id: id)
            }
            let r = publication.results
            print("published spot check #\(id): \(r.items) items, \(r.confirmed) confirmed, \(r.discrepancies) discrepancies, \(r.unverifiable) unverifiable")
            if let out { try SpotCheckFiles.write(publication, to: out) }
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write a published campaign's JSON, CSV and HTML.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Campaign id.") var id: Int64
        @Option(help: "Folder to write to.") var out: String = "."

        func run() async throws {
            let publication = try await withLedger(database) { try await $0.spotCheckPublication(id: id) }
            try SpotCheckFiles.write(publication, to: out)
        }
    }

    struct Reproduce: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-derive the sample and the assignments from the published data alone and say whether they match.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "A publication JSON file (from the public page or spot-check export).") var file: String?
        @Option(help: "Instead of a file: the published campaign with this id in the database.") var campaign: Int64?

        func run() async throws {
            let publication: SpotCheckPublication
            if let file {
                do {
                    publication = try JSONDecoder().decode(SpotCheckPublication.self, from: Data(contentsOf: URL(fileURLWithPath: file)))
                } catch {
                    throw ValidationError("\(file): not a spot-check publication: \(error.localizedDescription)")
                }
            } else if let campaign {
                publication = try await withLedger(database) { try await $0.spotCheckPublication(id: campaign) }
            } else {
                throw ValidationError("give a publication file or --campaign ID")
            }
            let report = SpotCheckReproduction.check(publication)
            print("population: \(publication.population.size) units, SHA-256 \(publication.population.digest): \(report.digestMatches ? "matches" : "DOES NOT MATCH")")
            print("sample: \(publication.sample.count) units re-derived with seed \(publication.seed): \(report.sampleMatches ? "matches" : "DOES NOT MATCH")")
            print("assignments: \(publication.assignments.count) teams: \(report.assignmentsMatch ? "match" : "DO NOT MATCH")")
            for difference in report.differences { print("  \(difference)") }
            print(report.matches ? "一致 / reproduced: the published sample and assignments follow from the published data"
                                 : "不一致 / NOT reproduced")
            if !report.matches { throw ExitCode(1) }
        }
    }

    struct Sample: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Draw from a plain list of ids with consistent sampling (the public tool).",
            discussion: """
                Reads ids one per line (UTF-8; a BOM, carriage returns before line feeds and empty lines are ignored) and \
                prints the sampled ids one per line in draw order, nothing else: the same as \
                `consistent_sampler.sampler(ids, seed, with_replacement, take=size, output='id')` from PyPI.
                """)
        @Option(help: "The seed, exactly as published.") var seed: String
        @Option(help: "File of ids, one per line.") var ids: String
        @Option(help: "Number of ids to draw.") var size: Int
        @Flag(help: "Sample with replacement (ids may repeat).") var withReplacement = false

        func run() async throws {
            guard size >= 0 else { throw ValidationError("--size must be 0 or more") }
            let list = try SpotCheckFiles.readIds(ids)
            let drawn: [ConsistentSampler.Draw]
            do {
                drawn = try ConsistentSampler(seed: seed).sample(list, size: size, withReplacement: withReplacement)
            } catch {
                throw SampleFailure(description: "\(ids): \(error)")
            }
            var output = Data()
            for draw in drawn { output.append(contentsOf: Array((draw.id + "\n").utf8)) }
            FileHandle.standardOutput.write(output)
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A campaign's status, population digest, seed and progress.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Campaign id.") var id: Int64

        func run() async throws {
            let detail = try await withLedger(database) { try await $0.spotCheck(id: id, by: .localOperator) }
            let c = detail.campaign
            print("#\(c.id) \(c.title) [\(c.status.rawValue)] \(c.unit.rawValue)")
            print("population: \(c.populationSize.map(String.init) ?? "-") SHA-256 \(c.populationDigest ?? "-")")
            print("sample size: \(c.sampleSize.map(String.init) ?? "-"), seed: \(c.seed ?? "-")")
            print("items open: \(detail.openItems), findings: \(detail.findings.count)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List campaigns.")
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let page = try await withLedger(database) { try await $0.spotChecks(after: nil, limit: 500, by: .localOperator) }
            print("id\tstatus\tunit\tpopulation\tsample\ttitle")
            for c in page.items {
                print("\(c.id)\t\(c.status.rawValue)\t\(c.unit.rawValue)\t\(c.populationSize.map(String.init) ?? "")\t\(c.sampleSize.map(String.init) ?? "")\t\(c.title)")
            }
        }
    }

    struct Exclude: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record an inspector's affiliation with, or conflict of interest with, an organization (回避).")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "The inspector's username.") var inspector: String
        @Option(help: "Organization (统一社会信用代码).") var org: String
        @Option(help: "affiliation or conflict.") var kind: String = "conflict"
        @Option(help: "Why.") var reason: String?
        @Flag(help: "Withdraw instead of recording.") var remove = false

        func run() async throws {
            guard let kind = ExclusionKind(rawValue: kind) else { throw ValidationError("--kind must be affiliation or conflict") }
            try await withLedger(database) { ledger in
                guard let account = try await ledger.store.read({ try $0.user(username: inspector) }) else {
                    throw ValidationError("no account \(inspector)")
                }
                let organization = try await ledger.organization(creditCode: org)
                if remove {
                    try await ledger.removeInspectorExclusion(inspectorId: account.id, organizationId: organization.id, kind: kind,
                                                              by: .localOperator)
                    print("withdrawn: \(inspector) \(kind.rawValue) \(organization.name)")
                } else {
                    _ = try await ledger.declareInspectorExclusion(
                        ExclusionInput(inspectorId: account.id, organizationId: organization.id, kind: kind, reason: reason),
                        by: .localOperator)
                    print("recorded: \(inspector) will not check \(organization.name) (\(kind.rawValue))")
                }
            }
        }
    }

    struct Statistics: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Share of organizations checked (抽查率) and of campaigns published (公示率).")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Year the samples were drawn (default: all).") var year: Int?

        func run() async throws {
            let s = try await withLedger(database) { try await $0.spotCheckStatistics(year: year) }
            print(String(format: "抽查率 organizations checked: %d of %d (%.1f %%)", s.organizationsChecked, s.organizations, s.checkRate * 100))
            print(String(format: "公示率 campaigns published: %d of %d drawn (%.1f %%)", s.campaignsPublished, s.campaignsDrawn, s.publicationRate * 100))
        }
    }
}

/// A sampling failure, reported on standard error without the usage text.
struct SampleFailure: Error, CustomStringConvertible {
    var description: String
}

/// Files of the spot-check commands.
enum SpotCheckFiles {
    /// Ids one per line: UTF-8, a leading BOM dropped, `\r\n` read as `\n`, empty lines skipped.
    static func readIds(_ path: String) throws -> [String] {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw ValidationError("\(path): cannot read: \(error.localizedDescription)")
        }
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ValidationError("\(path): not UTF-8")
        }
        var ids: [String] = []
        for line in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
            var line = line
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            if !line.isEmpty { ids.append(String(decoding: line, as: UTF8.self)) }
        }
        return ids
    }

    static func write(_ publication: SpotCheckPublication, to folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let base = URL(fileURLWithPath: folder).appendingPathComponent("spot-check-\(publication.campaign.id)")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        try encoder.encode(publication).write(to: base.appendingPathExtension("json"))
        var csv = CSVWriter()
        for row in publication.csvRows { csv.writeRow(row) }
        try csv.data.write(to: base.appendingPathExtension("csv"))
        try Data(SpotCheckPage.html(publication).utf8).write(to: base.appendingPathExtension("html"))
        print("wrote \(base.path).json, .csv and .html")
    }
}
