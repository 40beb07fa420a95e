import CMCLBase
import Foundation

/// A nested cropping plan for one text of `n` tokens: ablation step `k` (1...c) removes more
/// tokens, and whatever step `k` removed stays removed at step `k + 1`.
///
/// Removal counts: with `E` eligible (non-protected) tokens and per-step crop ratio `r`, step `k`
/// removes `m_k = round(E * (1 - (1 - r)^k))` tokens in total (each step crops a fraction `r` of
/// what the previous step kept, like nested dropout), raised when needed so that every step removes
/// at least one more token while eligible tokens remain.
///
/// Styles:
/// - `.tokens`: one random order over eligible tokens; step `k` removes its first `m_k` entries.
/// - `.spans`: step `k` removes `m_k - m_{k-1}` tokens that are consecutive among the eligible
///   tokens still present (a contiguous span once earlier removals and protected tokens are
///   skipped), starting at a uniformly random position.
///
/// ```swift
/// let plan = try TokenCropPlan(tokenCount: 12, steps: 2, ratio: 0.25, style: .spans, protected: [0, 11], seed: 1)
/// plan.kept[2]   // kept token indices at step 2, ascending; plan.kept[0] is 0..<12
/// ```
public struct TokenCropPlan: Sendable, Hashable {
    /// How tokens are chosen for removal.
    public enum Style: String, Sendable, Hashable, CaseIterable {
        /// Random individual tokens.
        case tokens
        /// One contiguous run of tokens per step.
        case spans
    }

    /// Number of tokens `n` of the uncropped text.
    public let tokenCount: Int
    /// Per-step crop ratio `r`.
    public let ratio: Double
    /// Removal style.
    public let style: Style
    /// Token indices that are never removed (e.g. special tokens, the answer span).
    public let protected: Set<Int>
    /// Removed token indices per step `0...c`, ascending (`removed[0]` is empty).
    public let removed: [[Int]]

    /// Creates a plan.
    /// - Parameters:
    ///   - tokenCount: `n >= 1`.
    ///   - steps: number of crop steps `c >= 1`.
    ///   - ratio: per-step crop ratio in `(0, 1)`.
    ///   - style: `.tokens` or `.spans`.
    ///   - protected: indices in `0..<n` never removed.
    ///   - seed: seed of the plan's `Xoshiro256StarStar`.
    /// - Throws: `CompareError` for a bad count, step number, ratio or protected index.
    public init(tokenCount: Int, steps: Int, ratio: Double, style: Style = .tokens,
                protected: Set<Int> = [], seed: UInt64) throws(CompareError) {
        var rng = Xoshiro256StarStar(seed: seed)
        try self.init(tokenCount: tokenCount, steps: steps, ratio: ratio, style: style, protected: protected,
                      using: &rng)
    }

    /// Creates a plan drawing from a caller-owned generator (to plan a batch from one seed).
    /// - Throws: as `init(tokenCount:steps:ratio:style:protected:seed:)`.
    public init(tokenCount: Int, steps: Int, ratio: Double, style: Style = .tokens,
                protected: Set<Int> = [], using rng: inout Xoshiro256StarStar) throws(CompareError) {
        let op = "token crop plan"
        if tokenCount < 1 {
            throw .invalidCount(operation: op, name: "tokenCount", value: tokenCount, requirement: "it must be >= 1")
        }
        if steps < 1 || steps > AblationSpec.maxSteps {
            throw .invalidCount(operation: op, name: "steps", value: steps,
                                requirement: "it must lie in 1...\(AblationSpec.maxSteps)")
        }
        if !(ratio > 0 && ratio < 1) {
            throw .invalidParameter(operation: op, name: "ratio", value: ratio, requirement: "it must lie in (0, 1)")
        }
        for index in protected.sorted() where index < 0 || index >= tokenCount {
            throw .indexOutOfRange(operation: op, name: "protected index", index: index, count: tokenCount)
        }
        self.tokenCount = tokenCount
        self.ratio = ratio
        self.style = style
        self.protected = protected
        let eligible = (0..<tokenCount).filter { !protected.contains($0) }
        let totals = Self.removalTotals(eligible: eligible.count, steps: steps, ratio: ratio)
        var removed: [[Int]] = [[]]
        switch style {
        case .tokens:
            let order = rng.permutation(eligible.count).map { eligible[$0] }
            for k in 1...steps { removed.append(order.prefix(totals[k]).sorted()) }
        case .spans:
            var remaining = eligible
            var gone = [Int]()
            for k in 1...steps {
                let length = totals[k] - totals[k - 1]
                if length > 0 {
                    let start = rng.uniformIndex(below: remaining.count - length + 1)
                    gone.append(contentsOf: remaining[start..<(start + length)])
                    remaining.removeSubrange(start..<(start + length))
                }
                removed.append(gone.sorted())
            }
        }
        self.removed = removed
    }

    /// Cumulative removal counts `m_0 ... m_c` for `eligible` tokens.
    public static func removalTotals(eligible: Int, steps: Int, ratio: Double) -> [Int] {
        var totals = [0]
        for k in stride(from: 1, through: max(0, steps), by: 1) {
            let target = Int((Double(eligible) * (1 - pow(1 - ratio, Double(k)))).rounded())
            totals.append(min(eligible, max(totals[k - 1] + 1, target)))
        }
        return totals
    }

    /// Number of crop steps `c`.
    public var steps: Int { removed.count - 1 }

    /// Kept token indices per step `0...c`, ascending.
    public var kept: [[Int]] {
        removed.map { gone in
            let set = Set(gone)
            return (0..<tokenCount).filter { !set.contains($0) }
        }
    }

    /// Keep-mask of step `k` (`true` where kept); nil when `k` is not in `0...c`.
    public func keepMask(step k: Int) -> [Bool]? {
        guard k >= 0, k < removed.count else { return nil }
        var mask = [Bool](repeating: true, count: tokenCount)
        for index in removed[k] { mask[index] = false }
        return mask
    }
}
