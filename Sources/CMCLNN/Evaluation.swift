import CMCLTensor

/// What a text model produces on held-out batches, and the metrics read straight off its outputs.
///
/// Metrics by head (the names `evaluate(model, data, metrics: [...])` accepts; CMCLTasks'
/// `TaskMetrics` adds the classification and regression metrics of CMCLData's `Metrics`):
/// - classification: `accuracy`, `f1` (binary: of class 1; else macro), `macro_f1`, `loss`;
/// - regression: `mse`, `rmse`, `mae`, `pearson`, `loss`;
/// - span: `exact_match` (start and end both right), `start_accuracy`, `end_accuracy`, `loss`;
/// - ranking: `mrr`, `accuracy` (top-scored candidate is relevant), `loss`.
///
/// ```swift
/// let outputs = try Tensor.withNoGrad { try Evaluation.collect(net, batches: dev) }
/// Evaluation.score(outputs, metrics: ["loss"])    // ["loss": 0.41]
/// ```
public enum Evaluation {
    /// The metric names each head supports.
    public static func metrics(for head: TaskHead) -> [String] {
        switch head {
        case .classification: return ["accuracy", "f1", "macro_f1", "loss"]
        case .regression: return ["mse", "rmse", "mae", "pearson", "loss"]
        case .span: return ["exact_match", "start_accuracy", "end_accuracy", "loss"]
        case .ranking: return ["mrr", "accuracy", "loss"]
        }
    }

    /// What a model produced on evaluation batches, for any metric to be computed from.
    public struct Outputs: Sendable {
        /// The head evaluated.
        public var head: TaskHead
        /// Predicted classes (classification) or values (regression), one per example.
        public var predictions: [Double] = []
        /// Gold classes or values.
        public var targets: [Double] = []
        /// Summed task loss and its example count.
        public var lossSum = 0.0, lossCount = 0
        /// Span heads: whether the argmax start / end position was right.
        public var startHits: [Bool] = [], endHits: [Bool] = []
        /// Ranking heads: reciprocal rank and top-1 hit per query.
        public var reciprocalRanks: [Double] = [], topHits: [Bool] = []
    }

    /// The outputs of `module` on `batches` (no gradients, no dropout); `loss` adds the task loss.
    public static func collect(_ module: Module, batches: [Batch], loss: Bool = true, precision: Precision = .fp32) throws -> Outputs {
        guard let model = module as? TextModel else {
            throw NNError.invalidInput(op: "evaluate", reason: "\(module.typeName) is not a text model with a task head")
        }
        guard !batches.isEmpty else { throw NNError.invalidInput(op: "evaluate", reason: "no evaluation batches") }
        try precision.check(op: "evaluate")
        let context = ForwardContext(training: false, precision: precision)
        var lossSum = 0.0, lossCount = 0
        var predictions: [Double] = [], targets: [Double] = []     // class/real/rank predictions
        var startHits: [Bool] = [], endHits: [Bool] = []
        var reciprocalRanks: [Double] = [], topHits: [Bool] = []
        let wanted = loss ? ["loss"] : []
        try Tensor.withNoGrad {
            for batch in batches {
                let out = try model.forward(batch, context: context)
                if wanted.contains("loss") {
                    lossSum += try TaskLoss.compute(out, batch: batch, head: model.head).item() * Double(batch.size)
                    lossCount += batch.size
                }
                switch model.head {
                case .classification:
                    let labels = try TaskLoss.requireLabels(batch, op: "evaluate").toDoubles()
                    predictions += try out.logits.argmax(axis: -1).toDoubles()
                    targets += labels
                case .regression:
                    predictions += out.logits.toDoubles()
                    targets += try TaskLoss.requireLabels(batch, op: "evaluate").toDoubles()
                case .span:
                    guard let s = batch.startPositions, let e = batch.endPositions, let sl = out.startLogits, let el = out.endLogits else {
                        throw NNError.invalidInput(op: "evaluate", reason: "span evaluation needs start and end positions")
                    }
                    let ps = try sl.argmax(axis: -1).toInts(), pe = try el.argmax(axis: -1).toInts()
                    startHits += zip(ps, s.toInts()).map { $0 == $1 }
                    endHits += zip(pe, e.toInts()).map { $0 == $1 }
                case .ranking:
                    let rel = try TaskLoss.requireLabels(batch, op: "evaluate").toDoubles()
                    let scores = out.logits.toDoubles()
                    let g = batch.groupSize ?? batch.size
                    for q in stride(from: 0, to: scores.count, by: g) {
                        let order = (q..<(q + g)).sorted { scores[$0] > scores[$1] }
                        let rank = order.firstIndex { rel[$0] > 0 }
                        reciprocalRanks.append(rank.map { 1 / Double($0 + 1) } ?? 0)
                        topHits.append(rank == 0)
                    }
                }
            }
        }
        return Outputs(head: model.head, predictions: predictions, targets: targets, lossSum: lossSum, lossCount: lossCount,
                       startHits: startHits, endHits: endHits, reciprocalRanks: reciprocalRanks, topHits: topHits)
    }

    /// The metrics read off collected outputs: `loss`, span `exact_match`, `start_accuracy` and
    /// `end_accuracy`, ranking `mrr` and `accuracy`. Other names are left out (classification and
    /// regression metrics are CMCLData's `Metrics`, through CMCLTasks' `TaskMetrics`).
    public static func score(_ outputs: Outputs, metrics wanted: [String]) -> [String: Double] {
        var result: [String: Double] = [:]
        for m in wanted {
            switch m {
            case "loss": result[m] = outputs.lossCount == 0 ? .nan : outputs.lossSum / Double(outputs.lossCount)
            case "accuracy":
                if case .ranking = outputs.head { result[m] = mean(outputs.topHits.map { $0 ? 1 : 0 }) }
            case "exact_match": result[m] = mean(zip(outputs.startHits, outputs.endHits).map { $0 && $1 ? 1 : 0 })
            case "start_accuracy": result[m] = mean(outputs.startHits.map { $0 ? 1 : 0 })
            case "end_accuracy": result[m] = mean(outputs.endHits.map { $0 ? 1 : 0 })
            case "mrr": result[m] = mean(outputs.reciprocalRanks)
            default: break
            }
        }
        return result
    }

    static func mean(_ xs: [Double]) -> Double { xs.isEmpty ? .nan : xs.reduce(0, +) / Double(xs.count) }
}
