import Testing
@testable import LedgerCore

/// Attribute-sampling sizes and tolerable-rate decisions, checked against scipy.
struct AttributeSampleSizeTests {
    @Test func theAuditorsTableValues() {
        #expect(AttributeSampling.binomialSize(tolerableRate: 0.05, confidence: 0.95, expectedDeviations: 0) == 59)
        #expect(AttributeSampling.binomialSize(tolerableRate: 0.05, confidence: 0.95, expectedDeviations: 1) == 93)
        #expect(AttributeSampling.binomialSize(tolerableRate: 0.10, confidence: 0.95, expectedDeviations: 0) == 29)
    }

    @Test func sizesMatchScipy() {
        let vectors = SpotCheckVectors.shared.sampleSizes
        #expect(vectors.count >= 60)
        for v in vectors {
            #expect(AttributeSampling.binomialSize(tolerableRate: v.tolerable, confidence: v.confidence,
                                                   expectedDeviations: v.expected) == v.binomial, "\(v)")
            #expect(AttributeSampling.hypergeometricSize(tolerableRate: v.tolerable, confidence: v.confidence,
                                                         expectedDeviations: v.expected, population: v.population)
                    == v.hypergeometric, "\(v)")
        }
    }

    @Test func smallPopulationsUseTheHypergeometricSize() {
        let large = AttributeSampling.plan(tolerableRate: 0.05, confidence: 0.95, expectedDeviations: 0, population: 100_000)
        #expect(large.method == .binomial)
        #expect(large.size == 59)
        let small = AttributeSampling.plan(tolerableRate: 0.05, confidence: 0.95, expectedDeviations: 0, population: 250)
        #expect(small.method == .hypergeometric)
        #expect(small.size == 51)
    }

    @Test func theToleranceIsExceededOnlyWhenTheUpperBoundPassesIt() {
        let plan = AttributeSampling.plan(tolerableRate: 0.05, confidence: 0.95, expectedDeviations: 1, population: 100_000)
        #expect(plan.size == 93)
        #expect(!AttributeSampling.tolerableRateExceeded(deviations: 0, sampleSize: 93, plan: plan))
        #expect(!AttributeSampling.tolerableRateExceeded(deviations: 1, sampleSize: 93, plan: plan))
        #expect(AttributeSampling.tolerableRateExceeded(deviations: 2, sampleSize: 93, plan: plan))
        let bound = AttributeSampling.upperBound(deviations: 1, sampleSize: 93, confidence: 0.95, method: .binomial, population: 100_000)
        #expect(bound < 0.05 && bound > 0.04)
    }

    @Test func sizeRulesResolveAgainstThePopulation() {
        #expect(SampleSizeRule(size: 30).resolve(population: 12).size == 12)
        #expect(SampleSizeRule(rate: 0.03).resolve(population: 100).size == 3)
        #expect(SampleSizeRule(level: .county).resolve(population: 101).size == 4)
        #expect(SampleSizeRule(level: .province).resolve(population: 10).size == 1)
        let attribute = SampleSizeRule(tolerableRate: 0.05).resolve(population: 5000)
        #expect(attribute.size == 59)
        #expect(attribute.plan?.method == .binomial)
    }
}
