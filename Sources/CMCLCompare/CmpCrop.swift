import CMCLBase
import CMCLNN
import CMCLTensor

/// The CmpCrop ablation operator: `steps` nested crops of the input.
///
/// Level 0 is the input as given; level `k` removes more tokens (or distractor segments), and
/// whatever level `k` removed stays removed at `k + 1` (``TokenCropPlan``, ``SegmentCropPlan``).
///
/// Layout choice: as in the reference pipeline, which re-encodes the shortened input, a cropped
/// row keeps its remaining tokens in order, compacted to the left, followed by padding; the
/// attention mask is recomputed and the padded length is unchanged (so every variant has the
/// same shape and nested dropout draws line up). Span labels are remapped to the new positions.
///
/// Never removed: the first and last real token of each row (`[CLS]`, final `[SEP]`), tokens
/// whose id is in `protectedTokenIDs` or the batch's `specialTokenIDs` (the ids its tokenizer
/// reserves, e.g. a middle `[SEP]`), the answer span of span batches,
/// and, in segment mode, tokens outside segments and every must-keep or answer-bearing segment.
///
/// Segment mode applies to a batch that carries ``CMCLNN/Batch/segments`` (multi-paragraph
/// input); any other batch gets token crops.
///
/// ```swift
/// let crop = try CmpCrop(steps: 2, ratio: 0.1, style: .tokens, protectedTokenIDs: [102])
/// let levels = try crop.crops(batch, generator: Generator(seed: 3))   // [level 0, level 1, level 2]
/// paragraphs.segments = [[SegmentSpan(title: "q", tokens: 1..<6, mustKeep: true),
///                         SegmentSpan(title: "p1", tokens: 7..<30)], ...]
/// let segLevels = try crop.crops(paragraphs, generator: g)           // distractors removed
/// ```
public struct CmpCrop: Sendable, Hashable, CustomStringConvertible {
    /// Number of crop levels `c >= 1`.
    public let steps: Int
    /// Per-level crop ratio in `(0, 1)` (token mode).
    public let ratio: Double
    /// Random single tokens, or one contiguous span per level (token mode).
    public let style: TokenCropPlan.Style
    /// Token ids never removed.
    public let protectedTokenIDs: Set<Int32>
    /// The id written into padding positions.
    public let padID: Int32

    /// A CmpCrop operator.
    /// - Throws: `CompareError` if `steps` is not in `1...4096` or `ratio` not in `(0, 1)`.
    public init(steps: Int, ratio: Double = 0.1, style: TokenCropPlan.Style = .tokens,
                protectedTokenIDs: Set<Int32> = [], padID: Int32 = 0) throws(CompareError) {
        if steps < 1 || steps > AblationSpec.maxSteps {
            throw .invalidCount(operation: "cmpcrop", name: "steps", value: steps,
                                requirement: "it must lie in 1...\(AblationSpec.maxSteps)")
        }
        if !(ratio > 0 && ratio < 1) {
            throw .invalidParameter(operation: "cmpcrop", name: "ratio", value: ratio, requirement: "it must lie in (0, 1)")
        }
        self.steps = steps
        self.ratio = ratio
        self.style = style
        self.protectedTokenIDs = protectedTokenIDs
        self.padID = padID
    }

    /// A CmpCrop operator with the style given by name (`tokens` | `spans`).
    /// - Throws: `CompareError.unknownName` with did-you-mean candidates, or as the main initialiser.
    public init(steps: Int, ratio: Double = 0.1, style: String, protectedTokenIDs: Set<Int32> = [],
                padID: Int32 = 0) throws(CompareError) {
        let resolved = try CompareError.resolve(style, in: Self.styleNames, kind: "crop style", operation: "cmpcrop")
        try self.init(steps: steps, ratio: ratio, style: resolved, protectedTokenIDs: protectedTokenIDs, padID: padID)
    }

    /// Every spelling of each crop style (case-insensitive).
    public static let styleNames: [(String, TokenCropPlan.Style)] = [("tokens", .tokens), ("token", .tokens), ("spans", .spans), ("span", .spans)]

