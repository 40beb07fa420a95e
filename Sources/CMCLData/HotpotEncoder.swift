import CMCLBase
/// Lays out a ``HotpotInput`` as the reference multi-paragraph QA model reads it, and makes the
/// re-encoded inputs of CmpCrop.
///
/// Layout (as in the reference data code, zycdev/CmpLoss `MultiDocQADataset`):
/// `[CLS] [YES] [NO] [Q] question [SEP] ([T] title [P] text)… [SEP]`. The question is cut to
/// `maxQuestionLength` tokens and each text to `maxParagraphLength` (in training, the answer's
/// paragraph to at least its answer's end character + 12 tokens, the reference's rule: it
/// compares a character index with a token count, but as every token covers at least one
/// character it always keeps the answer and at least 12 tokens after it — more than needed,
/// never less); an answer in a text that ends past the text's cut is cut off; paragraphs stop
/// being added once `maxLength` is reached, the sequence is cut to `maxLength - 1` and ends with
/// `[SEP]`. Token types are 0 up to the question's `[SEP]`, 1 after. The answer mask (where a
/// span may start or end) is 1 on `[YES]`, `[NO]`, `[Q]`, titles and texts. A yes/no answer is
/// the position of its marker; an answer cut off (or outside the input) is `-100` (ignored).
///
/// CmpCrop (training): the paragraph order is shuffled, one answer position drawn; the
/// distractors (non-supporting paragraphs) are permuted, `c` distinct kept-distractor counts are
/// drawn from `0..<D` and sorted descending (or `D-1, …, 0, 0…` when `D <= c`), and level `k`
/// keeps the supporting paragraphs plus the first `count_k` distractors of the permutation, in
/// the shuffled order — each level encoded afresh. Evaluation keeps the original order, the
/// first answer position and the first 6, 4, 2, 0 distractors.
///
/// ```swift
/// let encoder = HotpotEncoder(tokenizer: tok, maxLength: 512)
/// var rng = SplitMix64(seed: 1)
/// let levels = encoder.trainingLevels(inputs[0], steps: 2, using: &rng)   // [full, crop 1, crop 2]
/// ```
public struct HotpotEncoder: Sendable, Hashable {
    /// Token ids of the special positions.
    public struct Markers: Sendable, Hashable {
        /// `[CLS]`, `[SEP]`.
        public var cls: Int32, sep: Int32
        /// The yes and no answer markers.
        public var yes: Int32, no: Int32
        /// Before the question, before each title, before each text.
        public var question: Int32, title: Int32, paragraph: Int32

        /// Markers with explicit ids.
        public init(cls: Int32, sep: Int32, yes: Int32, no: Int32, question: Int32, title: Int32, paragraph: Int32) {
            self.cls = cls; self.sep = sep; self.yes = yes; self.no = no
            self.question = question; self.title = title; self.paragraph = paragraph
        }
    }

    /// The marker tokens looked up in a vocabulary (missing ones map to `[UNK]`): `yes`, `no`,
    /// `[unused0]` (question), `[unused1]` (title), `[unused2]` (text) — BERT's reserved tokens.
    public static let defaultMarkerTokens = (yes: "yes", no: "no", question: "[unused0]", title: "[unused1]", paragraph: "[unused2]")

    /// Maximum input length.
    public var maxLength: Int
    /// Maximum question length in tokens.
    public var maxQuestionLength: Int
    /// Maximum text length per paragraph in tokens.
    public var maxParagraphLength: Int
    /// Marker ids.
    public var markers: Markers
    /// The reference's evaluation kept-distractor counts, cut to the number of crop steps.
    public static let evaluationCounts = [6, 4, 2, 0]
    /// The reference's default question limit in tokens (its `max_q_len`).
    public static let referenceMaxQuestionLength = 128

