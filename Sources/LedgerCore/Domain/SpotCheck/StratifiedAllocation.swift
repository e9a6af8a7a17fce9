/// Proportional allocation of a sample over strata (organizations), at least one item per stratum.
///
/// With N items in H strata and n raised to H (and capped at N), stratum h of N_h items starts from
/// max(1, ⌊n·N_h / N⌋). While the total is short, one more goes to the stratum furthest below its quota
/// n·N_h / N (and not yet full); while it is over (the raises to one), one less comes from the stratum
/// furthest above its quota among those with two or more. Ties go to the larger stratum, then to the key
/// in byte order. All arithmetic is on integers.
public enum StratifiedAllocation {
    public struct Stratum: Sendable, Hashable {
        public var key: String
        public var size: Int
        public init(key: String, size: Int) {
            self.key = key
            self.size = size
        }
    }

    /// Items per stratum, in the order of `strata` (every size at least 1).
    public static func allocate(_ n: Int, over strata: [Stratum]) -> [Int] {
        guard !strata.isEmpty else { return [] }
        let total = strata.reduce(0) { $0 + $1.size }
        let size = min(max(n, strata.count), total)
        var allocation = strata.map { max(1, size * $0.size / total) }
        // a·N - n·N_h: how far a stratum is above (positive) or below its quota, in units of 1/N.
        func excess(_ h: Int) -> Int { allocation[h] * total - size * strata[h].size }
        func before(_ a: Int, _ b: Int) -> Bool {
            if strata[a].size != strata[b].size { return strata[a].size > strata[b].size }
            return Array(strata[a].key.utf8).lexicographicallyPrecedes(Array(strata[b].key.utf8))
        }
        var sum = allocation.reduce(0, +)
        while sum < size {
            let open = strata.indices.filter { allocation[$0] < strata[$0].size }
            let h = open.min { excess($0) != excess($1) ? excess($0) < excess($1) : before($0, $1) }!
            allocation[h] += 1
            sum += 1
        }
        while sum > size {
            let reducible = strata.indices.filter { allocation[$0] >= 2 }
            let h = reducible.min { excess($0) != excess($1) ? excess($0) > excess($1) : before($0, $1) }!
            allocation[h] -= 1
            sum -= 1
        }
        return allocation
    }
}
