import CMCLTensor

/// The result of a loss function: the differentiable total and named scalar parts (for the
/// comparative loss: every variant's task loss).
///
/// ```swift
/// let out = LossOutput(total: ce, parts: ["task": try ce.item()])
/// ```
public struct LossOutput: @unchecked Sendable {
    /// The scalar to back-propagate.
    public var total: Tensor
    /// Named values logged alongside (not differentiated).
    public var parts: [String: Double]

    /// A loss output.
    public init(total: Tensor, parts: [String: Double] = [:]) {
        self.total = total
        self.parts = parts
    }
}

/// A loss function as the trainer calls it.
public typealias LossFunction = (_ model: Module, _ batch: Batch, _ context: ForwardContext) throws -> LossOutput

/// Task losses of one forward pass, reduced as asked: `[B]` values per example (the start
/// losses of span tasks) or one scalar, and for span tasks the end losses alike.
public struct PerExampleLoss: @unchecked Sendable {
    /// The losses (span tasks: start-position losses).
    public var values: Tensor
    /// End-position losses of span tasks, else nil.
    public var end: Tensor?

    /// Losses.
    public init(values: Tensor, end: Tensor? = nil) {
        self.values = values
        self.end = end
    }

    /// The task's losses: `values`, or `(start + end) / 2` for spans.
    public func combined() throws -> Tensor {
        guard let end else { return values }
        return try values.add(end).div(2)
    }
}

/// The task loss of each head, written once: per example for the comparative loss and R-Drop
/// (`reduction: .none`), averaged over the batch for training (`.mean`). Classification is
/// cross-entropy of `logits [B, classes]` against `int32` labels (-100 ignored, other labels
/// checked against the classes); regression the squared error of `logits [B]`; span the mean
/// of the start and end cross-entropies, positions outside the sequence ignored (as in Hugging
/// Face). Ranking heads have only a batch loss (``compute(_:batch:head:)``).
///
/// ```swift
/// let perExample = try TaskLoss.classification.compute(output, batch: batch)            // [B] cross-entropies
/// let mean = try TaskLoss.classification.compute(output, batch: batch, reduction: .mean).combined()
/// ```
public enum TaskLoss: String, Sendable, Hashable, CaseIterable {
    /// Follow the model's task head.
    case automatic
    /// Cross-entropy against class labels.
    case classification
    /// Squared error against scores.
    case regression
    /// Start and end cross-entropies against answer positions.
    case span

    /// The loss of a head; nil for ranking heads (listwise, no per-example loss).
    public init?(head: TaskHead) {
        switch head {
        case .classification: self = .classification
        case .regression: self = .regression
        case .span: self = .span
        case .ranking: return nil
        }
    }

    /// Resolves `.automatic` from a model's head.
    /// - Throws: `NNError.invalidInput` for `.automatic` on a model without a task head, or a ranking head.
    public func resolved(for model: Module) throws -> TaskLoss {
        guard self == .automatic else { return self }
        guard let text = model as? TextModel else {
            throw NNError.invalidInput(op: "task loss", reason: "\(model.typeName) has no task head; name the task loss (classification, regression or span)")
        }
        guard let loss = TaskLoss(head: text.head) else {
            throw NNError.invalidInput(op: "task loss", reason: "ranking heads have no per-example loss; use classification, regression or span")
        }
        return loss
    }

