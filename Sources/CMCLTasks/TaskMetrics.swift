import CMCLData
import CMCLNN
import CMCLTensor
import Foundation

/// Whether larger or smaller values of a metric are better.
public enum MetricDirection: String, Sendable, Equatable {
    /// Larger is better (accuracy, F1, correlations, exact match, MRR).
    case higher
    /// Smaller is better (losses and errors).
    case lower

    /// Whether larger values are better.
    public var prefersHigher: Bool { self == .higher }
}

/// The metrics of a text model on evaluation batches, each defined once with its declared
/// direction: classification and regression metrics are CMCLData's `Metrics.named`, span and
/// ranking metrics and `loss` come from the model's outputs (`Evaluation.collect`). `evaluate`,
/// `fit(eval:, keep_best:)` and the trainer's keep-best all read this table.
///
/// ```swift
/// let scores = try TaskMetrics.evaluate(net, batches: dev, metrics: ["accuracy", "mcc"])
/// TaskMetrics.direction(of: "rmse")     // .lower
/// ```
public enum TaskMetrics {
    /// Every metric name and its direction.
    public static let directions: [String: MetricDirection] = [
        "accuracy": .higher, "f1": .higher, "macro_f1": .higher, "mcc": .higher,
        "pearson": .higher, "spearman": .higher, "mse": .lower, "rmse": .lower, "mae": .lower,
        "exact_match": .higher, "start_accuracy": .higher, "end_accuracy": .higher, "mrr": .higher,
        "loss": .lower,
    ]

    /// The declared direction of `name` (any case); nil for a name no head has.
    public static func direction(of name: String) -> MetricDirection? { directions[name.lowercased()] }

    static func task(_ head: TaskHead) -> Metrics.Task? {
        switch head {
        case let .classification(classes): return .classification(classes: classes)
        case .regression: return .regression
        default: return nil
        }
    }

    /// The metrics evaluated when none are named.
    public static func defaults(for head: TaskHead) -> [String] { Evaluation.metrics(for: head) }

    /// Every metric a head supports, in display order.
    public static func available(for head: TaskHead) -> [String] {
        let own = Evaluation.metrics(for: head)
        guard let t = task(head) else { return own }
        return Metrics.names(for: t) + own.filter { !Metrics.names(for: t).contains($0) }
    }

    /// The metrics `names` (lowercased; the head's defaults when empty) after checking each
    /// against the head: ``TaskError/unknownMetric(name:head:available:)`` for the first
    /// unknown one.
    public static func resolve(_ names: [String], for head: TaskHead) throws -> [String] {
        let available = available(for: head)
        let wanted = names.isEmpty ? defaults(for: head) : names.map { $0.lowercased() }
        for m in wanted where !available.contains(m) {
            throw TaskError.unknownMetric(name: m, head: "\(head)", available: available)
        }
        return wanted
    }

    /// Classification outputs whose predictions are all one class although the gold labels are
    /// not: a collapsed model (too high a learning rate, too few steps).
    public struct Collapse: Sendable, Equatable, CustomStringConvertible {
        /// Number of predictions, all of class ``predictedClass``.
        public var count: Int
        /// The one class predicted.
        public var predictedClass: Int
        /// Macro-F1 over the classes present in targets or predictions.
        public var macroF1: Double
        /// `all 200 predictions are class 1; macro-F1 0.33`
        public var description: String {
            "all \(count) predictions are class \(predictedClass); macro-F1 \(String(format: "%.2f", macroF1))"
        }
    }

    /// The collapse of classification outputs (see ``Collapse``), if they collapsed.
    public static func collapse(_ outputs: Evaluation.Outputs) -> Collapse? {
        guard case .classification = outputs.head, outputs.predictions.count > 1,
              let first = outputs.predictions.first, outputs.predictions.allSatisfy({ $0 == first }),
              Set(outputs.targets).count > 1 else { return nil }
        let ints = { (xs: [Double]) in xs.map { Int32(exactly: $0.rounded()) ?? -1 } }
        let macro = (try? Metrics.f1(ints(outputs.predictions), ints(outputs.targets), average: .macro)) ?? .nan
        return Collapse(count: outputs.predictions.count, predictedClass: Int(first), macroF1: macro)
    }

    /// What the evaluations of a training run found besides their metrics: how many ran, and
    /// which of them collapsed to one class (by evaluation number, from 1).
    public final class Log: @unchecked Sendable {
        /// Evaluations run.
        public private(set) var evaluations = 0
        /// Collapsed evaluations: (evaluation number, what).
        public private(set) var collapses: [(Int, Collapse)] = []

        /// An empty log.
        public init() {}

        func record(_ collapse: Collapse?) {
            evaluations += 1
            if let collapse { collapses.append((evaluations, collapse)) }
        }
    }

    /// `metrics` of `module` on `batches`, without gradients or dropout, the matrix products in
    /// `precision`; `collapsed` hears when every prediction is one class.
    public static func evaluate(_ module: Module, batches: [Batch], metrics: [String], precision: Precision = .fp32,
                                collapsed: ((Collapse) -> Void)? = nil) throws -> [String: Double] {
        guard let model = module as? TextModel else { throw TaskError.needsTextModel }
        let wanted = try resolve(metrics, for: model.head)
        let outputs = try Tensor.withNoGrad {
            try Evaluation.collect(model, batches: batches, loss: wanted.contains("loss"), precision: precision)
        }
        if let c = collapse(outputs) { collapsed?(c) }
        var result = Evaluation.score(outputs, metrics: wanted)
        if let t = task(model.head) {
            for m in wanted {
                if let v = try Metrics.named(m, predictions: outputs.predictions, targets: outputs.targets, task: t) { result[m] = v }
            }
        }
        return result
    }

    /// The evaluation `Trainer.fit` runs at each evaluation point: `metrics` of the model on
    /// `batches` (engine code only; nothing calls back into the runtime).
    /// `log` counts the evaluations and records the collapsed ones.
    public static func evaluator(batches: [Batch], metrics: [String], precision: Precision = .fp32,
                                 log: Log? = nil) -> (Module) throws -> [String: Double] {
        { m in
            var collapsed: Collapse?
            let result = try evaluate(m, batches: batches, metrics: metrics, precision: precision) { collapsed = $0 }
            log?.record(collapsed)
            return result
        }
    }

    /// The prediction of every row of `batches`, in order, without gradients or dropout: the
    /// class (argmax of `[batch, classes]` logits) as a number, else the score (regression and
    /// ranking heads).
    ///
    /// ```swift
    /// let classes = try TaskMetrics.predictions(net, batches: dev)   // [1, 0, 1, …]
    /// ```
    public static func predictions(_ model: TextModel, batches: [Batch], precision: Precision = .fp32) throws -> [Double] {
        try Tensor.withNoGrad {
            var out: [Double] = []
            for b in batches {
                let logits = try model(b, context: ForwardContext(training: false, precision: precision)).logits
                if logits.rank == 2 {
                    out += try logits.argmax(axis: 1).toInts().map { Double($0) }
                } else {
                    out += logits.toDoubles()
                }
            }
            return out
        }
    }
}
