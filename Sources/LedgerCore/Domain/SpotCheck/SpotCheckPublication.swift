import Crypto
import Foundation

/// The published results of a campaign (公示): everything needed to re-derive the sample and the
/// assignment, and the findings, without personal data (no names, document numbers or phones; record
/// ids, certificate serials, organization credit codes and inspector account ids only).
public struct SpotCheckPublication: Codable, Sendable, Hashable {
    public static let formatName = "vledger-spot-check-publication-v1"

    public struct Campaign: Codable, Sendable, Hashable {
        public var id: Int64
        public var title: String
        public var unit: SpotCheckUnit
        public var scope: Scope
        public var sampleSizeRule: SampleSizeRule
        public var sampleSize: Int
        public var sizeMethod: SampleSizeMethod?
        public var stratified: Bool
        public var weighting: SpotCheckWeighting
        public var recordsPerOrganization: Int
        public var inspectorsPerUnit: Int
    }

    public struct Scope: Codable, Sendable, Hashable {
        public var from: LocalDate?
        public var to: LocalDate?
        /// Credit codes of the organizations named (empty: all).
        public var organizations: [String]
        public var regionCodes: [String]
        public var minimumMinutes: Int?
    }

    /// ISO 8601 in China Standard Time.
    public struct Dates: Codable, Sendable, Hashable {
        public var created: String
        public var frozen: String?
        public var drawn: String?
        public var assigned: String?
        public var published: String?
    }

    public struct Population: Codable, Sendable, Hashable {
        public var size: Int
        public var secondStageSize: Int?
        /// SHA-256 of the lines, each followed by a line feed.
        public var digest: String
        /// `id TAB organization TAB weight TAB stage`, in the frozen order.
        public var lines: [String]
    }

    public struct Algorithm: Codable, Sendable, Hashable {
        public var sampling: String
        public var weighting: String
        public var allocation: String
        public var sampleSize: String
        public var assignment: String
        public var interval: String
    }

    public struct SampledUnit: Codable, Sendable, Hashable {
        public var stage: Int
        public var order: Int
        public var id: String
        public var organization: String
        /// The ticket number cut to 9 digits after its leading 9s, as `consistent-sampler` prints it.
        public var ticket: String
        public var weightedKey: Double?
    }

    public struct Allocation: Codable, Sendable, Hashable {
        public var organization: String
        public var population: Int
        public var sample: Int
    }

    public struct PoolMember: Codable, Sendable, Hashable {
        public var inspector: String
        public var excludedOrganizations: [String]
    }

    public struct Team: Codable, Sendable, Hashable {
        public var unit: String
        public var inspectors: [String]
    }

    public struct Finding: Codable, Sendable, Hashable {
        public var item: String
        public var organization: String
        public var outcome: FindingOutcome
        public var outcomeLabel: String
        public var discrepancy: DiscrepancyKind?
        public var discrepancyLabel: String?
        public var correctedHours: String?
        public var checklist: InspectionChecklist
        public var decided: String
    }

    public struct OrganizationResult: Codable, Sendable, Hashable {
        public var organization: String
        public var name: String
        public var items: Int
        public var confirmed: Int
        public var discrepancies: Int
        public var unverifiable: Int
    }

    public struct AttributeResult: Codable, Sendable, Hashable {
        public var tolerableRate: Double
        public var confidence: Double
        public var expectedDeviations: Int
        public var method: SampleSizeMethod
        /// Discrepancies plus unverifiable items: an item that cannot be verified counts against the population.
        public var deviations: Int
        public var sampleSize: Int
        /// One-sided upper confidence bound of the deviation rate.
        public var upperBound: Double
        public var tolerableRateExceeded: Bool
    }

    public struct Results: Codable, Sendable, Hashable {
        public var items: Int
        public var confirmed: Int
        public var discrepancies: Int
        public var unverifiable: Int
        /// Discrepancies among verified items (confirmed + discrepancies).
        public var discrepancyRate: Double?
        public var confidence: Double
        public var wilson: ProportionInterval?
        public var clopperPearson: ProportionInterval?
        public var attribute: AttributeResult?
    }

    public var format: String
    public var campaign: Campaign
    public var dates: Dates
    public var population: Population
    public var seed: String
    public var algorithm: Algorithm
    public var sample: [SampledUnit]
    public var allocation: [Allocation]
    public var inspectorPool: [PoolMember]
    public var assignments: [Team]
    public var findings: [Finding]
    public var byOrganization: [OrganizationResult]
    public var results: Results
    /// Where the population's freezing and the seed's drawing stand in the public transparency log: a lower index for
    /// the population shows it was fixed before the seed was known.
    public var transparencyLog: LogIndexes? = nil

    public struct LogIndexes: Codable, Sendable, Hashable {
        public var populationFrozen: Int?
        public var seedDrawn: Int?
        public var inspectorsAssigned: Int?
        public var findingsPublished: Int?
    }