    /// The losses of `output` against the targets of `batch`, reduced by `reduction`.
    /// - Throws: `NNError.invalidInput` for missing labels or outputs, out-of-range labels or
    ///   mismatched shapes.
    public func compute(_ output: ModelOutput, batch: Batch, reduction: Reduction = .none) throws -> PerExampleLoss {
        let op = "\(rawValue) loss"
        switch self {
        case .automatic:
            throw NNError.invalidInput(op: op, reason: "resolve the task loss for a model first")
        case .classification:
            let labels = try Self.requireLabels(batch, op: op)
            let l = labels.dtype == .int32 ? labels : try labels.to(.int32)
            guard output.logits.rank == 2 else {
                throw NNError.invalidInput(op: op, reason: "logits must be [batch, classes], got \(output.logits.shape)")
            }
            let classes = output.logits.shape[1]
            for v in l.toInts() where v != -100 && (v < 0 || Int(v) >= classes) {
                throw NNError.invalidInput(op: op, reason: "label \(v) is outside 0..<\(classes)")
            }
            return PerExampleLoss(values: try output.logits.crossEntropy(labels: l, reduction: reduction))
        case .regression:
            let labels = try Self.requireLabels(batch, op: op)
            let predictions = output.logits.rank == 2 && output.logits.shape[1] == 1 ? try output.logits.squeeze(1) : output.logits
            guard predictions.shape == labels.shape else {
                throw NNError.invalidInput(op: op, reason: "shapes \(predictions.shape) and \(labels.shape) differ")
            }
            return PerExampleLoss(values: try predictions.mseLoss(labels.to(predictions.dtype), reduction: reduction))
        case .span:
            guard let s = batch.startPositions, let e = batch.endPositions,
                  let sl = output.startLogits, let el = output.endLogits, sl.rank == 2 else {
                throw NNError.invalidInput(op: op, reason: "the batch needs start and end positions and the model [batch, seq] span logits")
            }
            let t = sl.shape[1]
            func clamped(_ p: Tensor) throws -> Tensor {
                try Tensor(ints: p.toInts().map { $0 < 0 || Int($0) >= t ? -100 : $0 }, shape: p.shape)
            }
            let starts = try clamped(s), ends = try clamped(e)
            return PerExampleLoss(values: try sl.crossEntropy(labels: starts, reduction: reduction),
                                  end: try el.crossEntropy(labels: ends, reduction: reduction))
        }
    }

    /// The batch-mean task loss of `output` for `head`: the head's loss averaged (span: the
    /// mean of the start and end means), ranking the listwise softmax cross-entropy within
    /// groups.
    public static func compute(_ output: ModelOutput, batch: Batch, head: TaskHead) throws -> Tensor {
        guard let loss = TaskLoss(head: head) else { return try ranking(output, batch: batch) }
        return try loss.compute(output, batch: batch, reduction: .mean).combined()
    }

    /// Listwise softmax cross-entropy of each group of `batch.groupSize` candidates, averaged.
    static func ranking(_ output: ModelOutput, batch: Batch) throws -> Tensor {
        let labels = try requireLabels(batch, op: "ranking loss")
        let g = batch.groupSize ?? batch.size
        let scores = try output.logits.reshape([-1, g])
        let rel = try labels.to(scores.dtype).reshape([-1, g])
        let sums = try rel.sum(axes: [1], keepDims: true)
        if sums.toArray().contains(where: { !($0 > 0) }) {
            throw NNError.invalidInput(op: "ranking loss", reason: "every group of \(g) candidates needs a positive relevance label")
        }
        let target = try rel.div(sums)
        return try scores.logSoftmax(axis: -1).mul(target).sum(axes: [1]).mean().neg()
    }

    /// A ``LossFunction`` running a ``TextModel`` and its head's batch-mean loss; parts: `task`.
    public static func standard() -> LossFunction {
        { model, batch, context in
            guard let m = model as? TextModel else {
                throw NNError.invalidInput(op: "task loss", reason: "\(model.typeName) is not a text model with a task head")
            }
            let out = try m.forward(batch, context: context)
            let loss = try compute(out, batch: batch, head: m.head)
            return LossOutput(total: loss, parts: ["task": try loss.item()])
        }
    }

    static func requireLabels(_ batch: Batch, op: String) throws -> Tensor {
        guard let l = batch.labels else { throw NNError.invalidInput(op: op, reason: "the batch has no labels") }
        return l
    }
}
