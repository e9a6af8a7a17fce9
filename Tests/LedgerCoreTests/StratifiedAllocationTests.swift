import Testing
@testable import LedgerCore

/// Proportional allocation over organizations with at least one item each.
struct StratifiedAllocationTests {
    @Test func allocationsAndSamplesMatchTheReferenceScript() throws {
        let vectors = SpotCheckVectors.shared.stratified
        #expect(vectors.count >= 9)
        for vector in vectors {
            var sizes: [String: Int] = [:]
            for stratum in vector.strata { sizes[stratum, default: 0] += 1 }
            let strata = vector.strataOrder.map { StratifiedAllocation.Stratum(key: $0, size: sizes[$0]!) }
            #expect(StratifiedAllocation.allocate(vector.size, over: strata) == vector.allocation, "n = \(vector.size)")

            let population = zip(vector.ids, vector.strata).map { PopulationMember(id: $0, stratum: $1) }
            let design = SpotCheckDesign(unit: .records, sampleSize: vector.size, stratified: true, weighting: .none,
                                         recordsPerOrganization: 0, inspectorsPerUnit: 2)
            let draw = try SpotCheckDrawing.draw(population: population, seed: vector.seed, design: design)
            #expect(draw.units.map(\.id) == vector.sample, "seed \(vector.seed), n = \(vector.size)")
        }
    }

    @Test func everyStratumGetsOneEvenWhenTheSampleIsSmaller() {
        let strata = ["A", "B", "C", "D"].map { StratifiedAllocation.Stratum(key: $0, size: 50) }
        #expect(StratifiedAllocation.allocate(2, over: strata) == [1, 1, 1, 1])
    }

    @Test func allocationIsProportionalAndAddsUp() {
        let strata = [("big", 900), ("mid", 90), ("small", 10)].map { StratifiedAllocation.Stratum(key: $0.0, size: $0.1) }
        let allocation = StratifiedAllocation.allocate(100, over: strata)
        #expect(allocation.reduce(0, +) == 100)
        #expect(allocation == [90, 9, 1])
        // Never more than a stratum holds, even for a census.
        #expect(StratifiedAllocation.allocate(5000, over: strata) == [900, 90, 10])
    }
}
