import Foundation

/// A two-sided confidence interval of a proportion (the discrepancy rate of a spot check).
public struct ProportionInterval: Sendable, Hashable, Codable {
    public var lower: Double
    public var upper: Double

    public init(lower: Double, upper: Double) {
        self.lower = lower
        self.upper = upper
    }

    /// Wilson's score interval: centre (k + z²/2) / (n + z²), half-width z / (n + z²) · √(k(n-k)/n + z²/4).
    public static func wilson(_ k: Int, of n: Int, confidence: Double = 0.95) -> ProportionInterval {
        guard n > 0 else { return ProportionInterval(lower: 0, upper: 1) }
        let z = normalQuantile(1 - (1 - confidence) / 2)
        let p = Double(k) / Double(n), nn = Double(n)
        let denominator = 1 + z * z / nn
        let centre = (p + z * z / (2 * nn)) / denominator
        let half = z * (p * (1 - p) / nn + z * z / (4 * nn * nn)).squareRoot() / denominator
        return ProportionInterval(lower: max(0, centre - half), upper: min(1, centre + half))
    }

    /// The exact Clopper-Pearson interval: the p at which P(X >= k) and P(X <= k) are each (1 - confidence) / 2.
    public static func clopperPearson(_ k: Int, of n: Int, confidence: Double = 0.95) -> ProportionInterval {
        guard n > 0 else { return ProportionInterval(lower: 0, upper: 1) }
        let tail = (1 - confidence) / 2
        return ProportionInterval(lower: binomialLower(k, n: n, tail: tail), upper: binomialUpper(k, n: n, tail: tail))
    }

    /// The p with P(X <= k | n, p) = tail; 1 when k = n.
    static func binomialUpper(_ k: Int, n: Int, tail: Double) -> Double {
        guard k < n else { return 1 }
        // P(X <= k | p) falls from 1 to 0 as p goes from 0 to 1.
        return bisect { AttributeSampling.binomialCDF(k, n: n, p: $0) > tail }
    }

    /// The p with P(X >= k | n, p) = tail; 0 when k = 0.
    static func binomialLower(_ k: Int, n: Int, tail: Double) -> Double {
        guard k > 0 else { return 0 }
        // P(X >= k | p) = 1 - P(X <= k - 1 | p) rises with p.
        return bisect { 1 - AttributeSampling.binomialCDF(k - 1, n: n, p: $0) < tail }
    }

    /// The boundary in [0, 1] where `below` turns from true to false.
    private static func bisect(_ below: (Double) -> Bool) -> Double {
        var low = 0.0, high = 1.0
        for _ in 0..<200 {
            let middle = (low + high) / 2
            if middle == low || middle == high { break }
            if below(middle) { low = middle } else { high = middle }
        }
        return (low + high) / 2
    }

    /// The standard normal quantile: Acklam's approximation polished by one Halley step on erfc.
    public static func normalQuantile(_ p: Double) -> Double {
        precondition(p > 0 && p < 1)
        let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02,
                 -3.066479806614716e+01, 2.506628277459239e+00]
        let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01,
                 -1.328068155288572e+01]
        let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00,
                 4.374664141464968e+00, 2.938163982698783e+00]
        let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
        let low = 0.02425
        var x: Double
        if p < low {
            let q = (-2 * Foundation.log(p)).squareRoot()
            x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        } else if p <= 1 - low {
            let q = p - 0.5, r = q * q
            x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
                / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
        } else {
            let q = (-2 * Foundation.log1p(-p)).squareRoot()
            x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        }
        for _ in 0..<2 {
            let e = 0.5 * erfc(-x / 2.0.squareRoot()) - p
            let u = e * (2 * Double.pi).squareRoot() * Foundation.exp(x * x / 2)
            x -= u / (1 + x * u / 2)
        }
        return x
    }
}
