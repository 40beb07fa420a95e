import CMCLNN
import CMCLTasks

/// The arguments `fit` and `export_torch` share, read and checked once: `Training.fit` trains
/// with them and `TorchExport.export` writes the same run as a PyTorch project, so the two
/// builtins cannot disagree on a default or a check.
///
/// ```swift
/// let run = try FitArguments(a)            // fit(model, data, loss: …, epochs: …, …)
/// let optimizer = try run.optimizer.make()
/// ```
struct FitArguments {
    /// The model argument.
    let model: ModelValue
    /// The training data (a dataset, or a list of batches for `fit`).
    let data: Value
    /// `loss:`; nil trains with the model's task loss.
    let loss: LossValue?
    /// `optimizer:`, or the default: adamw(lr: 5e-5) for a pretrained model, adamw(lr: 1e-3)
    /// for one built from scratch (as the Hugging Face trainer and cmcl's small models).
    let optimizer: OptimizerValue
    /// `schedule:`, or the default: linear decay to 0 for a pretrained model, constant otherwise.
    let schedule: LearningRateSchedule
    /// `epochs:` and `steps:` (each positive when given).
    let epochs: Int?, steps: Int?
    /// `batch:`, positive.
    let batchSize: Int
    /// `eval:`.
    let eval: Value?
    /// `every:` (positive when given).
    let every: Int?
    /// `keep_best:`.
    let keepBest: String?
    /// `metrics:` as written.
    let metrics: [String]
    /// `seed:` (negative seeds are 0).
    let seed: UInt64
    /// `tokenizer:`, else the model's own.
    let tokenizer: Value?
    /// `max_len:`.
    let maxLength: Int
    /// `clip:` (positive and finite when given; nil: no clipping).
    let clip: Double?
    /// `dropout:`.
    let dropout: Bool

    /// Crop levels of a comparative loss with CmpCrop (data that re-encodes crops makes that many).
    var cropSteps: Int { loss?.cropSteps ?? 0 }

    init(_ a: Arguments) throws {
        model = try a.object("model", as: ModelValue.self, described: "a model")
        data = try a.value("data")
        if let l = try a.optional("loss") {
            guard case .object(let lv as LossValue) = l else {
                var error = a.typeError("loss", "a loss (task_loss(), ce, cmp(...), rdrop(...))", l)
                if case .object(let o) = l, o.typeName == "Ablation" {
                    // `loss: cmpdrop(2)`: the ablation goes inside the comparative loss.
                    error.hint = "an ablation is not a loss: write `loss: cmp(ce, ablate: \(o.display(.print)))`"
                }
                throw error
            }
            loss = lv
        } else {
            loss = nil
        }
        let pretrained = model.origin != nil
        if let o = try a.optional("optimizer") {
            guard case .object(let ov as OptimizerValue) = o else { throw a.typeError("optimizer", "an optimizer (adamw(...))", o) }
            optimizer = ov
        } else {
            optimizer = try OptimizerValue.adamw(lr: pretrained ? Self.pretrainedRate : Self.scratchRate)
        }
        if let s = try a.optional("schedule") {
            guard case .object(let sv as ScheduleValue) = s else { throw a.typeError("schedule", "a schedule (warmup_linear(...))", s) }
            schedule = sv.schedule
        } else {
            schedule = pretrained ? .linear(warmup: .steps(0)) : .flat
        }
        epochs = try a.optionalInt("epochs")
        steps = try a.optionalInt("steps")
        if let e = epochs, e <= 0 { throw CMCLError("epochs must be positive", argument: .label("epochs")) }
        if let s = steps, s <= 0 { throw CMCLError("steps must be positive", argument: .label("steps")) }
        batchSize = try a.int("batch")
        guard batchSize > 0 else { throw CMCLError("batch size must be positive", argument: .label("batch")) }
        eval = try a.optional("eval")
        every = try a.optionalInt("every")
        if let n = every, n <= 0 { throw CMCLError("every must be positive", argument: .label("every")) }
        keepBest = try a.optionalString("keep_best")
        metrics = try ModelBuiltins.metricNames(a)
        seed = UInt64(max(0, try a.int("seed")))
        tokenizer = try ModelBuiltins.tokenizerArgument(a)
        maxLength = try a.tokenLength("max_len")
        clip = try a.optionalNumber("clip")
        if let c = clip, !(c > 0 && c.isFinite) { throw CMCLError("clip must be positive", argument: .label("clip")) }
        dropout = try a.bool("dropout")
    }

    /// The plan `Trainer.fit` runs over `batchesPerEpoch` batches: without `epochs` and `steps`, one epoch.
    func plan(batchesPerEpoch: Int) -> TrainingPlan {
        TrainingPlan(batchesPerEpoch: batchesPerEpoch, epochs: epochs, steps: steps)
    }

    /// Whether a larger `keep_best` metric is better (the metric's declared direction; higher
    /// for a name without one).
    var keepBestPrefersHigher: Bool { keepBest.flatMap(TaskMetrics.direction)?.prefersHigher ?? true }

    /// `fit`'s learning rate without `optimizer:` for a pretrained model (with linear decay) and
    /// for one built from scratch (constant).
    static let pretrainedRate = 5e-5, scratchRate = 1e-3
}
