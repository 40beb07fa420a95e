import CMCLTensor
import Foundation

/// Settings of a training run.
public struct TrainingOptions: Sendable, Equatable {
    /// Epochs to run (used when ``steps`` is nil; default 1).
    public var epochs: Int?
    /// Steps to run (caps ``epochs`` when both are set).
    public var steps: Int?
    /// Evaluate every this many steps (nil: at the end of each epoch).
    public var evaluateEvery: Int?
    /// Restore the weights of the best evaluation of this metric at the end.
    public var keepBest: String?
    /// Whether a higher ``keepBest`` value is better: declared by the caller, never guessed from
    /// the name (CMCLTasks' `TaskMetrics.direction(of:)` declares it for every named metric).
    public var higherIsBetter: Bool
    /// Seed of the run's generator (batch order and dropout masks).
    public var seed: UInt64
    /// Clip the global gradient norm to this value (nil: no clipping).
    public var maxGradientNorm: Double?
    /// What a step whose loss or gradient norm is NaN or infinite does (default: stop).
    public var onNonFinite: NonFinitePolicy = .stop
    /// Ordinary dropout during training (default true). `false` reproduces the reference QA
    /// script's runs without CmpDrop (the plain baseline and CmpCrop-only), whose forward pass
    /// switches the model to eval mode (`elif self.eval() and …`) and so trains with dropout off.
    /// CmpDrop's ablated variants keep their own rates either way.
    public var dropout: Bool = true
    /// The precision of the matrix products in training and evaluation (``ForwardContext/precision``;
    /// default float32). Weights, gradients and optimizer state stay float32 either way.
    public var precision: Precision = .fp32

    /// Options; defaults: 1 epoch, evaluation per epoch, seed 0, clipping at 1.0 (as the Hugging
    /// Face trainer).
    public init(epochs: Int? = nil, steps: Int? = nil, evaluateEvery: Int? = nil, keepBest: String? = nil,
                higherIsBetter: Bool = true, seed: UInt64 = 0, maxGradientNorm: Double? = 1.0) {
        self.epochs = epochs
        self.steps = steps
        self.evaluateEvery = evaluateEvery
        self.keepBest = keepBest
        self.higherIsBetter = higherIsBetter
        self.seed = seed
        self.maxGradientNorm = maxGradientNorm
    }
}

/// What training does at a step whose loss (or gradient norm) is NaN or infinite.
public enum NonFinitePolicy: String, Sendable, Equatable, CaseIterable {
    /// End training with ``NNError/nonFiniteLoss(step:epoch:loss:gradientNorm:)``; the weights are
    /// those before that step (its update is not applied).
    case stop
    /// Leave the weights alone for that step and go on with the next batch.
    case skip
    /// Apply the update anyway and go on (the behaviour of most training loops).
    case `continue`
}

/// Runs the training loop: batches from a ``BatchSource``, a loss closure, an optimizer with a
/// learning-rate schedule, gradient clipping, periodic evaluation and keep-best.
///
/// Nothing here prints: progress goes to the `progress` callback. `shouldStop` is polled after
/// every step; when it returns true the run ends after that step and returns the partial history
/// with the model intact.
///
/// ```swift
/// let trainer = try Trainer(model: net, optimizer: AdamW(learningRate: 2e-5),
///                           schedule: .warmupLinear(ratio: 0.06),
///                           options: TrainingOptions(epochs: 3, keepBest: "accuracy", seed: 1))
/// let history = try trainer.fit(data: train, evaluate: { m in try TaskMetrics.evaluate(m, batches: dev, metrics: ["accuracy"]) })
/// ```
public final class Trainer {
    /// The model trained in place.
    public let model: Module
    /// The optimizer.
    public let optimizer: Optimizer
    /// The learning-rate schedule over the base rate of ``optimizer``.
    public let schedule: LearningRateSchedule
    /// The run's settings.
    public let options: TrainingOptions

