import CMCLNN
import CMCLTensor

/// Plain training: the mean task loss with the model's ordinary dropout — the baseline the
/// comparative loss is compared with. Parts: `loss`, `task`.
///
/// ```swift
/// let history = try fit(net, data: train, loss: PlainObjective().lossFunction, optimizer: opt)
/// ```
public struct PlainObjective: Sendable {
    /// The per-example task loss.
    public let taskLoss: TaskLoss

    /// A plain objective.
    public init(taskLoss: TaskLoss = .automatic) { self.taskLoss = taskLoss }

    /// The objective as the trainer's loss closure.
    public var lossFunction: LossFunction { { model, batch, context in try self(model, batch, context) } }

    /// The loss of one batch.
    public func callAsFunction(_ model: Module, _ batch: Batch, _ context: ForwardContext) throws -> LossOutput {
        let text = try RDropObjective.textModel(model, operation: "plain objective")
        let losses = try taskLoss.resolved(for: model).compute(text.forward(batch, context: context), batch: batch)
        let total = try losses.combined().mean()
        let value = try total.item()
        return LossOutput(total: total, parts: ["loss": value, "task": value])
    }
}

/// R-Drop (Liang et al., 2021): two passes with independent dropout masks, the mean of their task
/// losses plus `alpha ×` the symmetric KL divergence between their output distributions
/// (``RDrop/symmetricKL(logitsA:logitsB:rows:classes:alpha:reduction:)``, recorded on the tape).
/// Span tasks average the divergences of start and end logits; regression uses the squared
/// difference of the two predictions. Parts: `loss`, `task`, `kl`.
///
/// With `.sum` (the R-Drop README) the divergence weighs `batch size` times more than with
/// `.mean`; the BERT/GLUE code of the R-Drop authors corresponds to `alpha = 0.25` with `.sum`.
/// A constant output has zero divergence, so a large weight can hold a small model whose signal
/// is still weak at its constant-output plateau (e.g. dead ReLUs) and it never learns.
///
/// ```swift
/// let rdrop = try RDropObjective(alpha: 4)
/// let history = try fit(net, data: train, loss: rdrop.lossFunction, optimizer: opt)
/// ```
public struct RDropObjective: Sendable {
    /// Weight of the divergence term.
    public let alpha: Double
    /// How per-example divergences are reduced (the reference sums over the batch).
    public let reduction: RDrop.Reduction
    /// The per-example task loss.
    public let taskLoss: TaskLoss

    /// An R-Drop objective.
    /// - Throws: `CompareError` for an alpha that is not finite and non-negative.
    public init(alpha: Double = 1, reduction: RDrop.Reduction = .sum, taskLoss: TaskLoss = .automatic) throws(CompareError) {
        if !(alpha.isFinite && alpha >= 0) {
            throw .invalidParameter(operation: "r-drop", name: "alpha", value: alpha, requirement: "it must be finite and >= 0")
        }
        self.alpha = alpha
        self.reduction = reduction
        self.taskLoss = taskLoss
    }

    /// The objective as the trainer's loss closure.
    public var lossFunction: LossFunction { { model, batch, context in try self(model, batch, context) } }

    /// The loss of one batch (two forward passes drawing different masks from the context's generator).
    public func callAsFunction(_ model: Module, _ batch: Batch, _ context: ForwardContext) throws -> LossOutput {
        let text = try Self.textModel(model, operation: "r-drop")
        let kind = try taskLoss.resolved(for: model)
        let a = try text.forward(batch, context: context)
        let b = try text.forward(batch, context: context)
        let task = try kind.compute(a, batch: batch).combined().mean()
            .add(kind.compute(b, batch: batch).combined().mean()).div(2)
        let divergence: Tensor
        switch kind {
        case .span:
            guard let sa = a.startLogits, let sb = b.startLogits, let ea = a.endLogits, let eb = b.endLogits else {
                throw CompareError.invalidInput(operation: "r-drop", reason: "the model returned no span logits")
            }
            divergence = try symmetricKL(sa, sb).add(symmetricKL(ea, eb)).div(2)
        case .regression:
            let d = try a.logits.sub(b.logits).square()
            divergence = reduction == .sum ? try d.sum() : try d.mean()
        default:
            divergence = try symmetricKL(a.logits, b.logits)
        }
        let total = try task.add(divergence.mul(alpha))
        return LossOutput(total: total, parts: ["loss": try total.item(), "task": try task.item(), "kl": try divergence.item()])
    }

    /// The (unweighted) symmetric KL of two `[rows, classes]` logit tensors as a tape operation.
    /// - Throws: `CompareError` for mismatched shapes or non-finite logits.
    public func symmetricKL(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        guard a.shape == b.shape, a.rank == 2 else {
            throw CompareError.mismatchedShapes(operation: "r-drop", lhs: a.shape, rhs: b.shape)
        }
        let r = try RDrop.symmetricKL(logitsA: a.toDoubles(), logitsB: b.toDoubles(), rows: a.shape[0],
                                      classes: a.shape[1], alpha: 1, reduction: reduction)
        let ga = try Tensor(doubles: r.gradientA, shape: a.shape).to(a.dtype)
        let gb = try Tensor(doubles: r.gradientB, shape: b.shape).to(b.dtype)
        return Tensor.custom(name: "r-drop kl", inputs: [a, b], output: Tensor(scalar: r.loss, dtype: a.dtype)) { g in
            [try ga.mul(g), try gb.mul(g)]
        }
    }

    static func textModel(_ model: Module, operation: String) throws -> TextModel {
        guard let text = model as? TextModel else {
            throw CompareError.invalidInput(operation: operation, reason: "\(model.typeName) is not a text model with a task head")
        }
        return text
    }
}
