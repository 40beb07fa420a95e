import CMCLBase
/// A nested cropping plan for segmented input (e.g. a question followed by several paragraphs):
/// ablation steps remove distractor segments in a random nested order, never removing must-keep
/// (question, answer-bearing or supporting) segments.
///
/// Rule (as in the reference multi-document QA data pipeline, training mode): the `D` distractors
/// are put in a random order; if `D > c`, `c` distinct kept-distractor counts are drawn from
/// `0..<D` without replacement and sorted descending; otherwise the counts are `D-1, ..., 0`
/// followed by zeros up to `c` steps. Step `k` keeps the first `count_k` distractors of the random
/// order (so removals are nested) plus every must-keep segment, in original segment order.
///
/// ```swift
/// typealias Segment = SegmentCropPlan.Segment
/// let segments = [Segment(tokenCount: 8, mustKeep: true),             // question
///                 Segment(tokenCount: 30), Segment(tokenCount: 25, mustKeep: true), Segment(tokenCount: 40)]
/// let plan = try SegmentCropPlan(segments: segments, steps: 2, seed: 3)
/// plan.keptSegments[1]; plan.keptTokens[1]
/// ```
public struct SegmentCropPlan: Sendable, Hashable {
    /// One segment of the input.
    public struct Segment: Sendable, Hashable {
        /// Number of tokens in the segment (`>= 0`).
        public let tokenCount: Int
        /// Whether the segment must survive every crop step.
        public let mustKeep: Bool

        /// Creates a segment.
        public init(tokenCount: Int, mustKeep: Bool = false) {
            self.tokenCount = tokenCount
            self.mustKeep = mustKeep
        }
    }

    /// The segments, in input order.
    public let segments: [Segment]
    /// Distractor segment indices in removal order: the last ones go first.
    public let distractorOrder: [Int]
    /// Number of distractors kept at steps `0...c` (`keptDistractorCounts[0] == D`).
    public let keptDistractorCounts: [Int]

    /// Creates a random plan (training mode).
    /// - Throws: `CompareError` for `steps < 1`, an empty segment list or a negative token count.
    public init(segments: [Segment], steps: Int, seed: UInt64) throws(CompareError) {
        var rng = Xoshiro256StarStar(seed: seed)
        try self.init(segments: segments, steps: steps, using: &rng)
    }

    /// Creates a random plan drawing from a caller-owned generator (to plan a batch from one seed).
    /// - Throws: as `init(segments:steps:seed:)`.
    public init(segments: [Segment], steps: Int, using rng: inout Xoshiro256StarStar) throws(CompareError) {
        try Self.check(segments: segments, steps: steps)
        var order = segments.indices.filter { !segments[$0].mustKeep }
        rng.fisherYatesShuffle(&order)
        let d = order.count
        var counts: [Int]
        if d > steps {
            var pool = Array(0..<d)
            for i in 0..<steps { pool.swapAt(i, i + rng.uniformIndex(below: d - i)) }
            counts = pool.prefix(steps).sorted(by: >)
        } else {
            counts = Array(stride(from: d - 1, through: 0, by: -1))
            counts += [Int](repeating: 0, count: steps - counts.count)
        }
        self.segments = segments
        self.distractorOrder = order
        self.keptDistractorCounts = [d] + counts
    }

    /// Creates a fixed plan (evaluation mode): distractors removed from the end of `distractorOrder`
    /// (default: input order) keeping `keptCounts[k-1]` of them at step `k`; a count above `D` keeps
    /// all `D` (like slicing a shorter list). The reference evaluation uses kept counts `[6, 4, 2, 0]`
    /// (prefix of length c).
    /// - Throws: `CompareError` if counts are negative or increase, or for a bad order.
    public init(segments: [Segment], keptCounts: [Int], distractorOrder: [Int]? = nil) throws(CompareError) {
        let op = "segment crop plan"
        try Self.check(segments: segments, steps: keptCounts.count)
        let distractors = segments.indices.filter { !segments[$0].mustKeep }
        let order = distractorOrder ?? distractors
        if order.sorted() != distractors {
            throw .mismatchedShapes(operation: op + " (distractor order must permute the distractor indices)",
                                    lhs: order, rhs: distractors)
        }
        var previous = Int.max
        for count in keptCounts {
            if count < 0 || count > previous {
                throw .invalidCount(operation: op, name: "kept count", value: count,
                                    requirement: "counts must be >= 0 and must not increase (previous: \(previous))")
            }
            previous = count
        }
        self.segments = segments
        self.distractorOrder = order
        self.keptDistractorCounts = [distractors.count] + keptCounts.map { min($0, distractors.count) }
    }

    /// Number of crop steps `c`.
    public var steps: Int { keptDistractorCounts.count - 1 }

    /// Kept segment indices per step `0...c`, in input order.
    public var keptSegments: [[Int]] {
        keptDistractorCounts.map { count in
            let kept = Set(distractorOrder.prefix(count))
            return segments.indices.filter { segments[$0].mustKeep || kept.contains($0) }
        }
    }

    /// Kept token indices per step `0...c` (segments laid out consecutively in input order).
    public var keptTokens: [[Int]] {
        var offsets = [0]
        for segment in segments { offsets.append(offsets[offsets.count - 1] + segment.tokenCount) }
        return keptSegments.map { kept in kept.flatMap { offsets[$0]..<offsets[$0 + 1] } }
    }

    static func check(segments: [Segment], steps: Int) throws(CompareError) {
        let op = "segment crop plan"
        if segments.isEmpty {
            throw .invalidCount(operation: op, name: "segment count", value: 0, requirement: "it must be >= 1")
        }
        if steps < 1 || steps > AblationSpec.maxSteps {
            throw .invalidCount(operation: op, name: "steps", value: steps,
                                requirement: "it must lie in 1...\(AblationSpec.maxSteps)")
        }
        var total = 0
        for (index, segment) in segments.enumerated() {
            let (sum, overflow) = total.addingReportingOverflow(segment.tokenCount)
            if segment.tokenCount < 0 || overflow {
                throw .invalidCount(operation: op, name: "tokenCount of segment \(index)", value: segment.tokenCount,
                                    requirement: "it must be >= 0 and the total must fit in Int")
            }
            total = sum
        }
    }
}
