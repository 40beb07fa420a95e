import CMCLBase
import CMCLData
import CMCLNN
import CMCLTensor

/// A SQuAD window with the question it came from (decoding needs the context and gold answers).
struct SQuADItem: Sendable {
    var feature: SQuADFeature
    var example: SQuADExample
}

/// A tokenized HotpotQA question with the layout it is trained and evaluated with.
struct HotpotItem: Sendable {
    var input: HotpotInput
    var encoder: HotpotEncoder
    /// Evaluation with only the first `distractors` distractor paragraphs (nil: all of them).
    var distractors: Int?

    /// The evaluation input (original order, first answer position).
    var evaluationFeature: HotpotFeature {
        let plan = encoder.evaluationPlan(input, steps: 0)
        guard let k = distractors else { return encoder.levels(input, plan: plan, training: false)[0] }
        return encoder.levels(input, order: plan.order, answer: plan.answer, distractorOrder: plan.distractorOrder,
                              keptCounts: [k], training: false)[1]
    }
}

/// Question answering from the language: SQuAD windows and HotpotQA inputs as datasets, their
/// batches, and evaluation with the official answer metrics.
enum QAData {
    static func encodeSQuAD(_ data: Dataset<SQuADExample>, tokenizer: any TextTokenizer, maxLength: Int, stride: Int,
                            maxQuestion: Int?) throws -> Dataset<SQuADItem> {
        let features = try SQuAD.features(data, tokenizer: tokenizer, maxLength: maxLength, docStride: stride, maxQueryLength: maxQuestion)
        return Dataset(features.map { SQuADItem(feature: $0, example: data[$0.exampleIndex]) }.elements, name: features.name)
    }

    static func encodeHotpot(_ data: Dataset<HotpotExample>, tokenizer: any TextTokenizer, maxLength: Int, maxQuestion: Int,
                             maxParagraph: Int, distractors: Int?) -> Dataset<HotpotItem> {
        let encoder = HotpotEncoder(tokenizer: tokenizer, maxLength: maxLength, maxQuestionLength: maxQuestion,
                                    maxParagraphLength: maxParagraph)
        let inputs = HotpotInput.prepare(data, tokenizer: tokenizer)
        return Dataset(inputs.elements.map { HotpotItem(input: $0, encoder: encoder, distractors: distractors) }, name: inputs.name)
    }

    static func record(_ item: SQuADItem) -> Value {
        .record([("id", .string(item.example.id)), ("ids", ExampleRecords.ints(item.feature.encoding.ids)),
                 ("tokens", .list(item.feature.encoding.tokens.map { .string($0) })),
                 ("start", .number(Double(item.feature.startPosition))), ("end", .number(Double(item.feature.endPosition))),
                 ("answers", .list(item.example.answers.map { .string($0.text) }))])
    }

    static func record(_ item: HotpotItem) -> Value {
        let f = item.evaluationFeature
        return .record([("id", .string(item.input.id)), ("ids", ExampleRecords.ints(f.ids)),
                        ("start", .number(Double(f.startPosition))), ("end", .number(Double(f.endPosition))),
                        ("paragraphs", .list(f.paragraphs.map { .string(item.input.paragraphs[$0].title) })),
                        ("answer", .string(item.input.answer))])
    }

    /// Rows padded to one length: ids (pad id), token types, attention mask, answer mask.
    static func batch(_ rows: [(ids: [Int32], types: [Int32], answerMask: [Float]?, start: Int32, end: Int32)],
                      length: Int, padID: Int32) throws -> CMCLNN.Batch {
        var ids: [Int32] = [], types: [Int32] = [], mask: [Int32] = [], answer: [Float] = []
        let hasAnswerMask = rows.contains { $0.answerMask != nil }
        for r in rows {
            let pad = length - r.ids.count
            ids += r.ids + [Int32](repeating: padID, count: pad)
            types += r.types + [Int32](repeating: 0, count: pad)
            mask += [Int32](repeating: 1, count: r.ids.count) + [Int32](repeating: 0, count: pad)
            if hasAnswerMask { answer += (r.answerMask ?? [Float](repeating: 1, count: r.ids.count)) + [Float](repeating: 0, count: pad) }
        }
        let shape = [rows.count, length]
        var b = try CMCLNN.Batch(ids: Tensor(ints: ids, shape: shape), attentionMask: Tensor(ints: mask, shape: shape),
                                 tokenTypes: Tensor(ints: types, shape: shape),
                                 startPositions: Tensor(ints: rows.map(\.start), shape: [rows.count]),
                                 endPositions: Tensor(ints: rows.map(\.end), shape: [rows.count]))
        if hasAnswerMask { b = try b.withAnswerMask(Tensor(answer, shape: shape)) }
        return b
    }

    static func order(_ count: Int, seed: UInt64?) -> [Int] {
        guard let seed else { return Array(0..<count) }
        var rng = SplitMix64(seed: seed)
        return rng.permutation(count)
    }

    static func squadBatches(_ items: Dataset<SQuADItem>, size: Int, padID: Int32, seed: UInt64?) throws -> [CMCLNN.Batch] {
        let order = order(items.count, seed: seed)
        return try stride(from: 0, to: order.count, by: size).map { start in
            let rows = order[start..<min(start + size, order.count)].map { i -> (ids: [Int32], types: [Int32], answerMask: [Float]?, start: Int32, end: Int32) in
                let f = items[i].feature
                return (f.encoding.ids, f.encoding.typeIDs, nil, f.startPosition, f.endPosition)
            }
            return try batch(rows, length: max(1, rows.map(\.ids.count).max() ?? 1), padID: padID)
        }
    }