    /// A trainer; checks the options.
    public init(model: Module, optimizer: Optimizer, schedule: LearningRateSchedule = .flat, options: TrainingOptions = TrainingOptions()) throws {
        if let e = options.epochs, e < 0 { throw NNError.invalidHyperparameter(op: "fit", name: "epochs", value: Double(e), requirement: "must be >= 0") }
        if let s = options.steps, s < 0 { throw NNError.invalidHyperparameter(op: "fit", name: "steps", value: Double(s), requirement: "must be >= 0") }
        if let n = options.evaluateEvery, n <= 0 { throw NNError.invalidHyperparameter(op: "fit", name: "every", value: Double(n), requirement: "must be positive") }
        if let c = options.maxGradientNorm, !(c > 0 && c.isFinite) {
            throw NNError.invalidHyperparameter(op: "fit", name: "max_grad_norm", value: c, requirement: "must be positive and finite")
        }
        self.model = model
        self.optimizer = optimizer
        self.schedule = schedule
        self.options = options
    }

    /// Trains the model and returns the history.
    ///
    /// - Parameters:
    ///   - data: the training batches.
    ///   - loss: the loss of one batch (default: the model's task loss).
    ///   - evaluate: metrics of the model on held-out data (run without gradients).
    ///   - shouldStop: polled after each step (e.g. a Ctrl-C flag).
    ///   - progress: called after every step and every evaluation.
    public func fit(data: BatchSource, loss: LossFunction = TaskLoss.standard(),
                    evaluate: ((Module) throws -> [String: Double])? = nil,
                    shouldStop: () -> Bool = { false },
                    progress: ((TrainingProgress) -> Void)? = nil) throws -> TrainingHistory {
        try options.precision.check(op: "fit")
        let perEpoch = data.batchesPerEpoch
        guard perEpoch > 0 else { throw NNError.invalidInput(op: "fit", reason: "the training data has no batches") }
        let plan = TrainingPlan(batchesPerEpoch: perEpoch, epochs: options.epochs, steps: options.steps)
        let epochs = plan.epochs, total = plan.totalSteps
        if options.keepBest != nil && evaluate == nil {
            throw NNError.invalidInput(op: "fit", reason: "keep_best needs evaluation data")
        }
        let generator = Generator(seed: options.seed)
        let parameters = model.trainableParameters()
        let wasTraining = model.isTraining
        model.train()
        defer { model.train(wasTraining) }
        let start = Date()
        var history = TrainingHistory()
        history.plannedSteps = total
        history.bestMetric = options.keepBest
        var best: (record: EvaluationRecord, value: Double, weights: [String: Tensor])?
        var lastMetric: Double?
        var lastMetricName: String?
        var step = 0

        func report(epoch: Int, loss: Double, lr: Double, isEvaluation: Bool) {
            guard let progress else { return }
            let elapsed = Date().timeIntervalSince(start)
            let rate = elapsed > 0 ? Double(step) / elapsed : 0
            var p = TrainingProgress(step: step, totalSteps: total, epoch: epoch, totalEpochs: epochs, loss: loss,
                                     learningRate: lr, metricName: options.keepBest ?? lastMetricName,
                                     metricValue: lastMetric, stepsPerSecond: rate,
                                     secondsRemaining: rate > 0 ? Double(total - step) / rate : .infinity, isEvaluation: isEvaluation)
            p.taskLoss = history.steps.last?.taskLoss
            p.objectiveName = history.steps.last?.objectiveName
            progress(p)
        }

        func runEvaluation(epoch: Int) throws {
            guard let evaluate else { return }
            model.eval()
            defer { model.train() }
            let metrics = try Tensor.withNoGrad { try evaluate(model) }
            let record = EvaluationRecord(step: step, epoch: epoch, metrics: metrics)
            history.evaluations.append(record)
            if let name = options.keepBest {
                guard let v = metrics[name] else { throw NNError.unknownMetric(name: name, available: metrics.keys.sorted()) }
                lastMetric = v
                let higher = options.higherIsBetter
                let better = best.map { higher ? v > $0.value : v < $0.value } ?? v.isFinite
                if better { best = (record, v, model.snapshot()) }
            } else {
                // Without keep_best, show the head's first metric (accuracy, mse, exact_match, mrr).
                let name = ["accuracy", "exact_match", "mse", "mrr"].first { metrics[$0] != nil }
                    ?? metrics.keys.sorted().first
                lastMetricName = name
                lastMetric = name.flatMap { metrics[$0] }
            }
            report(epoch: epoch, loss: history.steps.last?.loss ?? .nan, lr: optimizer.learningRate, isEvaluation: true)
        }

        var stop = false
        outer: for epoch in 0..<epochs {
            let batches = try data.make(epoch, generator)
            for batch in batches {
                if step >= total { break outer }
                let lr = schedule.rate(base: optimizer.baseLearningRate, step: step, totalSteps: total)
                optimizer.learningRate = lr
                model.zeroGrad()
                let context = ForwardContext(training: true, generator: generator, dropoutEnabled: options.dropout,
                                             precision: options.precision)
                let out = try loss(model, batch, context)
                let value = try out.total.item()
                try out.total.backward()
                let rawNorm = GradientClipping.norm(parameters)
                if !(value.isFinite && rawNorm.isFinite) && options.onNonFinite != .continue {
                    model.zeroGrad()
                    if options.onNonFinite == .stop {
                        throw NNError.nonFiniteLoss(step: step + 1, epoch: epoch + 1, loss: value, gradientNorm: rawNorm)
                    }
                    // Skip: no update; the step still counts, so that schedules keep their length.
                    step += 1
                    history.skippedSteps += 1
                    history.steps.append(StepRecord(step: step, epoch: epoch, loss: value, parts: out.parts, learningRate: lr, gradientNorm: rawNorm))
                    report(epoch: epoch, loss: value, lr: lr, isEvaluation: false)
                    if let every = options.evaluateEvery, step % every == 0 { try runEvaluation(epoch: epoch) }
                    if shouldStop() { stop = true; break outer }
                    continue
                }
                let norm = try options.maxGradientNorm.map { try GradientClipping.clip(parameters, maxNorm: $0, norm: rawNorm) } ?? rawNorm
                try optimizer.step(parameters)
                model.zeroGrad()
                step += 1
                history.steps.append(StepRecord(step: step, epoch: epoch, loss: value, parts: out.parts, learningRate: lr, gradientNorm: norm))
                report(epoch: epoch, loss: value, lr: lr, isEvaluation: false)
                if let every = options.evaluateEvery, step % every == 0 { try runEvaluation(epoch: epoch) }
                if shouldStop() { stop = true; break outer }
            }
            if options.evaluateEvery == nil { try runEvaluation(epoch: epoch) }
        }
        history.stoppedEarly = stop
        if let every = options.evaluateEvery, evaluate != nil, step % every != 0, !stop {
            try runEvaluation(epoch: Swift.max(0, epochs - 1))
        }
        if let best {
            try model.load(stateDictionary: best.weights, strict: true)
            history.best = best.record
        }
        history.seconds = Date().timeIntervalSince(start)
        return history
    }
}

