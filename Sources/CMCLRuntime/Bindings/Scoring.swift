import CMCLData
import CMCLNN
import CMCLTensor

/// Metrics of a model on evaluation batches for `evaluate` and `fit(eval:, keep_best:)`:
/// classification and regression metrics come from `Metrics.named` (the module behind the
/// metric builtins), span and ranking metrics and `loss` from the engine's evaluation.
enum Scoring {
    static func task(_ head: TaskHead) -> Metrics.Task? {
        switch head {
        case let .classification(classes): return .classification(classes: classes)
        case .regression: return .regression
        default: return nil
        }
    }

    /// The metric names a head supports.
    static func available(_ head: TaskHead) -> [String] {
        let own = Evaluation.metrics(for: head)
        guard let t = task(head) else { return own }
        return Metrics.names(for: t) + own.filter { !Metrics.names(for: t).contains($0) }
    }

    /// `collapsed` hears when every prediction is one class (``Evaluation/collapse(_:)``).
    static func evaluate(_ module: Module, batches: [CMCLNN.Batch], metrics: [String], precision: Precision = .fp32,
                         collapsed: ((Evaluation.Collapse) -> Void)? = nil) throws -> [String: Double] {
        guard let model = module as? TextModel else { throw CMCLError("evaluate needs a text model with a task head") }
        let available = available(model.head)
        let wanted = metrics.isEmpty ? Evaluation.metrics(for: model.head) : metrics.map { $0.lowercased() }
        for m in wanted where !available.contains(m) {
            throw CMCLError("unknown metric \"\(m)\" for a \(model.head) head", hint: "available: \(available.joined(separator: ", "))")
        }
        let outputs = try Tensor.withNoGrad { try Evaluation.collect(model, batches: batches, loss: wanted.contains("loss"), precision: precision) }
        if let c = Evaluation.collapse(outputs) { collapsed?(c) }
        var result = Evaluation.score(outputs, metrics: wanted)
        if let t = task(model.head) {
            for m in wanted {
                if let v = try Metrics.named(m, predictions: outputs.predictions, targets: outputs.targets, task: t) { result[m] = v }
            }
        }
        return result
    }
}
