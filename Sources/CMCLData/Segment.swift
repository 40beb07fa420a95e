/// A contiguous span of an encoded input that input cropping (`cmpcrop`) may remove, with
/// nested sub-segments (paragraph → sentences).
///
/// ```swift
/// for paragraph in feature.segments where !paragraph.mustKeep {
///     // paragraph.tokens: positions a cropped copy of the input may drop
/// }
/// ```
public struct Segment: Sendable, Equatable {
    /// A label, e.g. the paragraph title.
    public var title: String
    /// Token positions in the encoding.
    public var tokens: Range<Int>
    /// Whether the segment must be kept: it is gold (supporting) or carries the answer.
    public var mustKeep: Bool
    /// Nested segments (sentences of a paragraph), in order, inside `tokens`.
    public var children: [Segment]

    /// Creates a segment.
    public init(title: String, tokens: Range<Int>, mustKeep: Bool, children: [Segment] = []) {
        self.title = title
        self.tokens = tokens
        self.mustKeep = mustKeep
        self.children = children
    }
}

/// An encoded multi-segment input: question and context with removable segments and the
/// answer's token positions.
public struct SegmentedFeature: Sendable, Equatable {
    /// Index of the example the feature was made from.
    public var exampleIndex: Int
    /// `[CLS] question [SEP] context [SEP]`.
    public var encoding: Encoding
    /// The context string the second-sequence offsets point into (paragraphs laid out in order).
    public var context: String
    /// Top-level context segments (paragraphs) in order, clipped to the encoding; those cut off
    /// entirely by truncation are absent.
    public var segments: [Segment]
    /// Answer token positions (both 0 when the answer is yes/no or not in the input).
    public var startPosition: Int32
    /// Inclusive end position.
    public var endPosition: Int32
    /// 0 = span answer, 1 = yes, 2 = no, 3 = answer not found in the kept input.
    public var answerType: Int32

    /// Creates a feature.
    public init(exampleIndex: Int, encoding: Encoding, context: String, segments: [Segment],
                startPosition: Int32 = 0, endPosition: Int32 = 0, answerType: Int32 = 0) {
        self.exampleIndex = exampleIndex; self.encoding = encoding; self.context = context
        self.segments = segments; self.startPosition = startPosition; self.endPosition = endPosition
        self.answerType = answerType
    }

    /// The token positions that survive removing every segment (and sub-segment) not marked
    /// `mustKeep`: a cropped input for the comparative loss.
    public var minimalPositions: [Int] {
        var removed = Set<Int>()
        func visit(_ s: Segment) {
            if !s.mustKeep { removed.formUnion(s.tokens); return }
            s.children.forEach(visit)
        }
        segments.forEach(visit)
        return (0..<encoding.count).filter { !removed.contains($0) }
    }
}

/// Lays out titled paragraphs of sentences as one context string and maps them to tokens.
struct SegmentedContext {
    var text = ""
    var length = 0  // in scalars
    var paragraphs: [(title: String, span: Range<Int>, mustKeep: Bool, sentences: [(span: Range<Int>, mustKeep: Bool)])] = []

    mutating func append(_ piece: String) -> Range<Int> {
        if length > 0 { text += " "; length += 1 }
        let start = length
        text += piece
        length += piece.unicodeScalars.count
        return start..<length
    }

    /// Encodes `question` with this context, truncating the context to fit `maxLength`, and
    /// returns the encoding with paragraph/sentence token segments.
    func encode(question: String, tokenizer: some TextTokenizer, maxLength: Int, maxQueryLength: Int,
                answer: Range<Int>?) -> (Encoding, [Segment], Int32, Int32, Bool) {
        let q = Array(tokenizer.tokenize(question).prefix(maxQueryLength))
        let c = tokenizer.tokenize(text)
        let room = Swift.max(0, maxLength - q.count - tokenizer.template.specialCount(pair: true))
        let encoding = tokenizer.encode(tokens: q, pair: Array(c.prefix(room)))
        let first = q.count + 1 + tokenizer.template.pairSeparators
        let kept = Swift.min(room, c.count)
        // Token range of a character span among the kept context tokens.
        func tokens(_ span: Range<Int>) -> Range<Int> {
            var lo = 0
            while lo < kept && c[lo].offset.upperBound <= span.lowerBound { lo += 1 }
            var hi = lo
            while hi < kept && c[hi].offset.lowerBound < span.upperBound { hi += 1 }
            return (first + lo)..<(first + hi)
        }
        var segments: [Segment] = []
        for p in paragraphs {
            let range = tokens(p.span)
            if range.isEmpty { continue }
            let children = p.sentences.map { Segment(title: p.title, tokens: tokens($0.span), mustKeep: $0.mustKeep) }
                .filter { !$0.tokens.isEmpty }
            segments.append(Segment(title: p.title, tokens: range, mustKeep: p.mustKeep, children: children))
        }
        var start: Int32 = 0, end: Int32 = 0, found = false
        if let answer {
            let (s, e) = SQuAD.answerPositions(encoding, charStart: answer.lowerBound, charEnd: answer.upperBound)
            if s > 0 { start = s; end = e; found = true }
        }
        return (encoding, segments, start, end, found)
    }
}
