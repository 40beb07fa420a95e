import CMCLData
import CMCLNN
import CMCLTensor

/// Predicted answer texts of a span model, one per question, with the gold answers.
public struct AnswerPredictions: Sendable, Equatable {
    /// The best decoded answer of each question.
    public var texts: [String]
    /// The gold answers of each question.
    public var gold: [[String]]
    /// Whether the official HotpotQA answer metrics apply (else SQuAD's).
    public var hotpot: Bool

    /// The official answer exact match and F1 (fractions): HotpotQA's or SQuAD's.
    public func scores() throws -> [String: Double] {
        guard !texts.isEmpty else { throw TaskError.emptyDataset }
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

/// A pipeline of extractive QA data whose answers are decoded to text and scored with the
/// official answer metrics (SQuAD windows, HotpotQA paragraphs).
///
/// ```swift
/// let result = try pipeline.predictions(model, batchSize: 16).scores()   // exact_match, f1
/// ```
public protocol AnswerTextPipeline: BatchPipeline {
    /// The n-best decoded answer of every question, in order, the matrix products in `precision`.
    func predictions(_ model: Module, batchSize: Int, precision: Precision) throws -> AnswerPredictions
}

enum SpanLogits {
    /// Start and end logits of every row, in order.
    static func collect(_ model: Module, _ batches: [Batch], precision: Precision) throws -> (start: [[Float]], end: [[Float]]) {
        guard let text = model as? TextModel, case .span = text.head else { throw TaskError.needsSpanHead }
        var starts: [[Float]] = [], ends: [[Float]] = []
        try Tensor.withNoGrad {
            for b in batches {
                let out = try text.forward(b, context: ForwardContext(training: false, precision: precision))
                guard let s = out.startLogits, let e = out.endLogits else { throw TaskError.missingSpanLogits }
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
}

extension SQuADPipeline: AnswerTextPipeline {
    public var answerText: (any AnswerTextPipeline)? { self }

    /// Windows decoded n-best per question (`SQuAD.predict`).
    public func predictions(_ model: Module, batchSize: Int, precision: Precision = .fp32) throws -> AnswerPredictions {
        let (starts, ends) = try SpanLogits.collect(model, try batches(size: batchSize, shuffleSeed: nil), precision: precision)
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
        return AnswerPredictions(texts: ranked.map { $0.first?.text ?? "" }, gold: examples.map { $0.answers.map(\.text) }, hotpot: false)
    }
}

extension HotpotPipeline: AnswerTextPipeline {
    public var answerText: (any AnswerTextPipeline)? { self }

    /// Each question decoded from its evaluation layout (`HotpotEncoder.decode`).
    public func predictions(_ model: Module, batchSize: Int, precision: Precision = .fp32) throws -> AnswerPredictions {
        let evaluation = HotpotPipeline(items: items, padID: padID, cropSteps: 0)
        let (starts, ends) = try SpanLogits.collect(model, try evaluation.batches(size: batchSize, shuffleSeed: nil),
                                                    precision: precision)
        var texts: [String] = []
        for (i, item) in items.enumerated() {
            texts.append(HotpotEncoder.decode(item.input, item.evaluationFeature, start: starts[i], end: ends[i]))
        }
        return AnswerPredictions(texts: texts, gold: items.map { [$0.input.answer] }, hotpot: true)
    }
}

