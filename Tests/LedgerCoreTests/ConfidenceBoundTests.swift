import Testing
@testable import LedgerCore

/// Upper bounds and two-sided intervals of the discrepancy rate, checked against scipy.
struct ConfidenceBoundTests {
    static func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-9) -> Bool {
        abs(a - b) <= tolerance * max(1, abs(b))
    }

    @Test func oneSidedUpperBoundsMatchScipy() {
        for v in SpotCheckVectors.shared.upperBounds {
            let binomial = AttributeSampling.upperBound(deviations: v.k, sampleSize: v.n, confidence: v.confidence,
                                                        method: .binomial, population: v.population)
            #expect(Self.close(binomial, v.binomialUpper), "n \(v.n) k \(v.k) conf \(v.confidence): \(binomial) vs \(v.binomialUpper)")
            #expect(AttributeSampling.hypergeometricUpperCount(deviations: v.k, sampleSize: v.n, confidence: v.confidence,
                                                               population: v.population) == v.hypergeometricUpperCount,
                    "n \(v.n) k \(v.k) N \(v.population)")
        }
    }

    @Test func twoSidedIntervalsMatchScipy() {
        for v in SpotCheckVectors.shared.intervals {
            let wilson = ProportionInterval.wilson(v.k, of: v.n, confidence: v.confidence)
            let exact = ProportionInterval.clopperPearson(v.k, of: v.n, confidence: v.confidence)
            #expect(Self.close(wilson.lower, v.wilson[0]) && Self.close(wilson.upper, v.wilson[1]), "Wilson \(v.k)/\(v.n): \(wilson)")
            #expect(Self.close(exact.lower, v.clopperPearson[0]) && Self.close(exact.upper, v.clopperPearson[1]),
                    "Clopper-Pearson \(v.k)/\(v.n): \(exact)")
        }
    }

    @Test func theNormalQuantileIsExact() {
        #expect(Self.close(ProportionInterval.normalQuantile(0.975), SpotCheckVectors.shared.normalQuantile975, 1e-14))
        #expect(Self.close(ProportionInterval.normalQuantile(0.5), 0, 1e-15))
        #expect(Self.close(ProportionInterval.normalQuantile(0.001), -3.090232306167813, 1e-12))
    }

    @Test func noDiscrepancyStillHasAPositiveUpperLimit() {
        let exact = ProportionInterval.clopperPearson(0, of: 59)
        #expect(exact.lower == 0)
        #expect(exact.upper > 0.05 && exact.upper < 0.07)
        // The rule of three: about 3 / n at 95 % one-sided.
        let bound = AttributeSampling.upperBound(deviations: 0, sampleSize: 300, confidence: 0.95, method: .binomial, population: 1_000_000)
        #expect(abs(bound - 3.0 / 300) < 0.0003)
    }
}
