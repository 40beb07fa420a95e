import CMCLBase
import CMCLData
import CMCLNN

/// A tokenized HotpotQA question with the layout it is trained and evaluated with.
public struct HotpotItem: Sendable {
    /// The tokenized question and paragraphs.
    public var input: HotpotInput
    /// The layout.
    public var encoder: HotpotEncoder
    /// Evaluation with only the first `distractors` distractor paragraphs (nil: all of them).
    public var distractors: Int?

    /// An item.
    public init(input: HotpotInput, encoder: HotpotEncoder, distractors: Int?) {
        self.input = input
        self.encoder = encoder
        self.distractors = distractors
    }

    /// HotpotQA questions tokenized once and laid out as the reference reads them.
    ///
    /// ```swift
    /// let items = HotpotItem.encode(dev, tokenizer: tok, maxLength: 512, maxQuestion: 128, maxParagraph: 256, distractors: nil)
    /// ```
    public static func encode(_ data: Dataset<HotpotExample>, tokenizer: any TextTokenizer, maxLength: Int, maxQuestion: Int,
                              maxParagraph: Int, distractors: Int?) -> Dataset<HotpotItem> {
        let encoder = HotpotEncoder(tokenizer: tokenizer, maxLength: maxLength, maxQuestionLength: maxQuestion,
                                    maxParagraphLength: maxParagraph)
        let inputs = HotpotInput.prepare(data, tokenizer: tokenizer)
        return Dataset(inputs.elements.map { HotpotItem(input: $0, encoder: encoder, distractors: distractors) }, name: inputs.name)
    }

    /// The evaluation input (original order, first answer position).
    public var evaluationFeature: HotpotFeature {
        let plan = encoder.evaluationPlan(input, steps: 0)
        guard let k = distractors else { return encoder.levels(input, plan: plan, training: false)[0] }
        return encoder.levels(input, order: plan.order, answer: plan.answer, distractorOrder: plan.distractorOrder,
                              keptCounts: [k], training: false)[1]
    }

    /// In evaluation the reference does not widen the answer's paragraph, so an answer past the
    /// paragraph's token limit points at a position no span may take (its loss would be ~1e30);
    /// such answers are ignored (-100) by evaluation losses.
    static func ignoringMaskedAnswer(_ f: HotpotFeature) -> HotpotFeature {
        var g = f
        for p in [f.startPosition, f.endPosition] where p >= 0 {
            if Int(p) >= f.answerMask.count || f.answerMask[Int(p)] == 0 {
                g.startPosition = -100
                g.endPosition = -100
            }
        }
        return g
    }
}

/// HotpotQA batches. With a seed (training) every example draws its paragraph order, answer
/// position and crop plan afresh (a new draw each epoch); without one (evaluation) the original
/// order and the reference's fixed kept-distractor counts are used. Crop levels `1...cropSteps`
/// ride on the batch, every level padded to the same length.
public struct HotpotPipeline: BatchPipeline {
    /// The questions.
    public let items: Dataset<HotpotItem>
    /// The padding id.
    public let padID: Int32
    /// Crop levels per batch (CmpCrop steps).
    public let cropSteps: Int

    /// A pipeline over `items`.
    public init(items: Dataset<HotpotItem>, padID: Int32, cropSteps: Int) {
        self.items = items
        self.padID = padID
        self.cropSteps = cropSteps
    }

    public var count: Int { items.count }

    public func batches(size: Int, shuffleSeed seed: UInt64?) throws -> [Batch] {
        try BatchOrder.groups(count: items.count, size: size, options: BatchOptions(shuffleSeed: seed)).map { chosen in
            let levels: [[HotpotFeature]] = chosen.map { i in
                let item = items[i]
                if let seed {
                    var rng = SplitMix64(seed: seed &+ UInt64(i) &* 0x9E37_79B9_7F4A_7C15)
                    let plan = item.encoder.trainingPlan(item.input, steps: cropSteps, using: &rng)
                    return item.encoder.levels(item.input, plan: plan, training: true)
                }
                let features = cropSteps == 0 ? [item.evaluationFeature]
                    : item.encoder.levels(item.input, plan: item.encoder.evaluationPlan(item.input, steps: cropSteps), training: false)
                return features.map(HotpotItem.ignoringMaskedAnswer)
            }
            let length = Swift.max(1, levels.flatMap { $0.map(\.ids.count) }.max() ?? 1)
            func level(_ k: Int) throws -> Batch {
                try Batch.padded(levels.map { ls in
                    let f = ls[Swift.min(k, ls.count - 1)]
                    return BatchRow(ids: f.ids, typeIDs: f.typeIDs, span: (f.startPosition, f.endPosition), answerMask: f.answerMask)
                }, length: length, padID: padID)
            }
            var b = try level(0)
            if cropSteps > 0 { b.cropLevels = try (1...cropSteps).map(level) }
            return b
        }
    }
}
