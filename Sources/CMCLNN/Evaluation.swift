import CMCLTensor

/// Evaluation of a text model on held-out batches: the Swift form of
/// `evaluate(model, data, metrics: [...])`.
///
/// Metrics by head:
/// - classification: `accuracy`, `f1` (binary: of class 1; else macro), `macro_f1`, `loss`;
/// - regression: `mse`, `rmse`, `mae`, `pearson`, `loss`;
/// - span: `exact_match` (start and end both right), `start_accuracy`, `end_accuracy`, `loss`;
/// - ranking: `mrr`, `accuracy` (top-scored candidate is relevant), `loss`.
///
/// ```swift
/// let m = try Evaluation.evaluate(net, batches: dev, metrics: ["accuracy", "f1"])
/// m["accuracy"]    // 0.91
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

    /// Runs `model` over `batches` without gradients and computes `metrics` (all of the head's
    /// metrics when empty), its matrix products in `precision`.
    public static func evaluate(_ module: Module, batches: [Batch], metrics: [String] = [],
                                precision: Precision = .fp32) throws -> [String: Double] {
        guard let model = module as? TextModel else {
            throw NNError.invalidInput(op: "evaluate", reason: "\(module.typeName) is not a text model with a task head")
        }
        let available = Self.metrics(for: model.head)
        let wanted = metrics.isEmpty ? available : metrics.map { $0.lowercased() }
        for m in wanted where !available.contains(m) { throw NNError.unknownMetric(name: m, available: available) }
        return score(try collect(model, batches: batches, loss: wanted.contains("loss"), precision: precision), metrics: wanted)
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

    /// The named metrics of collected outputs (names as ``metrics(for:)`` lists them).
    public static func score(_ outputs: Outputs, metrics wanted: [String]) -> [String: Double] {
        let (predictions, targets) = (outputs.predictions, outputs.targets)
        let (lossSum, lossCount) = (outputs.lossSum, outputs.lossCount)
        let (startHits, endHits) = (outputs.startHits, outputs.endHits)
        let (reciprocalRanks, topHits) = (outputs.reciprocalRanks, outputs.topHits)
        var result: [String: Double] = [:]
        for m in wanted {
            switch m {
            case "loss": result[m] = lossCount == 0 ? .nan : lossSum / Double(lossCount)
            case "accuracy":
                if case .ranking = outputs.head { result[m] = mean(topHits.map { $0 ? 1 : 0 }) }
                else { result[m] = mean(zip(predictions, targets).map { $0 == $1 ? 1 : 0 }) }
            case "f1":
                if case let .classification(c) = outputs.head, c == 2 { result[m] = f1(predictions, targets, positive: 1) }
                else { result[m] = macroF1(predictions, targets) }
            case "macro_f1": result[m] = macroF1(predictions, targets)
            case "mse": result[m] = mean(zip(predictions, targets).map { ($0 - $1) * ($0 - $1) })
            case "rmse": result[m] = mean(zip(predictions, targets).map { ($0 - $1) * ($0 - $1) }).squareRoot()
            case "mae": result[m] = mean(zip(predictions, targets).map { Swift.abs($0 - $1) })
            case "pearson": result[m] = pearson(predictions, targets)
            case "exact_match": result[m] = mean(zip(startHits, endHits).map { $0 && $1 ? 1 : 0 })
            case "start_accuracy": result[m] = mean(startHits.map { $0 ? 1 : 0 })
            case "end_accuracy": result[m] = mean(endHits.map { $0 ? 1 : 0 })
            case "mrr": result[m] = mean(reciprocalRanks)
            default: break
            }
        }
        return result
    }

    /// Classification outputs whose predictions are all one class although the gold labels are
    /// not: a collapsed model (too high a learning rate, too few steps). Nil otherwise.
    public struct Collapse: Sendable, Equatable, CustomStringConvertible {
        /// Number of predictions, all of class ``predictedClass``.
        public var count: Int
        public var predictedClass: Int
        /// Macro-F1 over the classes present in targets or predictions.
        public var macroF1: Double
        /// `all 200 predictions are class 1; macro-F1 0.33`
        public var description: String {
            "all \(count) predictions are class \(predictedClass); macro-F1 \(String(format: "%.2f", macroF1))"
        }
    }

    /// The collapse of classification outputs (see ``Collapse``), if they collapsed.
    public static func collapse(_ outputs: Outputs) -> Collapse? {
        guard case .classification = outputs.head, outputs.predictions.count > 1,
              let first = outputs.predictions.first, outputs.predictions.allSatisfy({ $0 == first }),
              Set(outputs.targets).count > 1 else { return nil }
        return Collapse(count: outputs.predictions.count, predictedClass: Int(first),
                        macroF1: macroF1(outputs.predictions, outputs.targets))
    }

    static func mean(_ xs: [Double]) -> Double { xs.isEmpty ? .nan : xs.reduce(0, +) / Double(xs.count) }

    /// F1 of class `positive`.
    public static func f1(_ predictions: [Double], _ targets: [Double], positive: Double) -> Double {
        var tp = 0.0, fp = 0.0, fn = 0.0
        for (p, t) in zip(predictions, targets) {
            if p == positive && t == positive { tp += 1 } else if p == positive { fp += 1 } else if t == positive { fn += 1 }
        }
        return tp == 0 ? 0 : 2 * tp / (2 * tp + fp + fn)
    }

    /// Unweighted mean of per-class F1 over the classes present in targets or predictions.
    public static func macroF1(_ predictions: [Double], _ targets: [Double]) -> Double {
        let classes = Set(predictions).union(targets).sorted()
        return mean(classes.map { f1(predictions, targets, positive: $0) })
    }

    /// Pearson correlation (NaN when either side is constant).
    public static func pearson(_ x: [Double], _ y: [Double]) -> Double {
        let n = Double(x.count)
        guard n > 1 else { return .nan }
        let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for (a, b) in zip(x, y) { sxy += (a - mx) * (b - my); sxx += (a - mx) * (a - mx); syy += (b - my) * (b - my) }
        return sxx == 0 || syy == 0 ? .nan : sxy / (sxx * syy).squareRoot()
    }
}
