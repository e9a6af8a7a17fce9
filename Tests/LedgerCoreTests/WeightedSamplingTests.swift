import Testing
@testable import LedgerCore

/// Probability-proportional-to-weight draws: key -ln(U) / weight, U from the consistent-sampler ticket.
struct WeightedSamplingTests {
    @Test func weightedOrdersMatchTheReferenceScript() throws {
        let vectors = SpotCheckVectors.shared.weighted
        #expect(vectors.count >= 6)
        for vector in vectors {
            let ranked = try SampleOrder.byWeightedKey(vector.ids, weights: vector.weights,
                                                       sampler: ConsistentSampler(seed: vector.seed))
            #expect(ranked.prefix(vector.take).map { vector.ids[$0.index] } == vector.sample, "seed \(vector.seed)")
        }
    }

    @Test func equalWeightsGiveTheOrderOfTheTickets() throws {
        // -ln(U) falls as U rises, so equal weights rank the highest tickets first: the reverse ticket order.
        let ids = (1...40).map(String.init)
        let sampler = ConsistentSampler(seed: "01382438112797316654")
        let weighted = try SampleOrder.byWeightedKey(ids, weights: Array(repeating: 7, count: 40), sampler: sampler).map(\.index)
        let plain = try SampleOrder.byTicket(ids, sampler: sampler).map(\.index)
        #expect(weighted == plain.reversed())
    }

    @Test func heavyIdsAreDrawnFarMoreOften() throws {
        // 10 ids of weight 100 among 100 ids: over 200 seeds they should fill most of a 10-item sample.
        let ids = (1...100).map { "R\($0)" }
        let weights = (1...100).map { $0 % 10 == 0 ? 100 : 1 }
        var heavyDrawn = 0
        for seed in 0..<200 {
            let ranked = try SampleOrder.byWeightedKey(ids, weights: weights, sampler: ConsistentSampler(seed: "seed-\(seed)"))
            heavyDrawn += ranked.prefix(10).filter { weights[$0.index] == 100 }.count
        }
        // Expected share is well above 80 %; plain sampling would give 10 %.
        #expect(heavyDrawn > 200 * 10 * 8 / 10)
    }

    @Test func nonPositiveWeightsAreRefused() {
        #expect(throws: SamplingError.invalidWeight(id: "b")) {
            try SampleOrder.byWeightedKey(["a", "b"], weights: [1, 0], sampler: ConsistentSampler(seed: "1"))
        }
    }

    @Test func riskDoublesForLateAndAgainForAnomalousRecords() {
        func record(minutes: Int, late: Bool, revision: Int) -> ServiceRecord {
            ServiceRecord(id: 1, volunteerId: 1, activityId: 1, organizationId: 1, startAt: .now, endAt: .now, minutes: minutes,
                          source: .manual, note: "", recordedBy: nil, recordedAt: .now, isLate: late, isVoid: false,
                          revision: revision)
        }
        #expect(RecordRisk.weight(record(minutes: 120, late: false, revision: 1), .hours) == 120)
        #expect(RecordRisk.weight(record(minutes: 120, late: true, revision: 1), .risk) == 2)
        #expect(RecordRisk.weight(record(minutes: 600, late: true, revision: 1), .risk) == 4)
        #expect(RecordRisk.weight(record(minutes: 120, late: false, revision: 2), .hoursAndRisk) == 240)
        #expect(RecordRisk.weight(record(minutes: 600, late: true, revision: 3), .none) == 1)
    }
}