    /// An encoder with explicit markers.
    public init(markers: Markers, maxLength: Int = 512, maxQuestionLength: Int = referenceMaxQuestionLength, maxParagraphLength: Int = 256) {
        self.markers = markers
        self.maxLength = Swift.max(2, maxLength)
        self.maxQuestionLength = Swift.max(0, maxQuestionLength)
        self.maxParagraphLength = Swift.max(0, maxParagraphLength)
    }

    /// An encoder whose markers come from `tokenizer`'s vocabulary (``defaultMarkerTokens``).
    public init(tokenizer: some TextTokenizer, maxLength: Int = 512, maxQuestionLength: Int = referenceMaxQuestionLength, maxParagraphLength: Int = 256) {
        let names = Self.defaultMarkerTokens
        func id(_ token: String) -> Int32 { tokenizer.vocabulary[token] ?? tokenizer.unknownID }
        self.init(markers: Markers(cls: tokenizer.clsID, sep: tokenizer.sepID, yes: id(names.yes), no: id(names.no),
                                   question: id(names.question), title: id(names.title), paragraph: id(names.paragraph)),
                  maxLength: maxLength, maxQuestionLength: maxQuestionLength, maxParagraphLength: maxParagraphLength)
    }

    /// The input of one ordered paragraph list (`order` indexes `input.paragraphs`).
    public func feature(_ input: HotpotInput, order: [Int], answer: HotpotInput.AnswerPosition?, training: Bool) -> HotpotFeature {
        var f = HotpotFeature()
        func push(_ id: Int32, type: Int32, mask: Float) {
            f.ids.append(id); f.typeIDs.append(type); f.answerMask.append(mask)
        }
        var start: Int32 = -100, end: Int32 = -100
        switch answer {
        case .yes?: (start, end) = (1, 1)
        case .no?: (start, end) = (2, 2)
        default: break
        }
        push(markers.cls, type: 0, mask: 0)
        push(markers.yes, type: 0, mask: 1)
        push(markers.no, type: 0, mask: 1)
        push(markers.question, type: 0, mask: 1)
        for t in input.questionTokens.prefix(maxQuestionLength) { push(t.id, type: 0, mask: 0) }
        push(markers.sep, type: 0, mask: 0)
        for p in order where input.paragraphs.indices.contains(p) {
            if f.ids.count >= maxLength { break }
            let paragraph = input.paragraphs[p]
            var limit = maxParagraphLength
            if training, case let .text(ap, chars)? = answer, ap == p { limit = Swift.max(limit, chars.upperBound + 12) }
            push(markers.title, type: 1, mask: 0)
            let titleOffset = f.ids.count
            for t in paragraph.titleTokens { push(t.id, type: 1, mask: 1) }
            f.pieces.append(.init(tokens: titleOffset..<f.ids.count, paragraph: p, isTitle: true))
            if case let .title(ap, chars)? = answer, ap == p,
               let (s, e) = Self.tokenSpan(paragraph.titleTokens, charCount: paragraph.title.unicodeScalars.count, chars: chars) {
                (start, end) = (Int32(titleOffset + s), Int32(titleOffset + e))
            }
            push(markers.paragraph, type: 1, mask: 0)
            let textOffset = f.ids.count
            let kept = paragraph.textTokens.prefix(limit)
            for t in kept { push(t.id, type: 1, mask: 1) }
            f.pieces.append(.init(tokens: textOffset..<f.ids.count, paragraph: p, isTitle: false))
            // Positions on the kept text only: an answer that ends past the cut is cut off (-100).
            // (The reference labels it on the uncut text, which points into the next paragraph.)
            if case let .text(ap, chars)? = answer, ap == p,
               let (s, e) = Self.tokenSpan(paragraph.textTokens, charCount: paragraph.text.unicodeScalars.count, chars: chars),
               e < kept.count {
                (start, end) = (Int32(textOffset + s), Int32(textOffset + e))
            }
            f.paragraphs.append(p)
        }
        if f.ids.count >= maxLength {
            let keep = maxLength - 1
            f.ids.removeLast(f.ids.count - keep)
            f.typeIDs.removeLast(f.typeIDs.count - keep)
            f.answerMask.removeLast(f.answerMask.count - keep)
            if answer != nil && end >= Int32(keep) { (start, end) = (-100, -100) }
        }
        push(markers.sep, type: 1, mask: 0)
        f.startPosition = start
        f.endPosition = end
        return f
    }

