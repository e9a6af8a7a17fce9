/// The second random draw (第二个随机): which inspectors check which sampled unit.
///
/// Reproducible from the seed alone: each (unit, inspector) pair has a consistent-sampler ticket for the
/// id `unit|inspector` under the campaign's seed. Units are staffed in draw order, each with the
/// `perUnit` eligible inspectors of least load so far, lower pair ticket first among equal loads. An
/// inspector is eligible unless affiliated with, or in declared conflict with (回避), the unit's
/// organization. Then, while an inspector has at least two units more than another and a chain of
/// exchanges can move one unit from the first to the second, the shortest such chain is applied
/// (breadth first: busiest inspector first, then pool order; a chain step hands one of an inspector's
/// units, in draw order, to an eligible inspector not yet on it). Without conflicts in the way, no
/// inspector ends with more than one unit more than another.
public enum InspectorAssignment {
    public struct Unit: Sendable, Hashable {
        public var id: String
        /// The organization the unit belongs to (credit code).
        public var organization: String
        public init(id: String, organization: String) {
            self.id = id
            self.organization = organization
        }
    }

    public struct Inspector: Sendable, Hashable {
        /// The inspector's public key in the campaign (their account id).
        public var key: String
        /// Organizations they may not check: affiliations and declared conflicts.
        public var excluded: Set<String>
        public init(key: String, excluded: Set<String>) {
            self.key = key
            self.excluded = excluded
        }
    }

    public struct Result: Sendable, Hashable {
        /// Inspector keys per unit, in the order of the units.
        public var teams: [[String]]
        /// Units per inspector key, every pool member included.
        public var loads: [String: Int]
        /// Whether no inspector has more than one unit more than another.
        public var isBalanced: Bool {
            guard let high = loads.values.max(), let low = loads.values.min() else { return true }
            return high - low <= 1
        }
    }

    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case notEnoughEligibleInspectors(unit: String, eligible: Int, needed: Int)
        case duplicateInspector(String)

        public var description: String {
            switch self {
            case .notEnoughEligibleInspectors(let unit, let eligible, let needed):
                "抽查对象 \(unit) 只有 \(eligible) 名无需回避的检查人员，需要 \(needed) 名 / unit \(unit) has \(eligible) eligible inspectors, \(needed) needed"
            case .duplicateInspector(let key):
                "检查人员 \(key) 重复 / inspector \(key) appears twice in the pool"
            }
        }
    }

    /// Staffs `units` (in draw order) from `pool` (in pool order) with `perUnit` inspectors each.
    public static func assign(units: [Unit], pool: [Inspector], perUnit: Int, seed: String) throws(Failure) -> Result {
        var seen = Set<String>()
        for inspector in pool where !seen.insert(inspector.key).inserted { throw .duplicateInspector(inspector.key) }
        let sampler = ConsistentSampler(seed: seed)
        var loads = [Int](repeating: 0, count: pool.count)
        var teams: [[Int]] = []
        teams.reserveCapacity(units.count)
        for unit in units {
            let eligible = pool.indices.filter { !pool[$0].excluded.contains(unit.organization) }
            guard eligible.count >= perUnit else {
                throw .notEnoughEligibleInspectors(unit: unit.id, eligible: eligible.count, needed: perUnit)
            }
            let ranked = eligible.map { (index: $0, ticket: Array(sampler.firstTicket(pairId(unit: unit.id, inspector: pool[$0].key)).utf8)) }
                .sorted { a, b in
                    if loads[a.index] != loads[b.index] { return loads[a.index] < loads[b.index] }
                    if a.ticket != b.ticket { return a.ticket.lexicographicallyPrecedes(b.ticket) }
                    return a.index < b.index
                }
            let team = ranked.prefix(perUnit).map(\.index)
            for member in team { loads[member] += 1 }
            teams.append(team)
        }
        rebalance(units: units, pool: pool, teams: &teams, loads: &loads)
        var byKey: [String: Int] = [:]
        for (index, inspector) in pool.enumerated() { byKey[inspector.key] = loads[index] }
        return Result(teams: teams.map { $0.map { pool[$0].key } }, loads: byKey)
    }

    /// The id whose ticket ranks an inspector for a unit.
    public static func pairId(unit: String, inspector: String) -> String { "\(unit)|\(inspector)" }

    /// Moves units along exchange chains from busier to idler inspectors until none is possible.
    private static func rebalance(units: [Unit], pool: [Inspector], teams: inout [[Int]], loads: inout [Int]) {
        while let chain = improvingChain(units: units, pool: pool, teams: teams, loads: loads) {
            // chain: (unit, from, to) steps from the busy inspector to the idle one.
            for step in chain {
                let position = teams[step.unit].firstIndex(of: step.from)!
                teams[step.unit][position] = step.to
            }
            loads[chain.first!.from] -= 1
            loads[chain.last!.to] += 1
        }
    }

    private struct Step { var unit: Int; var from: Int; var to: Int }

    private static func improvingChain(units: [Unit], pool: [Inspector], teams: [[Int]], loads: [Int]) -> [Step]? {
        guard let lowest = loads.min() else { return nil }
        var unitsOf = [[Int]](repeating: [], count: pool.count)
        for (unit, team) in teams.enumerated() {
            for member in team { unitsOf[member].append(unit) }
        }
        let sources = pool.indices.filter { loads[$0] >= lowest + 2 }
            .sorted { loads[$0] != loads[$1] ? loads[$0] > loads[$1] : $0 < $1 }
        for source in sources {
            var reachedBy = [Step?](repeating: nil, count: pool.count)
            var visited = [Bool](repeating: false, count: pool.count)
            visited[source] = true
            var queue = [source]
            var head = 0
            while head < queue.count {
                let current = queue[head]
                head += 1
                for unit in unitsOf[current] {
                    for candidate in pool.indices where !visited[candidate]
                        && !pool[candidate].excluded.contains(units[unit].organization)
                        && !teams[unit].contains(candidate) {
                        visited[candidate] = true
                        reachedBy[candidate] = Step(unit: unit, from: current, to: candidate)
                        if loads[candidate] <= loads[source] - 2 {
                            var chain: [Step] = []
                            var at = candidate
                            while let step = reachedBy[at] {
                                chain.append(step)
                                at = step.from
                            }
                            return chain.reversed()
                        }
                        queue.append(candidate)
                    }
                }
            }
        }
        return nil
    }
}
