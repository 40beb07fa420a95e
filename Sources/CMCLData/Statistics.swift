import Foundation

/// Descriptive statistics of a sample of numbers.
///
/// ```swift
/// let s = Statistics.summary([0.81, 0.83, 0.80])
/// s.mean   // 0.8133…
/// s.sd     // sample standard deviation (n − 1)
/// ```
public enum Statistics {
    /// Count, mean and sample standard deviation (divisor n − 1; NaN for fewer than two values).
    public struct Summary: Sendable, Equatable {
        public var count: Int
        public var mean: Double
        public var sd: Double
        public var min: Double
        public var max: Double
    }

    public static func mean(_ xs: [Double]) -> Double {
        guard !xs.isEmpty else { return .nan }
        // Two-pass for accuracy: the first mean, then the mean residual.
        let m = xs.reduce(0, +) / Double(xs.count)
        return m + xs.reduce(0) { $0 + ($1 - m) } / Double(xs.count)
    }

    /// Sample variance with divisor n − 1.
    public static func variance(_ xs: [Double]) -> Double {
        guard xs.count > 1 else { return .nan }
        let m = mean(xs)
        return xs.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(xs.count - 1)
    }

    public static func summary(_ xs: [Double]) -> Summary {
        Summary(count: xs.count, mean: mean(xs), sd: variance(xs).squareRoot(),
                min: xs.min() ?? .nan, max: xs.max() ?? .nan)
    }

    /// The `q` quantile (0…1) with linear interpolation between order statistics
    /// (NumPy's default `linear` method).
    public static func quantile(_ xs: [Double], _ q: Double) -> Double {
        guard !xs.isEmpty else { return .nan }
        let sorted = xs.sorted()
        let position = Swift.min(Swift.max(q, 0), 1) * Double(sorted.count - 1)
        let lo = Int(position.rounded(.down)), hi = Swift.min(lo + 1, sorted.count - 1)
        let fraction = position - Double(lo)
        return sorted[lo] + (sorted[hi] - sorted[lo]) * fraction
    }
}