    /// Token span `[s, e]` (inclusive) of characters `chars` (the reference's `char2token_span`:
    /// characters map to the last token covering them; uncovered ends move inwards).
    static func tokenSpan(_ tokens: [Token], charCount: Int, chars: Range<Int>) -> (Int, Int)? {
        let first = chars.lowerBound, last = chars.upperBound - 1
        guard 0 <= first, first <= last, last < charCount else { return nil }
        var map = [Int](repeating: -1, count: charCount)
        for (i, t) in tokens.enumerated() {
            for c in t.offset where c >= 0 && c < charCount { map[c] = i }
        }
        var s = first
        while map[s] < 0 && s + 1 <= last { s += 1 }
        guard map[s] >= 0 else { return nil }
        var e = last
        while map[e] < 0 && e - 1 >= s { e -= 1 }
        return (map[s], map[e])
    }

    /// Levels `0...c`: level 0 lays out `order`; level `k` keeps the supporting paragraphs and the
    /// first `keptCounts[k-1]` paragraphs of `distractorOrder`, in `order`'s order.
    public func levels(_ input: HotpotInput, order: [Int], answer: HotpotInput.AnswerPosition?, distractorOrder: [Int],
                       keptCounts: [Int], training: Bool) -> [HotpotFeature] {
        var result = [feature(input, order: order, answer: answer, training: training)]
        for count in keptCounts {
            let kept = Set(distractorOrder.prefix(Swift.max(0, count)))
            let sequence = order.filter { input.paragraphs[$0].supporting || kept.contains($0) }
            result.append(feature(input, order: sequence, answer: answer, training: training))
        }
        return result
    }

    /// The random choices of one training example: paragraph order, answer position, distractor
    /// permutation and kept-distractor counts (see the type's description).
    public func trainingPlan(_ input: HotpotInput, steps: Int, using rng: inout SplitMix64) -> CropPlan {
        let order = rng.permutation(input.paragraphs.count)
        let answer = input.positions.isEmpty ? nil : input.positions[rng.uniformIndex(below: input.positions.count)]
        let distractors = order.filter { !input.paragraphs[$0].supporting }
        let distractorOrder = rng.permutation(distractors.count).map { distractors[$0] }
        let d = distractors.count
        var counts: [Int] = []
        if steps > 0 {
            if d > steps {
                counts = Array(rng.permutation(d).prefix(steps)).sorted(by: >)
            } else {
                counts = Array(stride(from: d - 1, through: 0, by: -1)) + [Int](repeating: 0, count: steps - d)
            }
        }
        return CropPlan(order: order, answer: answer, distractorOrder: distractorOrder, keptCounts: counts)
    }

    /// The evaluation choices: original order, first answer position, the first 6, 4, 2, 0
    /// distractors (cut to `steps`).
    public func evaluationPlan(_ input: HotpotInput, steps: Int) -> CropPlan {
        let order = Array(input.paragraphs.indices)
        return CropPlan(order: order, answer: input.positions.first,
                        distractorOrder: order.filter { !input.paragraphs[$0].supporting },
                        keptCounts: Array(Self.evaluationCounts.prefix(Swift.max(0, steps))))
    }

    /// The inputs of a plan: level 0 and one re-encoded input per kept-distractor count.
    public func levels(_ input: HotpotInput, plan: CropPlan, training: Bool) -> [HotpotFeature] {
        levels(input, order: plan.order, answer: plan.answer, distractorOrder: plan.distractorOrder,
               keptCounts: plan.keptCounts, training: training)
    }

