import CMCLNN
import CMCLTensor

/// Per-example task losses of one forward pass: `[B]` values (the start losses of span tasks)
/// and, for span tasks, the `[B]` end losses.
public struct PerExampleLoss: @unchecked Sendable {
    /// `[B]` losses (span tasks: start-position losses).
    public var values: Tensor
    /// `[B]` end-position losses of span tasks, else nil.
    public var end: Tensor?

    /// Per-example losses.
    public init(values: Tensor, end: Tensor? = nil) {
        self.values = values
        self.end = end
    }

    /// `[B]` losses of the task: `values`, or `(start + end) / 2` for spans.
    public func combined() throws -> Tensor {
        guard let end else { return values }
        return try values.add(end).div(2)
    }
}

/// The task loss of each example, as the comparative loss needs it (no batch reduction).
///
/// ```swift
/// let l = try ExampleLoss.classification.compute(output, batch: batch)   // [B] cross-entropies
/// ```
public enum ExampleLoss: String, Sendable, Hashable, CaseIterable {
    /// Follow the model's task head.
    case automatic
    /// Cross-entropy of `logits [B, classes]` against `int32` labels.
    case classification
    /// Squared error of `logits [B]` against float labels.
    case regression
    /// Cross-entropies of start and end logits `[B, T]` against start and end positions
    /// (positions outside the sequence are ignored, as in Hugging Face).
    case span

    /// Resolves `.automatic` from a model's head.
    /// - Throws: `CompareError.invalidInput` for `.automatic` on a model without a task head, or a ranking head.
    public func resolved(for model: Module) throws -> ExampleLoss {
        guard self == .automatic else { return self }
        guard let text = model as? TextModel else {
            throw CompareError.invalidInput(operation: "task loss", reason: "\(model.typeName) has no task head; name the task loss (classification, regression or span)")
        }
        switch text.head {
        case .classification: return .classification
        case .regression: return .regression
        case .span: return .span
        case .ranking:
            throw CompareError.invalidInput(operation: "task loss", reason: "ranking heads have no per-example loss; use classification, regression or span")
        }
    }

    /// The per-example losses of `output` against the labels of `batch`.
    /// - Throws: `CompareError.invalidInput` for missing labels or outputs, or the engine's shape errors.
    public func compute(_ output: ModelOutput, batch: Batch) throws -> PerExampleLoss {
        let op = "\(rawValue) loss"
        switch self {
        case .automatic:
            throw CompareError.invalidInput(operation: op, reason: "resolve the task loss for a model first")
        case .classification:
            guard let labels = batch.labels else { throw CompareError.invalidInput(operation: op, reason: "the batch has no labels") }
            let l = labels.dtype == .int32 ? labels : try labels.to(.int32)
            guard output.logits.rank == 2 else {
                throw CompareError.invalidInput(operation: op, reason: "logits must be [batch, classes], got \(output.logits.shape)")
            }
            let classes = output.logits.shape[1]
            for v in l.toInts() where v != -100 && (v < 0 || Int(v) >= classes) {
                throw CompareError.invalidInput(operation: op, reason: "label \(v) is outside 0..<\(classes)")
            }
            return PerExampleLoss(values: try output.logits.crossEntropy(labels: l, reduction: .none))
        case .regression:
            guard let labels = batch.labels else { throw CompareError.invalidInput(operation: op, reason: "the batch has no labels") }
            let predictions = output.logits.rank == 2 && output.logits.shape[1] == 1 ? try output.logits.squeeze(1) : output.logits
            guard predictions.shape == labels.shape else {
                throw CompareError.mismatchedShapes(operation: op, lhs: predictions.shape, rhs: labels.shape)
            }
            return PerExampleLoss(values: try predictions.mseLoss(labels.to(predictions.dtype), reduction: .none))
        case .span:
            guard let s = batch.startPositions, let e = batch.endPositions,
                  let sl = output.startLogits, let el = output.endLogits, sl.rank == 2 else {
                throw CompareError.invalidInput(operation: op, reason: "the batch needs start and end positions and the model [batch, seq] span logits")
            }
            let t = sl.shape[1]
            func clamped(_ p: Tensor) throws -> Tensor {
                try Tensor(ints: p.toInts().map { $0 < 0 || Int($0) >= t ? -100 : $0 }, shape: p.shape)
            }
            return PerExampleLoss(values: try sl.crossEntropy(labels: clamped(s), reduction: .none),
                                  end: try el.crossEntropy(labels: clamped(e), reduction: .none))
        }
    }
}
