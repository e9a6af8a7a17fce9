import Crypto
import Foundation

/// A unit of the sample: where it came in the draw, which member it is, and its ticket.
public struct DrawnUnit: Codable, Sendable, Hashable {
    /// 1-based position in its stage's draw (stage 2: within its organization).
    public var order: Int
    public var stage: Int
    public var id: String
    public var stratum: String
    /// The generation-1 ticket at full precision.
    public var ticket: String
    /// `-ln(U) / weight` in weighted campaigns.
    public var weightedKey: Double?

    public init(order: Int, stage: Int, id: String, stratum: String, ticket: String, weightedKey: Double?) {
        self.order = order
        self.stage = stage
        self.id = id
        self.stratum = stratum
        self.ticket = ticket
        self.weightedKey = weightedKey
    }
}

/// The sample of a campaign, derived from the frozen population and the seed alone.
public struct SpotCheckDraw: Sendable, Hashable {
    /// Stage-1 units in draw order, then (organization campaigns) each sampled organization's records.
    public var units: [DrawnUnit]
    /// Stratified campaigns: the sample size per stratum.
    public var allocation: [String: Int]

    /// The units inspectors are assigned to: the stage-1 draw.
    public var assignmentUnits: [DrawnUnit] { units.filter { $0.stage == 1 } }

    /// The units inspected one finding each: stage 2 of organization campaigns, stage 1 otherwise.
    public func inspectedUnits(_ unit: SpotCheckUnit) -> [DrawnUnit] {
        units.filter { $0.stage == (unit == .organizations ? 2 : 1) }
    }
}

/// The deterministic path from (frozen population, seed, design) to the sample.
public enum SpotCheckDrawing {
    public static func draw(population: [PopulationMember], seed: String, design: SpotCheckDesign) throws(SamplingError) -> SpotCheckDraw {
        let sampler = ConsistentSampler(seed: seed)
        let weighted = design.weighting != .none
        // Organizations are drawn with equal chances; weights apply to records and certificates.
        let weightedFirst = weighted && design.unit != .organizations
        let first = population.filter { $0.stage == 1 }
        var allocation: [String: Int] = [:]
        var chosen: [DrawnUnit]
        if design.unit != .organizations, design.stratified {
            var sizes: [String: Int] = [:]
            var strata: [String] = []
            for member in first {
                if sizes[member.stratum] == nil { strata.append(member.stratum) }
                sizes[member.stratum, default: 0] += 1
            }
            let quotas = StratifiedAllocation.allocate(
                design.sampleSize, over: strata.map { StratifiedAllocation.Stratum(key: $0, size: sizes[$0]!) })
            for (stratum, quota) in zip(strata, quotas) { allocation[stratum] = quota }
            var remaining = allocation
            chosen = []
            for ranked in try rank(first, weighted: weightedFirst, sampler: sampler) {
                let member = first[ranked.index]
                guard remaining[member.stratum, default: 0] > 0 else { continue }
                remaining[member.stratum]! -= 1
                chosen.append(unit(member, ranked, order: chosen.count + 1))
                if chosen.count == quotas.reduce(0, +) { break }
            }
        } else if weightedFirst {
            chosen = try rank(first, weighted: true, sampler: sampler).prefix(design.sampleSize).enumerated().map { offset, ranked in
                unit(first[ranked.index], ranked, order: offset + 1)
            }
        } else {
            chosen = try sampler.lowest(min(design.sampleSize, first.count), of: first.map(\.id)).enumerated().map { offset, draw in
                unit(first[draw.index], SampleOrder.Ranked(index: draw.index, ticket: draw.ticket, weightedKey: nil), order: offset + 1)
            }
        }
        if design.unit == .organizations {
            var recordsByOrganization: [String: [PopulationMember]] = [:]
            for member in population where member.stage == 2 { recordsByOrganization[member.stratum, default: []].append(member) }
            var second: [DrawnUnit] = []
            for organization in chosen {
                let records = recordsByOrganization[organization.id] ?? []
                let ranked = try rank(records, weighted: weighted, sampler: sampler).prefix(design.recordsPerOrganization)
                for (offset, entry) in ranked.enumerated() {
                    second.append(unit(records[entry.index], entry, order: offset + 1))
                }
            }
            chosen += second
        }
        return SpotCheckDraw(units: chosen, allocation: allocation)
    }

    private static func rank(_ members: [PopulationMember], weighted: Bool, sampler: ConsistentSampler) throws(SamplingError) -> [SampleOrder.Ranked] {
        weighted
            ? try SampleOrder.byWeightedKey(members.map(\.id), weights: members.map(\.weight), sampler: sampler)
            : try SampleOrder.byTicket(members.map(\.id), sampler: sampler)
    }

    private static func unit(_ member: PopulationMember, _ ranked: SampleOrder.Ranked, order: Int) -> DrawnUnit {
        DrawnUnit(order: order, stage: member.stage, id: member.id, stratum: member.stratum, ticket: ranked.ticket,
                  weightedKey: ranked.weightedKey)
    }
}

/// The published form of a frozen population and its SHA-256 digest.
public enum PopulationText {
    /// One line per member, `id TAB organization TAB weight TAB stage`, each ending in a line feed:
    /// `sha256sum` of this text is the campaign's population digest.
    public static func text(_ members: [PopulationMember]) -> String {
        members.map { $0.line + "\n" }.joined()
    }

    public static func digest(_ members: [PopulationMember]) -> String {
        var hasher = SHA256()
        for member in members { hasher.update(data: Array((member.line + "\n").utf8)) }
        return hasher.finalize().hexString
    }

    /// Parses the published lines (without line feeds).
    public static func members(lines: [String]) -> [PopulationMember]? {
        var members: [PopulationMember] = []
        members.reserveCapacity(lines.count)
        for line in lines {
            guard let member = PopulationMember(line: line) else { return nil }
            members.append(member)
        }
        return members
    }
}
