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
            // `[CLS] question [SEP] p0 p1 … [SEP]`: one segment per paragraph (kept when gold).
            var ids: [Int32] = [tokenizer.clsID]
            func id(_ t: String) -> Int32 { tokenizer.vocabulary[t] ?? tokenizer.unknownID }
            ids += e.question.map(id)
            ids.append(tokenizer.sepID)
            var start = 0, end = 0
            var paragraphs: [(title: String, tokens: Range<Int>, mustKeep: Bool)] = []
            for (i, p) in e.paragraphs.enumerated() {
                let range = ids.count..<(ids.count + p.count)
                if i == e.answerParagraph { start = range.lowerBound + e.answerStart; end = range.lowerBound + e.answerEnd }
                paragraphs.append(("p\(i)", range, e.gold.contains(i)))
                ids += p.map(id)
            }
            ids.append(tokenizer.sepID)
            let limit = Swift.max(3, maxLength)
            if ids.count > limit { ids = Array(ids.prefix(limit - 1)) + [tokenizer.sepID] }
            let last = ids.count - 1
            if end >= last { start = 0; end = 0 }  // answer cut off: point at [CLS]
            let segments = paragraphs.compactMap { s -> SegmentSpan? in
                let hi = Swift.min(s.tokens.upperBound, last)
                guard s.tokens.lowerBound < hi else { return nil }
                return SegmentSpan(title: s.title, tokens: s.tokens.lowerBound..<hi, mustKeep: s.mustKeep)
            }
            return QAFeature(ids: ids, start: Int32(start), end: Int32(end), segments: segments)
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
        try BatchOrder.batches(count: features.count, size: size, options: BatchOptions(shuffleSeed: shuffleSeed), padID: padID) { i in
            BatchRow(ids: features[i].ids, span: (features[i].start, features[i].end), segments: features[i].segments)
        }
    }
}
