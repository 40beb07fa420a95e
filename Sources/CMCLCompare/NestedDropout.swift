import CMCLBase
import Foundation

/// Nested dropout for the ablation variants of the comparative loss.
///
/// Ablation step `k` uses the rate `p_k = 1 - (1 - p)^k` (step 0, the full model, runs without
/// dropout). All steps share ONE uniform draw `U` per unit; step `k` keeps a unit where
/// `U >= p_k` and scales kept units by `1 / (1 - p_k)`. Since `p_k` grows with `k`, a unit kept
/// at step `k + 1` is kept at step `k`: the ablated submodels are nested.
///
/// ```swift
/// var rng = Xoshiro256StarStar(seed: 7)
/// let u = (0..<768).map { _ in rng.nextUnitFloat() }
/// let mask2 = try NestedDropout.mask(uniforms: u, rate: 0.1, step: 2)   // p_2 = 0.19
/// mask2.keep, mask2.scale, mask2.multipliers
/// ```
public enum NestedDropout {
    /// The rate of ablation step `k`: `1 - (1 - p)^k`.
    /// - Throws: `CompareError` if `p` is not in `[0, 1)` or `k < 0`.
    public static func rate(_ p: Double, step k: Int) throws(CompareError) -> Double {
        try check(rate: p, step: k)
        return rateUnchecked(p, step: k)
    }

    /// The rates of steps `0...steps` (`rates[0] == 0`).
    /// - Throws: `CompareError` if `p` is not in `[0, 1)` or `steps < 0`.
    public static func rates(_ p: Double, steps: Int) throws(CompareError) -> [Double] {
        try check(rate: p, step: steps)
        return (0...steps).map { rateUnchecked(p, step: $0) }
    }

    /// The keep-mask and scale of step `k` from one uniform draw per unit.
    /// - Parameters:
    ///   - uniforms: one draw in `[0, 1)` per unit, shared by all steps.
    ///   - rate: base dropout rate `p` in `[0, 1)`.
    ///   - step: ablation step `k >= 0`; step 0 keeps everything with scale 1.
    /// - Throws: `CompareError` for a bad rate or step, or a draw outside `[0, 1)` (or NaN).
    public static func mask(uniforms: [Float], rate p: Double, step k: Int) throws(CompareError) -> DropoutMask {
        try check(rate: p, step: k)
        for (index, u) in uniforms.enumerated() where !(u >= 0 && u < 1) {
            throw .invalidParameter(operation: "nested dropout mask", name: "uniforms[\(index)]", value: Double(u),
                                    requirement: "draws must lie in [0, 1)")
        }
        let pk = rateUnchecked(p, step: k)
        let keep = uniforms.map { Double($0) >= pk }
        return DropoutMask(keep: keep, rate: pk, scale: Float(1 / (1 - pk)))
    }

    /// The masks of steps `0...steps` from the same draws.
    /// - Throws: as `mask(uniforms:rate:step:)`.
    public static func masks(uniforms: [Float], rate p: Double, steps: Int) throws(CompareError) -> [DropoutMask] {
        try check(rate: p, step: steps)
        var result = [DropoutMask]()
        for k in 0...steps { result.append(try mask(uniforms: uniforms, rate: p, step: k)) }
        return result
    }

    static func rateUnchecked(_ p: Double, step k: Int) -> Double {
        k == 0 ? 0 : 1 - pow(1 - p, Double(k))
    }

    static func check(rate p: Double, step k: Int) throws(CompareError) {
        if !(p >= 0 && p < 1) {
            throw .invalidParameter(operation: "nested dropout", name: "rate", value: p,
                                    requirement: "it must lie in [0, 1)")
        }
        if k < 0 || k > AblationSpec.maxSteps {
            throw .invalidCount(operation: "nested dropout", name: "step", value: k,
                                requirement: "it must lie in 0...\(AblationSpec.maxSteps)")
        }
    }
}

/// The dropout mask of one ablation step.
public struct DropoutMask: Sendable, Hashable {
    /// `true` where the unit is kept.
    public let keep: [Bool]
    /// The effective rate `p_k` of this step.
    public let rate: Double
    /// The inverted-dropout scale `1 / (1 - p_k)` applied to kept units.
    public let scale: Float

    /// Creates a mask; normally produced by `NestedDropout.mask`.
    public init(keep: [Bool], rate: Double, scale: Float) {
        self.keep = keep
        self.rate = rate
        self.scale = scale
    }

    /// Per-unit multipliers: `scale` where kept, 0 where dropped.
    public var multipliers: [Float] { keep.map { $0 ? scale : 0 } }

    /// Number of dropped units.
    public var droppedCount: Int { keep.reduce(0) { $0 + ($1 ? 0 : 1) } }
}
