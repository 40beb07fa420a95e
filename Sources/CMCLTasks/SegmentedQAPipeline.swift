import CMCLData
import CMCLNN

/// A multi-paragraph question-answering input ready for a span model: `[CLS] question [SEP]
/// paragraphs… [SEP]`, the answer's token positions, and one segment per paragraph (gold
/// paragraphs must be kept by input cropping).
public struct QAFeature: Sendable {
    /// Token ids.
    public var ids: [Int32]
    /// Answer start token.
    public var start: Int32
    /// Answer end token.
    public var end: Int32
    /// One segment per paragraph.
    public var segments: [SegmentSpan]

    /// A feature.
    public init(ids: [Int32], start: Int32, end: Int32, segments: [SegmentSpan]) {
        self.ids = ids
        self.start = start
        self.end = end
        self.segments = segments
    }

    /// Encodes synthetic multi-paragraph QA with a word tokenizer, truncating at `maxLength`
    /// (an answer cut off points at `[CLS]`).
    ///
    /// ```swift
    /// let features = QAFeature.encode(Synthetic.questionAnswering(n: 200), tokenizer: tok, maxLength: 128)
    /// ```
    public static func encode(_ data: Dataset<SyntheticQAExample>, tokenizer: any TextTokenizer, maxLength: Int) -> Dataset<QAFeature> {
        data.map { e in
            let flat = e.flattened(separator: "[SEP]")
            var ids: [Int32] = [tokenizer.clsID]
            for t in flat.tokens {
                ids.append(t == "[SEP]" ? tokenizer.sepID : (tokenizer.vocabulary[t] ?? tokenizer.unknownID))
            }
            ids.append(tokenizer.sepID)
            let limit = Swift.max(3, maxLength)
            if ids.count > limit { ids = Array(ids.prefix(limit - 1)) + [tokenizer.sepID] }
            let last = ids.count - 1
            var start = Int32(flat.answerStart + 1), end = Int32(flat.answerEnd + 1)
            if Int(end) >= last { start = 0; end = 0 }  // answer cut off: point at [CLS]
            let segments = flat.segments.compactMap { s -> SegmentSpan? in
                let lo = s.tokens.lowerBound + 1, hi = Swift.min(s.tokens.upperBound + 1, last)
                guard lo < hi else { return nil }
                return SegmentSpan(title: s.title, tokens: lo..<hi, mustKeep: s.mustKeep)
            }
            return QAFeature(ids: ids, start: start, end: end, segments: segments)
        }
    }
}

/// Multi-paragraph QA features batched with their rows' segments, for segment-aware input
/// cropping.
public struct SegmentedQAPipeline: BatchPipeline {
    /// The features.
    public let features: Dataset<QAFeature>
    /// The padding id.
    public let padID: Int32

    /// A pipeline over `features`.
    public init(features: Dataset<QAFeature>, padID: Int32) {
        self.features = features
        self.padID = padID
    }

    public var count: Int { features.count }

    public func batches(size: Int, shuffleSeed: UInt64?) throws -> [Batch] {
        try BatchOrder.groups(count: features.count, size: size, options: BatchOptions(shuffleSeed: shuffleSeed)).map { indices in
            let rows = indices.map { i -> BatchRow in
                let f = features[i]
                return BatchRow(ids: f.ids, span: (f.start, f.end), segments: f.segments)
            }
            return try Batch.padded(rows, length: rows.map(\.ids.count).max() ?? 1, padID: padID)
        }
    }
}