/// Trains `model` in one call: the Swift form of the language's
/// `fit(model, data, loss:, optimizer:, schedule:, epochs:, steps:, eval:, every:, keep_best:, seed:)`.
///
/// ```swift
/// let history = try fit(net, data: train, optimizer: AdamW(learningRate: 1e-3), epochs: 3,
///                       evaluate: { try TaskMetrics.evaluate($0, batches: dev, metrics: ["accuracy"]) },
///                       keepBest: "accuracy", seed: 7)
/// ```
public func fit(_ model: Module, data: BatchSource, loss: LossFunction = TaskLoss.standard(), optimizer: Optimizer,
                schedule: LearningRateSchedule = .flat, epochs: Int? = nil, steps: Int? = nil,
                evaluate: ((Module) throws -> [String: Double])? = nil, every: Int? = nil, keepBest: String? = nil,
                higherIsBetter: Bool = true, seed: UInt64 = 0, maxGradientNorm: Double? = 1.0, precision: Precision = .fp32,
                shouldStop: () -> Bool = { false }, progress: ((TrainingProgress) -> Void)? = nil) throws -> TrainingHistory {
    var options = TrainingOptions(epochs: epochs, steps: steps, evaluateEvery: every, keepBest: keepBest,
                                  higherIsBetter: higherIsBetter, seed: seed, maxGradientNorm: maxGradientNorm)
    options.precision = precision
    return try Trainer(model: model, optimizer: optimizer, schedule: schedule, options: options)
        .fit(data: data, loss: loss, evaluate: evaluate, shouldStop: shouldStop, progress: progress)
}