    public var description: String { "cmpcrop(\(steps), ratio: \(ratio), style: \(style.rawValue))" }

    /// The kept token positions of every row at levels `0...steps` (`[row][level]`), one plan per
    /// row drawn from `generator`: segment crops when the batch carries segments, else token crops.
    /// - Throws: `CompareError` when the batch's segments are not one list per row, or a segment
    ///   lies outside its row or overlaps another.
    public func keptPositions(_ batch: Batch, generator: Generator) throws -> [[[Int]]] {
        if let segments = try batch.checkedSegments() {
            return try segmentKeptPositions(batch, segments: segments, generator: generator)
        }
        let real = batch.realPositions()
        let ids = batch.ids.toInts()
        let starts = batch.startPositions?.toInts(), ends = batch.endPositions?.toInts()
        var result = [[[Int]]]()
        for row in 0..<batch.size {
            let positions = real[row]
            var rng = Xoshiro256StarStar(seed: generator.next())
            guard !positions.isEmpty else {
                result.append(Array(repeating: [], count: steps + 1))
                continue
            }
            var protected: Set<Int> = [0, positions.count - 1]
            for (i, p) in positions.enumerated() where protectedTokenIDs.contains(ids[row * batch.length + p])
                || batch.specialTokenIDs.contains(ids[row * batch.length + p]) {
                protected.insert(i)
            }
            if let s = starts?[row], let e = ends?[row] {
                for (i, p) in positions.enumerated() where p >= Int(s) && p <= Int(e) { protected.insert(i) }
                for (i, p) in positions.enumerated() where p == Int(s) || p == Int(e) { protected.insert(i) }
            }
            let plan = try TokenCropPlan(tokenCount: positions.count, steps: steps, ratio: ratio, style: style,
                                         protected: protected, using: &rng)
            result.append(plan.kept.map { level in level.map { positions[$0] } })
        }
        return result
    }

    /// The batches of levels `0...steps` (level 0 is `batch` itself); segment crops when the batch
    /// carries segments.
    public func crops(_ batch: Batch, generator: Generator) throws -> [Batch] {
        let kept = try keptPositions(batch, generator: generator)
        return try assemble(batch, kept: kept)
    }

    /// The kept token positions of every row of a batch with (checked) segments at levels `0...steps`.
    ///
    /// Per row a ``SegmentCropPlan`` removes distractor segments (not must-keep, not holding the
    /// answer start or end) in a random nested order; tokens outside segments always stay.
    private func segmentKeptPositions(_ batch: Batch, segments: [[SegmentSpan]], generator: Generator) throws -> [[[Int]]] {
        let real = batch.realPositions()
        let starts = batch.startPositions?.toInts(), ends = batch.endPositions?.toInts()
        var result = [[[Int]]]()
        for row in 0..<batch.size {
            var rng = Xoshiro256StarStar(seed: generator.next())
            let spans = segments[row].sorted { $0.tokens.lowerBound < $1.tokens.lowerBound }
            guard !spans.isEmpty else {
                result.append(Array(repeating: real[row], count: steps + 1))
                continue
            }
            let answer = [starts?[row], ends?[row]].compactMap { $0 }.map(Int.init)
            let segments = spans.map { span in
                SegmentCropPlan.Segment(tokenCount: span.tokens.count,
                                        mustKeep: span.mustKeep || answer.contains { span.tokens.contains($0) })
            }
            let plan = try SegmentCropPlan(segments: segments, steps: steps, using: &rng)
            var inSegment = Set<Int>()
            for span in spans { inSegment.formUnion(span.tokens) }
            let realSet = Set(real[row])
            result.append(plan.keptSegments.map { keptIndices in
                var keep = Set(real[row].filter { !inSegment.contains($0) })
                for i in keptIndices { keep.formUnion(spans[i].tokens.filter { realSet.contains($0) }) }
                return keep.sorted()
            })
        }
        return result
    }

    private func assemble(_ batch: Batch, kept: [[[Int]]]) throws -> [Batch] {
        var levels = [batch]
        for k in 1...steps {
            levels.append(try batch.compacted(keeping: kept.map { $0[k] }, padID: padID))
        }
        return levels
    }
}
