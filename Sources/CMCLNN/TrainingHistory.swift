/// One optimizer step of a training run.
public struct StepRecord: Sendable, Equatable {
    /// 1-based step number.
    public var step: Int
    /// 0-based epoch.
    public var epoch: Int
    /// The total loss.
    public var loss: Double
    /// The loss parts (e.g. each variant's task loss under the comparative loss).
    public var parts: [String: Double]
    /// The learning rate used for this step.
    public var learningRate: Double
    /// The global gradient norm before clipping.
    public var gradientNorm: Double

    /// The task loss of the full model (`l_0`, the `task` part): comparable across objectives,
    /// where ``loss`` is what was minimised (a ranking loss under the comparative loss).
    public var taskLoss: Double { parts["task"] ?? loss }
    /// What ``loss`` is when it is not the task loss: `ranking loss` (comparative loss),
    /// `objective` (task loss plus a regulariser, e.g. R-Drop); nil for plain training.
    public var objectiveName: String? {
        if parts["ranking"] != nil { return "ranking loss" }
        if let t = parts["task"], t != loss { return "objective" }
        return nil
    }
}

/// One evaluation during a training run.
public struct EvaluationRecord: Sendable, Equatable {
    /// The number of steps done when it ran.
    public var step: Int
    /// 0-based epoch.
    public var epoch: Int
    /// Metric name → value.
    public var metrics: [String: Double]
}

/// The record of a training run: per-step losses, rates and gradient norms, and per-evaluation
/// metrics.
public struct TrainingHistory: Sendable, Equatable {
    /// Every step, in order.
    public var steps: [StepRecord] = []
    /// Every evaluation, in order.
    public var evaluations: [EvaluationRecord] = []
    /// The number of steps planned.
    public var plannedSteps: Int = 0
    /// Whether ``Trainer/fit(data:loss:evaluate:shouldStop:progress:)`` stopped early on request.
    public var stoppedEarly = false
    /// Steps whose update was skipped because their loss or gradient norm was not finite
    /// (``NonFinitePolicy/skip``).
    public var skippedSteps = 0
    /// The evaluation whose weights were restored by keep-best, if any.
    public var best: EvaluationRecord?
    /// The metric keep-best followed.
    public var bestMetric: String?
    /// Wall-clock seconds of the run.
    public var seconds: Double = 0

    /// An empty history.
    public init() {}

    /// The loss of every step (what was minimised).
    public var losses: [Double] { steps.map(\.loss) }
    /// The task loss `l_0` of every step (``StepRecord/taskLoss``).
    public var taskLosses: [Double] { steps.map(\.taskLoss) }
    /// The values of `metric` at each evaluation (NaN where absent).
    public func metric(_ name: String) -> [Double] { evaluations.map { $0.metrics[name] ?? .nan } }
}

/// A snapshot of a run in progress, for the host to render (in place on a terminal, as
/// periodic lines otherwise).
public struct TrainingProgress: Sendable, Equatable {
    /// Steps done (1-based after the first step).
    public var step: Int
    /// Steps planned.
    public var totalSteps: Int
    /// 0-based epoch.
    public var epoch: Int
    /// Epochs planned.
    public var totalEpochs: Int
    /// The last step's loss.
    public var loss: Double
    /// The last step's learning rate.
    public var learningRate: Double
    /// The followed metric's name and latest value, if evaluated yet.
    public var metricName: String?
    /// The followed metric's latest value.
    public var metricValue: Double?
    /// Throughput so far.
    public var stepsPerSecond: Double
    /// Estimated seconds to the planned end.
    public var secondsRemaining: Double
    /// Whether this report follows an evaluation (as opposed to a step).
    public var isEvaluation: Bool
    /// The last step's task loss `l_0` and, when ``loss`` is something else, its name
    /// (``StepRecord/taskLoss``, ``StepRecord/objectiveName``).
    public var taskLoss: Double? = nil
    public var objectiveName: String? = nil
}