    /// The random draws of CmpCrop for one example.
    public struct CropPlan: Sendable, Hashable {
        /// Paragraph order of every level.
        public var order: [Int]
        /// The answer position used for every level.
        public var answer: HotpotInput.AnswerPosition?
        /// Distractors in removal order (the last go first).
        public var distractorOrder: [Int]
        /// Kept distractors at levels `1...c`, descending.
        public var keptCounts: [Int]
    }
}

/// One laid-out HotpotQA input (see ``HotpotEncoder``).
public struct HotpotFeature: Sendable, Equatable {
    /// A title or text inside the input.
    public struct Piece: Sendable, Equatable {
        /// Its token positions.
        public var tokens: Range<Int>
        /// The paragraph (index into the input's paragraphs).
        public var paragraph: Int
        /// Title or text.
        public var isTitle: Bool
    }
    /// Token ids.
    public var ids: [Int32] = []
    /// Token types.
    public var typeIDs: [Int32] = []
    /// 1 where an answer may start or end.
    public var answerMask: [Float] = []
    /// Answer start (`1` yes, `2` no, `-100` none).
    public var startPosition: Int32 = -100
    /// Answer end, inclusive.
    public var endPosition: Int32 = -100
    /// Paragraphs laid out, in order.
    public var paragraphs: [Int] = []
    /// Titles and texts laid out (positions may run past a final cut).
    public var pieces: [Piece] = []

    /// An empty feature.
    public init() {}
}

extension HotpotEncoder {
    /// The predicted answer text of one input from its start and end logits, decoded as the
    /// reference does: span scores `start[s] + end[e]` over `s <= e < s + maxAnswerLength`
    /// (positions 0-3 excluded except the yes `(1, 1)` and no `(2, 2)` spans), the `candidates`
    /// best in order; the first that is yes, no, or lies inside one title or text becomes the
    /// answer (cut from the original string and trimmed), else `"empty"`.
    ///
    /// ```swift
    /// let answer = HotpotEncoder.decode(input, feature, start: s, end: e)   // "Chief of Protocol"
    /// ```
    public static func decode(_ input: HotpotInput, _ feature: HotpotFeature, start: [Float], end: [Float],
                              maxAnswerLength: Int = 30, candidates: Int = 25) -> String {
        let length = Swift.min(start.count, end.count, feature.ids.count)
        var spans: [(score: Float, s: Int, e: Int)] = []
        for s in 0..<length {
            if s < 4 && s != 1 && s != 2 { continue }
            let last = s < 4 ? s : Swift.min(length - 1, s + Swift.max(1, maxAnswerLength) - 1)
            guard last >= s else { continue }
            for e in s...last { spans.append((start[s] + end[e], s, e)) }
        }
        spans.sort { $0.score != $1.score ? $0.score > $1.score : ($0.s, $0.e) < ($1.s, $1.e) }
        for span in spans.prefix(Swift.max(1, candidates)) {
            if span.s == 1 && span.e == 1 { return "yes" }
            if span.s == 2 && span.e == 2 { return "no" }
            guard let piece = feature.pieces.first(where: { $0.tokens.contains(span.s) && $0.tokens.contains(span.e) }),
                  input.paragraphs.indices.contains(piece.paragraph) else { continue }
            let paragraph = input.paragraphs[piece.paragraph]
            let tokens = piece.isTitle ? paragraph.titleTokens : paragraph.textTokens
            let first = span.s - piece.tokens.lowerBound, last = span.e - piece.tokens.lowerBound
            guard tokens.indices.contains(first), tokens.indices.contains(last) else { continue }
            let scalars = Array((piece.isTitle ? paragraph.title : paragraph.text).unicodeScalars)
            let lo = tokens[first].offset.lowerBound, hi = tokens[last].offset.upperBound
            guard 0 <= lo, lo <= hi, hi <= scalars.count else { continue }
            var text = String.UnicodeScalarView()
            text.append(contentsOf: scalars[lo..<hi])
            return String(text).trimmingCharactersInSpaces
        }
        return "empty"
    }
}