    /// HotpotQA batches. With a seed (training) every example draws its paragraph order, answer
    /// position and crop plan afresh (a new draw each epoch); without one (evaluation) the
    /// original order and the reference's fixed kept-distractor counts are used. Crop levels
    /// `1...cropSteps` ride on the batch, every level padded to the same length.
    static func hotpotBatches(_ items: Dataset<HotpotItem>, size: Int, padID: Int32, seed: UInt64?, cropSteps: Int) throws -> [CMCLNN.Batch] {
        let order = order(items.count, seed: seed)
        return try stride(from: 0, to: order.count, by: size).map { start in
            let chosen = Array(order[start..<min(start + size, order.count)])
            let levels: [[HotpotFeature]] = chosen.map { i in
                let item = items[i]
                if let seed {
                    var rng = SplitMix64(seed: seed &+ UInt64(i) &* 0x9E37_79B9_7F4A_7C15)
                    let plan = item.encoder.trainingPlan(item.input, steps: cropSteps, using: &rng)
                    return item.encoder.levels(item.input, plan: plan, training: true)
                }
                let features = cropSteps == 0 ? [item.evaluationFeature]
                    : item.encoder.levels(item.input, plan: item.encoder.evaluationPlan(item.input, steps: cropSteps), training: false)
                return features.map(ignoringMaskedAnswer)
            }
            let length = max(1, levels.flatMap { $0.map(\.ids.count) }.max() ?? 1)
            func level(_ k: Int) throws -> CMCLNN.Batch {
                try batch(levels.map { ls in
                    let f = ls[min(k, ls.count - 1)]
                    return (f.ids, f.typeIDs, f.answerMask, f.startPosition, f.endPosition)
                }, length: length, padID: padID)
            }
            var b = try level(0)
            if cropSteps > 0 { b.cropLevels = try (1...cropSteps).map(level) }
            return b
        }
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

    /// Whether `v` is a QA dataset evaluated with answer text metrics.
    static func isTextQA(_ v: Value) -> Bool {
        guard case .object(let d as DatasetValue) = v else { return false }
        return d.data is TypedDataset<SQuADItem> || d.data is TypedDataset<HotpotItem>
    }

    /// Start and end logits of every row, in order.
    static func logits(_ model: Module, _ batches: [CMCLNN.Batch]) throws -> (start: [[Float]], end: [[Float]]) {
        guard let text = model as? TextModel, case .span = text.head else {
            throw CMCLError("answer metrics need a model with a span head", hint: "transformer(..., head: \"span\")")
        }
        var starts: [[Float]] = [], ends: [[Float]] = []
        try Tensor.withNoGrad {
            for b in batches {
                let out = try text.forward(b, context: ForwardContext(training: false))
                guard let s = out.startLogits, let e = out.endLogits else { throw CMCLError("the model returned no span logits") }
                let t = s.shape[1]
                let sf = s.toArray(), ef = e.toArray()
                for r in 0..<b.size {
                    starts.append(Array(sf[(r * t)..<((r + 1) * t)]))
                    ends.append(Array(ef[(r * t)..<((r + 1) * t)]))
                }
            }
        }
        return (starts, ends)
    }

    /// Predicted answer texts (one per question) and the gold answers.
    static func predictions(_ model: Module, _ v: Value, batchSize: Int) throws -> (texts: [String], gold: [[String]], hotpot: Bool) {
        guard case .object(let d as DatasetValue) = v else { throw CMCLError("expected a QA dataset") }
        let pad = d.tokenizer?.padID ?? 0
        if let s = d.data as? TypedDataset<SQuADItem> {
            let items = s.data
            let (starts, ends) = try logits(model, try squadBatches(items, size: batchSize, padID: pad, seed: nil))
            var examples: [SQuADExample] = [], index: [String: Int] = [:]
            var features: [SQuADFeature] = []
            for item in items {
                let k: Int
                if let known = index[item.example.id] { k = known } else {
                    k = examples.count
                    index[item.example.id] = k
                    examples.append(item.example)
                }
                var f = item.feature
                f.exampleIndex = k
                features.append(f)
            }
            let ranked = try SQuAD.predict(Dataset(examples), features: Dataset(features), startLogits: starts, endLogits: ends)
            return (ranked.map { $0.first?.text ?? "" }, examples.map { $0.answers.map(\.text) }, false)
        }
        if let h = d.data as? TypedDataset<HotpotItem> {
            let items = h.data
            let (starts, ends) = try logits(model, try hotpotBatches(items, size: batchSize, padID: pad, seed: nil, cropSteps: 0))
            var texts: [String] = []
            for (i, item) in items.enumerated() {
                texts.append(HotpotEncoder.decode(item.input, item.evaluationFeature, start: starts[i], end: ends[i]))
            }
            return (texts, items.map { [$0.input.answer] }, true)
        }
        throw CMCLError("expected a SQuAD or HotpotQA dataset made by encode(...)")
    }

    /// Official answer exact match and F1 (fractions) of the model on a QA dataset.
    static func evaluate(_ model: Module, _ v: Value, batchSize: Int) throws -> [String: Double] {
        let (texts, gold, hotpot) = try predictions(model, v, batchSize: batchSize)
        guard !texts.isEmpty else { throw CMCLError("the dataset is empty") }
        if hotpot {
            let m = try Metrics.hotpot(texts, answers: gold.map { $0.first ?? "" })
            return ["exact_match": m.exactMatch, "f1": m.f1]
        }
        var em = 0.0, f1 = 0.0
        for (t, g) in zip(texts, gold) {
            em += Metrics.exactMatch(t, answers: g)
            f1 += g.isEmpty ? 0 : Metrics.squadF1(t, answers: g)
        }
        return ["exact_match": em / Double(texts.count), "f1": f1 / Double(texts.count)]
    }
}
