import Foundation

/// Ranking losses over a list of effects in their intended order (index 0 should be largest),
/// with analytic gradients. Pure functions on flat `Double` arrays; the building blocks of
/// `ComparativeLoss` and of the later differentiable engine op.
public enum RankingLoss {
    /// Epsilon inside the ListMLE logarithm, as in the reference implementation.
    public static let listwiseEpsilon = 1e-10

    /// Pairwise hinge: mean over pairs `i < j` of `max(0, e_j - e_i)`.
    ///
    /// At an exact tie (`e_j == e_i`) the gradient is that of `e_j - e_i` (slope 1), as in the
    /// reference code under the PyTorch version it pins (1.11: `F.margin_ranking_loss`, whose
    /// `clamp_min` backward is `where(x >= 0)`). This decides the gradient of the `best` target,
    /// which always ties with the best variant, and of the `first` target in violating rows.
    /// Needs at least 2 effects (returns value 0 and a zero gradient otherwise).
    ///
    /// ```swift
    /// let (value, gradient) = RankingLoss.pairwise([-0.2, -1.4, 0])  // value 1.6/3
    /// ```
    /// - Returns: the value and `d value / d effects`.
    public static func pairwise(_ effects: [Double]) -> (value: Double, gradient: [Double]) {
        let n = effects.count
        var gradient = [Double](repeating: 0, count: n)
        guard n >= 2 else { return (0, gradient) }
        let pairs = Double(n * (n - 1) / 2)
        var value = 0.0
        for i in 0..<(n - 1) {
            for j in (i + 1)..<n {
                let margin = effects[j] - effects[i]
                if margin >= 0 {
                    value += margin
                    gradient[j] += 1
                    gradient[i] -= 1
                }
            }
        }
        for k in 0..<n { gradient[k] /= pairs }
        return (value / pairs, gradient)
    }

    /// ListMLE in the intended order 0..n-1:
    /// `sum_{i<n-1} [log(sum_{k>=i} exp(e_k - m) + 1e-10) - (e_i - m)]`, `m = max_k e_k`.
    ///
    /// The gradient includes the (tiny, epsilon-sized) path through `m`, routed to the first
    /// maximal index, so it is the exact derivative of the formula above.
    /// - Returns: the value and `d value / d effects`.
    public static func listwise(_ effects: [Double]) -> (value: Double, gradient: [Double]) {
        let n = effects.count
        var gradient = [Double](repeating: 0, count: n)
        guard n >= 2 else { return (0, gradient) }
        var argmax = 0
        for k in 1..<n where effects[k] > effects[argmax] { argmax = k }
        let m = effects[argmax]
        let exps = effects.map { exp($0 - m) }
        // suffix[i] = sum_{k >= i} exp(e_k - m)
        var suffix = [Double](repeating: 0, count: n + 1)
        for i in stride(from: n - 1, through: 0, by: -1) { suffix[i] = suffix[i + 1] + exps[i] }
        var value = 0.0
        // inverse[i] = 1 / (suffix[i] + eps); d/dz_k of term i (k >= i) is exps[k] * inverse[i].
        var cumulativeInverse = 0.0
        var dz = [Double](repeating: 0, count: n)
        for i in 0..<n {
            if i < n - 1 {
                let denominator = suffix[i] + listwiseEpsilon
                value += log(denominator) - (effects[i] - m)
                cumulativeInverse += 1 / denominator
                dz[i] -= 1
            }
            dz[i] += exps[i] * cumulativeInverse
        }
        var throughMax = 0.0
        for k in 0..<n {
            gradient[k] = dz[k]
            throughMax -= dz[k]
        }
        gradient[argmax] += throughMax
        return (value, gradient)
    }

    /// Number of pairs `i < j` with `losses[j] < losses[i]`: an ablated variant doing strictly
    /// better than a less ablated one, a violation of the comparison principle.
    public static func violations(_ losses: [Double]) -> Int {
        var count = 0
        for i in 0..<losses.count {
            for j in (i + 1)..<losses.count where losses[j] < losses[i] { count += 1 }
        }
        return count
    }
}
