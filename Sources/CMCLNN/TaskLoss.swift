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

/// The standard loss of each task head.
public enum TaskLoss {
    /// The task loss of `output` against the labels in `batch`:
    /// classification → cross-entropy; regression → MSE; span → mean of start and end
    /// cross-entropies; ranking → listwise softmax cross-entropy within groups.
    public static func compute(_ output: ModelOutput, batch: Batch, head: TaskHead) throws -> Tensor {
        switch head {
        case let .classification(classes):
            let labels = try requireLabels(batch, op: "classification loss")
            let l = labels.dtype == .int32 ? labels : try labels.to(.int32)
            for v in l.toInts() where v < 0 || Int(v) >= classes {
                if v != -100 { throw NNError.invalidInput(op: "classification loss", reason: "label \(v) is outside 0..<\(classes)") }
            }
            return try output.logits.crossEntropy(labels: l)
        case .regression:
            let labels = try requireLabels(batch, op: "regression loss")
            return try output.logits.mseLoss(labels.to(output.logits.dtype))
        case .span:
            guard let s = batch.startPositions, let e = batch.endPositions, let sl = output.startLogits, let el = output.endLogits else {
                throw NNError.invalidInput(op: "span loss", reason: "the batch needs start and end positions and the model span logits")
            }
            let t = sl.shape[sl.rank - 1]
            // As in Hugging Face: positions outside the sequence are clamped to t and ignored.
            let clampedS = try Tensor(ints: s.toInts().map { $0 < 0 || Int($0) >= t ? -100 : $0 }, shape: s.shape)
            let clampedE = try Tensor(ints: e.toInts().map { $0 < 0 || Int($0) >= t ? -100 : $0 }, shape: e.shape)
            return try sl.crossEntropy(labels: clampedS).add(el.crossEntropy(labels: clampedE)).div(2)
        case .ranking:
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
    }

    /// A ``LossFunction`` running a ``TextModel`` and its head's standard loss; parts: `task`.
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
