import CMCLBase
import Foundation

/// The paired t-test of two matched samples (as `scipy.stats.ttest_rel`, two-sided), with a
/// percentile bootstrap confidence interval of the mean difference.
///
/// ```swift
/// let t = try PairedTest(a: [0.82, 0.85, 0.84], b: [0.80, 0.81, 0.83])
/// t.meanDifference   // mean of a − b
/// t.p                // two-sided p-value
/// let ci = t.bootstrapInterval(level: 0.95, resamples: 10_000, seed: 0)
/// ```
public struct PairedTest: Sendable {
    /// The differences a[i] − b[i].
    public let differences: [Double]
    public let meanDifference: Double
    /// Sample standard deviation of the differences.
    public let sdDifference: Double
    /// The t statistic: mean / (sd / √n); ±infinity when every difference is equal and non-zero,
    /// NaN when they are all zero or there are fewer than two pairs.
    public let t: Double
    public let degreesOfFreedom: Int
    /// Two-sided p-value under Student's t with n − 1 degrees of freedom.
    public let p: Double

    public init(a: [Double], b: [Double]) throws {
        guard a.count == b.count else {
            throw DataError.invalidArgument(operation: "paired test", problem: "the samples have different lengths (\(a.count) and \(b.count))")
        }
        differences = zip(a, b).map { $0 - $1 }
        let n = differences.count
        meanDifference = Statistics.mean(differences)
        sdDifference = Statistics.variance(differences).squareRoot()
        degreesOfFreedom = n - 1
        if n < 2 {
            t = .nan
            p = .nan
        } else {
            let se = sdDifference / Double(n).squareRoot()
            t = se == 0 ? (meanDifference == 0 ? .nan : (meanDifference > 0 ? .infinity : -.infinity)) : meanDifference / se
            p = t.isNaN ? .nan : StudentT.twoSidedP(t, degreesOfFreedom: Double(n - 1))
        }
    }

    /// Percentile bootstrap interval of the mean difference: `resamples` times, draw n
    /// differences with replacement (indices from `SplitMix64(seed:)`, `uniformIndex(below: n)` in
    /// order) and take the mean; the interval is the (1 − level)/2 and (1 + level)/2
    /// quantiles of those means (linear interpolation).
    public func bootstrapInterval(level: Double = 0.95, resamples: Int = 10_000, seed: UInt64 = 0) -> (low: Double, high: Double) {
        let n = differences.count
        guard n > 0, resamples > 0 else { return (.nan, .nan) }
        var rng = SplitMix64(seed: seed)
        var means = [Double](repeating: 0, count: resamples)
        for r in 0..<resamples {
            var sum = 0.0
            for _ in 0..<n { sum += differences[rng.uniformIndex(below: n)] }
            means[r] = sum / Double(n)
        }
        let alpha = (1 - level) / 2
        return (Statistics.quantile(means, alpha), Statistics.quantile(means, 1 - alpha))
    }
}

/// Student's t distribution.
public enum StudentT {
    /// P(|T| ≥ |t|) for T with `degreesOfFreedom` degrees of freedom:
    /// I_{ν/(ν+t²)}(ν/2, 1/2), the regularized incomplete beta function.
    public static func twoSidedP(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        if t.isNaN || nu <= 0 { return .nan }
        if t.isInfinite { return 0 }
        return IncompleteBeta.regularized(x: nu / (nu + t * t), a: nu / 2, b: 0.5)
    }
}

/// The regularized incomplete beta function I_x(a, b), by the continued fraction of
/// Numerical Recipes (modified Lentz), accurate to about 1e-14.
public enum IncompleteBeta {
    public static func regularized(x: Double, a: Double, b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let logFront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x)
        let front = exp(logFront)
        // The continued fraction converges fast for x < (a + 1) / (a + b + 2).
        if x < (a + 1) / (a + b + 2) { return front * continuedFraction(x: x, a: a, b: b) / a }
        return 1 - front * continuedFraction(x: 1 - x, a: b, b: a) / b
    }

    static func continuedFraction(x: Double, a: Double, b: Double) -> Double {
        let tiny = 1e-300
        var c = 1.0
        var d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...500 {
            let m = Double(m)
            let m2 = 2 * m
            var aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return h
    }
}
