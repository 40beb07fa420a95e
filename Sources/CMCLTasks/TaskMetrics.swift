import CMCLData
import CMCLNN
import CMCLTensor

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

    /// `metrics` of `module` on `batches`, without gradients or dropout.
    public static func evaluate(_ module: Module, batches: [Batch], metrics: [String]) throws -> [String: Double] {
        guard let model = module as? TextModel else { throw TaskError.needsTextModel }
        let wanted = try resolve(metrics, for: model.head)
        let outputs = try Tensor.withNoGrad { try Evaluation.collect(model, batches: batches, loss: wanted.contains("loss")) }
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
    public static func evaluator(batches: [Batch], metrics: [String]) -> (Module) throws -> [String: Double] {
        { try evaluate($0, batches: batches, metrics: metrics) }
    }
}
