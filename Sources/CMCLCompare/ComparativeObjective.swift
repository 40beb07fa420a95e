import CMCLNN
import CMCLTensor

/// One ablation operator of a comparative objective.
public enum Ablation: Sendable, Hashable, CustomStringConvertible {
    /// Nested input crops.
    case crop(CmpCrop)
    /// Nested dropout.
    case drop(CmpDrop)

    public var description: String {
        switch self {
        case let .crop(c): return c.description
        case let .drop(d): return d.description
        }
    }
}

/// The cross-model comparative loss as a training objective: runs the full model and its `c`
/// nested ablated variants on a batch, stacks the per-example task losses into `[B, c+1]`, and
/// returns the comparative loss with its parts — a drop-in ``LossFunction`` for `fit`.
///
/// Variants follow ``AblationSchedule`` (crop first when both operators are present). The full
/// model runs with dropout off whenever CmpDrop is used; with crops only, every variant runs
/// ordinary dropout with the SAME masks (one shared draw per site), as the reference code does by
/// restoring the random state before each variant.
///
/// Parts: `loss`, `task` (mean `l_0`), `l_0 ... l_c` (mean loss of each variant), `ranking`,
/// `primary`, `violation_rate`.
///
/// The ranking term is zero (its tie gradients cancel) for a model whose output ignores
/// the ablated units, and its subgradient does not shrink with the size of a violation. A small
/// model that starts on a plateau (e.g. most hidden ReLUs dead because pooled inputs are tiny
/// next to the biases) can therefore be driven to a constant output — every hidden unit dead —
/// and stay there: accuracy at chance while plain cross-entropy learns. In `.comparative` mode
/// each variant's task loss gets weight `1 / P` (`P = (c+2)(c+1)/2` pairs), `2 / (c+2)` of plain
/// training in total.
///
/// ```swift
/// let objective = try ComparativeObjective(ablations: [.crop(CmpCrop(steps: 1)), .drop(CmpDrop(steps: 2))],
///                                          config: ComparativeLossConfig(mode: .comparative))
/// let history = try fit(net, data: train, loss: objective.lossFunction, optimizer: AdamW(learningRate: 1e-3))
/// ```
public struct ComparativeObjective: Sendable {
    /// The crop operator, if any.
    public let crop: CmpCrop?
    /// The dropout operator, if any.
    public let drop: CmpDrop?
    /// The variant order.
    public let schedule: AblationSchedule
    /// Loss configuration.
    public let config: ComparativeLossConfig
    /// The per-example task loss.
    public let taskLoss: TaskLoss
    /// How the variants' forward passes run: one pass each (the default, as the reference code),
    /// or stacked into one pass where possible.
    public var variantExecution: VariantExecution = .sequential

    /// An objective from at most one crop and one drop operator.
    /// - Throws: `CompareError` for no operator, two operators of one kind, or a bad schedule.
    public init(ablations: [Ablation], config: ComparativeLossConfig? = nil, taskLoss: TaskLoss = .automatic) throws {
        var crop: CmpCrop?, drop: CmpDrop?
        for ablation in ablations {
            switch ablation {
            case let .crop(c):
                if crop != nil { throw CompareError.invalidInput(operation: "comparative objective", reason: "give at most one cmpcrop operator (combine steps into one)") }
                crop = c
            case let .drop(d):
                if drop != nil { throw CompareError.invalidInput(operation: "comparative objective", reason: "give at most one cmpdrop operator (combine steps into one)") }
                drop = d
            }
        }
        self.crop = crop
        self.drop = drop
        self.schedule = try AblationSchedule(crop: crop?.steps ?? 0, drop: drop?.steps ?? 0)
        self.config = try config ?? ComparativeLossConfig()
        self.taskLoss = taskLoss
    }

    /// Number of ablated variants `c`.
    public var ablationCount: Int { schedule.ablationCount }

    /// The objective as the trainer's loss closure (token crops for plain batches).
    public var lossFunction: LossFunction {
        { model, batch, context in try self(model, batch, context) }
    }

    /// The loss of one batch for a ``TextModel``.
    public func callAsFunction(_ model: Module, _ batch: Batch, _ context: ForwardContext) throws -> LossOutput {
        try step(model: model, batch: batch, context: context).output
    }

    /// One comparative step on a text model: every variant's forward pass and the loss.
    public func step(model: Module, batch: Batch, context: ForwardContext) throws -> ComparativeStep {
        guard let text = model as? TextModel else {
            throw CompareError.invalidInput(operation: "comparative objective", reason: "\(model.typeName) is not a text model; use step(model:batch:context:forward:)")
        }
        let kind = try taskLoss.resolved(for: model)
        return try step(model: model, batch: batch, context: context,
                        stackable: canStackVariants(model: text, batch: batch, context: context)) { variant, ctx in
            try kind.compute(text.forward(variant, context: ctx), batch: variant)
        }
    }