    /// The text of the algorithms, as the README states them.
    public static let algorithm = Algorithm(
        sampling: "consistent-sampler 1.0.10 (Rivest): ticket = reversed decimal digits of SHA-256(hex(SHA-256(seed)) + id) after \"0.\"; lowest ticket first, without replacement",
        weighting: "weighted campaigns: key = -ln(U) / weight with U = the ticket read as an IEEE double; lowest key first. weight = minutes (hours), x2 if late, x2 if anomalous (risk)",
        allocation: "stratified campaigns: one per organization, the rest in proportion to (size - 1) by largest remainder; each organization's quota filled in ticket order",
        sampleSize: "attribute sampling: smallest n with P(X <= expected | n, tolerable) <= 1 - confidence, binomial; hypergeometric (D = ceil(tolerable x N)) when the binomial n exceeds N / 10",
        assignment: "units in draw order get the least-loaded eligible inspectors, ties by the ticket of \"unit|inspector\"; then exchange chains move units from inspectors with 2+ more to the least loaded",
        interval: "discrepancy rate over verified items; 95 % Wilson score and Clopper-Pearson intervals")

    /// Rows of the results CSV: one per inspected item.
    public var csvRows: [[String]] {
        var rows = [["campaign", "item", "organization", "outcome", "outcome_label", "discrepancy", "corrected_hours", "decided"]]
        for finding in findings {
            rows.append([String(campaign.id), finding.item, finding.organization, finding.outcome.rawValue, finding.outcomeLabel,
                         finding.discrepancy?.rawValue ?? "", finding.correctedHours ?? "", finding.decided])
        }
        return rows
    }
}

/// Re-derives a published campaign from the publication alone: the population digest, the sample and the
/// inspector assignment, and says where they differ.
public struct SpotCheckReproduction: Sendable, Hashable {
    public var digestMatches: Bool
    public var sampleMatches: Bool
    public var assignmentsMatch: Bool
    public var differences: [String]
    /// The sample and teams as re-derived.
    public var sample: [SpotCheckPublication.SampledUnit]
    public var assignments: [SpotCheckPublication.Team]

    public var matches: Bool { digestMatches && sampleMatches && assignmentsMatch }

    public static func check(_ publication: SpotCheckPublication) -> SpotCheckReproduction {
        var differences: [String] = []
        let members = PopulationText.members(lines: publication.population.lines) ?? []
        if members.count != publication.population.lines.count { differences.append("population lines are malformed") }
        var hasher = SHA256()
        for line in publication.population.lines { hasher.update(data: Array((line + "\n").utf8)) }
        let digest = hasher.finalize().hexString
        let digestMatches = digest == publication.population.digest
            && members.filter { $0.stage == 1 }.count == publication.population.size
        if !digestMatches {
            differences.append("population digest \(digest) (\(members.filter { $0.stage == 1 }.count) members) differs from the published \(publication.population.digest) (\(publication.population.size))")
        }
        let c = publication.campaign
        let design = SpotCheckDesign(unit: c.unit, sampleSize: c.sampleSize, stratified: c.stratified, weighting: c.weighting,
                                     recordsPerOrganization: c.recordsPerOrganization, inspectorsPerUnit: c.inspectorsPerUnit)
        var sample: [SpotCheckPublication.SampledUnit] = []
        var teams: [SpotCheckPublication.Team] = []
        do {
            let draw = try SpotCheckDrawing.draw(population: members, seed: publication.seed, design: design)
            sample = draw.units.map(SpotCheckPublication.SampledUnit.init)
            let units = draw.assignmentUnits.map { InspectorAssignment.Unit(id: $0.id, organization: $0.stratum) }
            let pool = publication.inspectorPool.map {
                InspectorAssignment.Inspector(key: $0.inspector, excluded: Set($0.excludedOrganizations))
            }
            if !publication.assignments.isEmpty || !pool.isEmpty {
                let result = try InspectorAssignment.assign(units: units, pool: pool, perUnit: c.inspectorsPerUnit, seed: publication.seed)
                teams = zip(units, result.teams).map { SpotCheckPublication.Team(unit: $0.id, inspectors: $1) }
            }
        } catch {
            differences.append("re-derivation failed: \(error)")
        }
        let sampleMatches = sample.map(\.key) == publication.sample.map(\.key)
        if !sampleMatches {
            let published = publication.sample.map(\.key), derived = sample.map(\.key)
            let first = zip(published, derived).enumerated().first { $0.element.0 != $0.element.1 }?.offset
                ?? min(published.count, derived.count)
            differences.append("sample differs at position \(first + 1): published \(published.count) units, re-derived \(derived.count)")
        }
        let assignmentsMatch = teams == publication.assignments
        if !assignmentsMatch {
            let first = zip(teams, publication.assignments).enumerated().first { $0.element.0 != $0.element.1 }?.offset
                ?? min(teams.count, publication.assignments.count)
            differences.append("assignments differ at unit \(first + 1)")
        }
        return SpotCheckReproduction(digestMatches: digestMatches, sampleMatches: sampleMatches, assignmentsMatch: assignmentsMatch,
                                     differences: differences, sample: sample, assignments: teams)
    }
}

extension SpotCheckPublication.SampledUnit {
    init(_ unit: DrawnUnit) {
        self.init(stage: unit.stage, order: unit.order, id: unit.id, organization: unit.stratum,
                  ticket: ConsistentSampler.trim(unit.ticket), weightedKey: unit.weightedKey)
    }

    /// What reproduction compares: stage, order, id, organization and the shown ticket.
    var key: String { "\(stage)|\(order)|\(id)|\(organization)|\(ticket)" }
}
