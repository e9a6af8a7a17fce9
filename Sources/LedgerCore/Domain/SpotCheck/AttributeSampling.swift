import Foundation

/// Which distribution a sample size and its upper bound come from.
public enum SampleSizeMethod: String, Codable, Sendable, CaseIterable {
    /// Sampling from a large population: binomial.
    case binomial
    /// Sampling without replacement from a small population: hypergeometric (exact).
    case hypergeometric
}

/// Attribute sampling (属性抽样) as auditors size tests of controls: the smallest sample in which finding
/// at most `expectedDeviations` deviations shows, with the given confidence, that the population's
/// deviation rate is below the tolerable rate.
public struct AttributeSamplingPlan: Sendable, Hashable, Codable {
    public var tolerableRate: Double
    public var confidence: Double
    public var expectedDeviations: Int
    public var population: Int
    public var method: SampleSizeMethod
    public var size: Int
}

public enum AttributeSampling {
    /// The smallest n with P(X <= c | n, p) <= 1 - confidence, X binomial: 59 for 5 % at 95 % with
    /// c = 0, 93 with c = 1.
    public static func binomialSize(tolerableRate p: Double, confidence: Double, expectedDeviations c: Int) -> Int {
        let alpha = 1 - confidence
        var n = c + 1
        while binomialCDF(c, n: n, p: p) > alpha { n += 1 }
        return n
    }

    /// Deviations a population of `population` items holds at the tolerable rate: ceil(p N), at least 1
    /// (a tolerance of 1e-9 absorbs decimal input such as 0.05 x 1000).
    public static func tolerableCount(tolerableRate p: Double, population: Int) -> Int {
        max(1, Int((p * Double(population) - 1e-9).rounded(.up)))
    }

    /// The smallest n with P(X <= c) <= 1 - confidence, X hypergeometric with D = `tolerableCount`
    /// deviations among `population`; the whole population when D <= c.
    public static func hypergeometricSize(tolerableRate p: Double, confidence: Double, expectedDeviations c: Int,
                                          population: Int) -> Int {
        let alpha = 1 - confidence
        let deviations = tolerableCount(tolerableRate: p, population: population)
        guard deviations > c else { return population }
        var n = c + 1
        while n < population, hypergeometricCDF(c, population: population, deviations: deviations, sample: n) > alpha {
            n += 1
        }
        return min(n, population)
    }

    /// The plan auditors use: binomial, unless the binomial sample would exceed a tenth of the
    /// population, in which case the exact hypergeometric size (smaller) is used.
    public static func plan(tolerableRate p: Double, confidence: Double, expectedDeviations c: Int,
                            population: Int) -> AttributeSamplingPlan {
        let binomial = binomialSize(tolerableRate: p, confidence: confidence, expectedDeviations: c)
        if binomial * 10 <= population {
            return AttributeSamplingPlan(tolerableRate: p, confidence: confidence, expectedDeviations: c,
                                         population: population, method: .binomial, size: binomial)
        }
        let exact = hypergeometricSize(tolerableRate: p, confidence: confidence, expectedDeviations: c, population: population)
        return AttributeSamplingPlan(tolerableRate: p, confidence: confidence, expectedDeviations: c,
                                     population: population, method: .hypergeometric, size: exact)
    }

    /// The one-sided upper confidence bound of the deviation rate after `k` deviations in `n` items:
    /// binomial, the p with P(X <= k | n, p) = 1 - confidence (Clopper-Pearson); hypergeometric, the
    /// largest D with P(X <= k | N, D, n) > 1 - confidence, as a share D / N.
    public static func upperBound(deviations k: Int, sampleSize n: Int, confidence: Double,
                                  method: SampleSizeMethod, population: Int) -> Double {
        switch method {
        case .binomial:
            return ProportionInterval.binomialUpper(k, n: n, tail: 1 - confidence)
        case .hypergeometric:
            return Double(hypergeometricUpperCount(deviations: k, sampleSize: n, confidence: confidence,
                                                   population: population)) / Double(population)
        }
    }

    /// The largest number of deviations D in the population with P(X <= k | N, D, n) > 1 - confidence.
    public static func hypergeometricUpperCount(deviations k: Int, sampleSize n: Int, confidence: Double, population: Int) -> Int {
        let alpha = 1 - confidence
        var low = k, high = population - (n - k)
        guard high > low else { return max(low, high) }
        // The CDF falls as D grows: find the last D above alpha.
        while low < high {
            let middle = (low + high + 1) / 2
            if hypergeometricCDF(k, population: population, deviations: middle, sample: n) > alpha {
                low = middle
            } else {
                high = middle - 1
            }
        }
        return low
    }

    /// Whether the tolerable rate may be exceeded: the upper bound lies above it (binomial), or the
    /// population could hold the tolerable count of deviations (hypergeometric).
    public static func tolerableRateExceeded(deviations k: Int, sampleSize n: Int, plan: AttributeSamplingPlan) -> Bool {
        switch plan.method {
        case .binomial:
            return binomialCDF(k, n: n, p: plan.tolerableRate) > 1 - plan.confidence
        case .hypergeometric:
            let deviations = tolerableCount(tolerableRate: plan.tolerableRate, population: plan.population)
            return hypergeometricUpperCount(deviations: k, sampleSize: n, confidence: plan.confidence,
                                            population: plan.population) >= deviations
        }
    }

    // MARK: Distributions

    /// P(X <= k) for X ~ Binomial(n, p).
    public static func binomialCDF(_ k: Int, n: Int, p: Double) -> Double {
        if k < 0 { return 0 }
        if k >= n { return 1 }
        if p <= 0 { return 1 }
        if p >= 1 { return 0 }
        let logP = Foundation.log(p), logQ = Foundation.log1p(-p)
        var total = 0.0
        for i in 0...k {
            total += Foundation.exp(logChoose(n, i) + Double(i) * logP + Double(n - i) * logQ)
        }
        return min(1, total)
    }

    /// P(X <= k) for X hypergeometric: `sample` draws from `population` items of which `deviations` deviate.
    public static func hypergeometricCDF(_ k: Int, population: Int, deviations: Int, sample: Int) -> Double {
        let lowest = max(0, sample - (population - deviations))
        let highest = min(sample, deviations)
        if k < lowest { return 0 }
        if k >= highest { return 1 }
        let denominator = logChoose(population, sample)
        var total = 0.0
        for i in lowest...k {
            total += Foundation.exp(logChoose(deviations, i) + logChoose(population - deviations, sample - i) - denominator)
        }
        return min(1, total)
    }

    static func logChoose(_ n: Int, _ k: Int) -> Double {
        lgamma(Double(n) + 1) - lgamma(Double(k) + 1) - lgamma(Double(n - k) + 1)
    }
}