    /// One comparative step with a caller-supplied forward pass returning per-example losses
    /// (any module, any loss).
    public func step(model: Module, batch: Batch, context: ForwardContext,
                     forward: (Batch, ForwardContext) throws -> PerExampleLoss) throws -> ComparativeStep {
        try step(model: model, batch: batch, context: context, stackable: false, forward: forward)
    }

    /// One comparative step; `stackable` says that `forward` computes every row of a batch
    /// independently, so the variants may run stacked in one pass.
    func step(model: Module, batch: Batch, context: ForwardContext, stackable: Bool,
              forward: (Batch, ForwardContext) throws -> PerExampleLoss) throws -> ComparativeStep {
        let batches: [Batch]
        if let crop, !batch.cropLevels.isEmpty {
            // Crops re-encoded by the data pipeline (multi-paragraph QA), as the reference does.
            let levels = batch.cropLevels
            guard levels.count >= crop.steps else {
                throw CompareError.invalidInput(operation: "cmpcrop", reason: "the batch carries \(levels.count) re-encoded crop levels but cmpcrop(\(crop.steps)) needs \(crop.steps)")
            }
            batches = [batch] + levels.prefix(crop.steps)
        } else if let crop {
            // Segment crops when the batch carries segments, token crops otherwise.
            batches = try crop.crops(batch, generator: context.generator)
        } else {
            batches = [batch]
        }
        let dropout = (drop ?? CmpDrop.shared).makeStep(model: model, generator: context.generator)
        var values = [Tensor](), ends = [Tensor]()
        if stackable {
            (values, ends) = try stackedVariantLosses(batch: batch, dropout: dropout, context: context, forward: forward)
        } else {
            for variant in schedule.variants {
                let level = drop == nil ? 1 : variant.dropLevel
                let ctx = dropout.context(level: level, base: context)
                if drop == nil && !context.dropoutEnabled { ctx.dropoutEnabled = false }
                let losses = try forward(batches[variant.cropLevel], ctx)
                values.append(losses.values)
                if let end = losses.end { ends.append(end) }
            }
        }
        let matrix = try Tensor.stack(values, axis: 1)
        var parts = [String: Double]()
        let total: Tensor
        let violationRate: Double, ranking: Double, primary: Double
        if !ends.isEmpty {
            guard ends.count == values.count else {
                throw CompareError.invalidInput(operation: "comparative objective", reason: "some variants returned end losses and others did not")
            }
            let endMatrix = try Tensor.stack(ends, axis: 1)
            let out = try ComparativeLoss.spanLoss(start: matrix, end: endMatrix, config: config)
            total = out.value
            let pairs = out.result.rows * out.result.columns * (out.result.columns - 1) / 2
            violationRate = pairs == 0 ? 0 : Double(out.result.violations) / Double(pairs)
            ranking = out.result.rankingTerm
            primary = out.result.primaryTerm
            let rc = try matrix.add(endMatrix).div(2).mean(axes: [0]).toDoubles()
            for (k, v) in rc.enumerated() { parts["l_\(k)"] = v }
        } else {
            let out = try ComparativeLoss.loss(matrix, config: config)
            total = out.value
            violationRate = out.result.violationRate
            ranking = out.result.rankingTerm
            primary = out.result.primaryTerm
            for (k, v) in try matrix.mean(axes: [0]).toDoubles().enumerated() { parts["l_\(k)"] = v }
        }
        parts["loss"] = try total.item()
        parts["task"] = parts["l_0"]
        parts["ranking"] = ranking
        parts["primary"] = primary
        parts["violation_rate"] = violationRate
        return ComparativeStep(output: LossOutput(total: total, parts: parts), losses: matrix,
                               endLosses: ends.isEmpty ? nil : try Tensor.stack(ends, axis: 1), batches: batches,
                               dropout: dropout, schedule: schedule)
    }
}

/// Everything one comparative step computed, for inspection.
public struct ComparativeStep: @unchecked Sendable {
    /// The loss and its parts, as the trainer consumes them.
    public let output: LossOutput
    /// `[B, c+1]` per-example losses (span: start losses), on the tape.
    public let losses: Tensor
    /// `[B, c+1]` end losses of span tasks.
    public let endLosses: Tensor?
    /// The input of each crop level.
    public let batches: [Batch]
    /// The step's shared dropout draws.
    public let dropout: NestedDropoutStep
    /// The variant order.
    public let schedule: AblationSchedule
}

extension CmpDrop {
    /// One level at the sites' own rates: the shared ordinary-dropout masks of crop-only objectives.
    static let shared: CmpDrop = {
        do { return try CmpDrop(steps: 1) } catch { return CmpDrop(uncheckedSteps: 1) }
    }()

    init(uncheckedSteps: Int) {
        steps = uncheckedSteps
        rate = nil
    }
}
