import CMCLCompare
import CMCLData
import CMCLNN
import CMCLTensor
import Foundation

/// A module (layer or whole model) as a cmcl value. Calling it runs a forward pass:
/// layers take a tensor, text models take a batch (or a tensor of token ids).
public final class ModelValue: NativeObject {
    let module: Module
    /// The tokenizer that came with a pretrained model: `fit`, `evaluate`, `predict`, `encode`
    /// and `hidden` use it for text when no other tokenizer is given.
    let tokenizer: (any TextTokenizer)?
    /// What loading a pretrained model found (`net.pretrained`).
    let origin: Value?
    init(_ module: Module, tokenizer: (any TextTokenizer)? = nil, origin: Value? = nil) {
        self.module = module
        self.tokenizer = tokenizer
        self.origin = origin
    }

    public var typeName: String { "Model" }
    public var isCallable: Bool { true }

    public func display(_ style: DisplayStyle) -> String { module.summary() }

    public var fieldNames: [String] { tokenizer == nil ? [] : ["tokenizer", "pretrained"] }
    public func field(_ name: String) -> Value? {
        switch name {
        case "tokenizer": return tokenizer.map { .object(TokenizerValue($0, kind: TokenizerValue.kind(of: $0))) }
        case "pretrained": return origin
        default: return nil
        }
    }

    public func call(_ args: Arguments) throws -> Value? {
        guard args.rest.count == 1 else {
            throw CMCLError("a model is called with one input (a batch or a tensor), got \(args.rest.count)")
        }
        let training = args.options.first { $0.0 == "training" }.map { $0.1.isTruthy } ?? false
        let context = ForwardContext(training: training, generator: args.interpreter.random)
        let input = args.rest[0]
        if let model = module as? TextModel {
            let batch = try ModelBuiltins.nnBatch(input, tokenizer: tokenizer)
            let out = try model(batch, context: context)
            if let s = out.startLogits, let e = out.endLogits {
                return .record([("start", TensorBuiltins.wrap(s)), ("end", TensorBuiltins.wrap(e))])
            }
            return TensorBuiltins.wrap(out.logits)
        }
        return TensorBuiltins.wrap(try module(try TensorBuiltins.tensor(input, "input"), context: context))
    }
}

/// An optimizer configuration; `fit` builds the optimizer from it.
public final class OptimizerValue: NativeObject {
    let name: String
    let make: () throws -> Optimizer
    /// The settings shown when the value is displayed.
    let settings: [(String, Double)]
    /// Every hyperparameter by name (for `export_torch`), defaults included.
    let hyperparameters: [String: Double]
    init(name: String, settings: [(String, Double)], hyperparameters: [String: Double] = [:],
         make: @escaping () throws -> Optimizer) {
        self.name = name
        self.settings = settings
        self.hyperparameters = hyperparameters.merging(settings) { a, _ in a }
        self.make = make
    }
    public var typeName: String { "Optimizer" }
    public func display(_ style: DisplayStyle) -> String {
        "\(name)(" + settings.map { "\($0.0): \(Display.number($0.1))" }.joined(separator: ", ") + ")"
    }
}

/// A learning-rate schedule.
public final class ScheduleValue: NativeObject {
    let schedule: LearningRateSchedule
    let text: String
    init(_ schedule: LearningRateSchedule, text: String) {
        self.schedule = schedule
        self.text = text
    }
    public var typeName: String { "Schedule" }
    public func display(_ style: DisplayStyle) -> String { text }
}

/// The task loss's former name in CMCLCompare, still spelled by TorchExport.swift (kept until
/// that file moves to ``TaskLoss``).
typealias ExampleLoss = TaskLoss

/// A loss: a function of (model, batch) returning the total and its parts.
public final class LossValue: NativeObject {
    let name: String
    let function: LossFunction
    /// For a plain task loss (`ce`, `mse_loss`, `span_ce`, `task_loss()`): its per-example kind,
    /// which the comparative loss and R-Drop build on. Nil for composite losses.
    let task: TaskLoss?
    /// What the loss computes, for `export_torch`; nil when it cannot be described.
    let recipe: LossRecipe?
    /// For a comparative loss with CmpCrop: its crop steps (data that re-encodes crops makes that many).
    let cropSteps: Int?
    /// For a comparative loss with CmpDrop: the operator (fit warns when it has nothing to drop).
    let drop: CmpDrop?
    init(name: String, task: TaskLoss? = nil, recipe: LossRecipe? = nil, cropSteps: Int? = nil, drop: CmpDrop? = nil,
         function: @escaping LossFunction) {
        self.name = name
        self.task = task
        self.recipe = recipe ?? task.map { .plain($0) }
        self.cropSteps = cropSteps
        self.drop = drop
        self.function = function
    }

    /// A plain task loss of the given kind, with ordinary dropout.
    static func task(_ name: String, _ kind: TaskLoss) -> LossValue {
        LossValue(name: name, task: kind, function: PlainObjective(taskLoss: kind).lossFunction)
    }
    public var typeName: String { "Loss" }
    public var isCallable: Bool { true }
    public func display(_ style: DisplayStyle) -> String { "<loss \(name)>" }

    /// `loss(model, batch)`: the total (a tensor) and every part.
    public func call(_ args: Arguments) throws -> Value? {
        guard args.rest.count == 2, case .object(let m as ModelValue) = args.rest[0] else {
            throw CMCLError("a loss is called as loss(model, batch)")
        }
        let training = args.options.first { $0.0 == "training" }.map { $0.1.isTruthy } ?? true
        let out = try function(m.module, try ModelBuiltins.nnBatch(args.rest[1]),
                               ForwardContext(training: training, generator: Generator(seed: 0)))
        return .record([("total", TensorBuiltins.wrap(out.total)),
                        ("parts", .record(out.parts.sorted { $0.key < $1.key }.map { ($0.key, .number($0.value)) }))])
    }
}

/// The objective a loss value computes, in terms another engine can reproduce.
enum LossRecipe {
    /// The task loss with ordinary dropout.
    case plain(TaskLoss)
    /// R-Drop on a task loss.
    case rdrop(RDropObjective)
    /// The comparative loss.
    case comparative(ComparativeObjective)
}

/// A training history: per-step losses and parts, per-evaluation metrics.
public final class HistoryValue: NativeObject {
    let history: TrainingHistory
    init(_ history: TrainingHistory) { self.history = history }
    public var typeName: String { "History" }
    public var length: Int? { history.steps.count }

    public var fieldNames: [String] { ["losses", "objective", "steps", "evals", "best", "seconds", "stopped_early", "parts"] }
    public func field(_ name: String) -> Value? {
        switch name {
        case "losses": return .list(history.taskLosses.map { .number($0) })
        case "objective": return .list(history.losses.map { .number($0) })
        case "steps":
            return .list(history.steps.map { s in
                // Epochs count from 1, as in the progress line and the History table.
                .record([("step", .number(Double(s.step))), ("epoch", .number(Double(s.epoch + 1))), ("loss", .number(s.taskLoss)),
                         ("objective", .number(s.loss)), ("lr", .number(s.learningRate)), ("grad_norm", .number(s.gradientNorm))]
                        + s.parts.sorted { $0.key < $1.key }.filter { $0.key != "loss" }.map { ($0.key, .number($0.value)) })
            })
        case "evals":
            return .list(history.evaluations.map(HistoryValue.record))
        case "best": return history.best.map(HistoryValue.record) ?? .null
        case "seconds": return .number(history.seconds)
        case "stopped_early": return .bool(history.stoppedEarly)
        case "parts":
            let names = Set(history.steps.flatMap { $0.parts.keys }).sorted()
            return .record(names.map { n in (n, .list(history.steps.map { .number($0.parts[n] ?? .nan) })) })
        default: return nil
        }
    }

    static func record(_ e: EvaluationRecord) -> Value {
        .record([("step", .number(Double(e.step))), ("epoch", .number(Double(e.epoch + 1)))]
                + e.metrics.sorted { $0.key < $1.key }.map { ($0.key, .number($0.value)) })
    }

    public func display(_ style: DisplayStyle) -> String {
        var out = "History: \(history.steps.count) steps"
        if history.stoppedEarly { out += " (stopped early)" }
        if let last = history.steps.last {
            out += ", final loss \(String(format: "%.4f", last.taskLoss))"
            if let name = last.objectiveName { out += " (\(name) \(String(format: "%.4f", last.loss)))" }
        }
        let metricNames = Set(history.evaluations.flatMap { $0.metrics.keys }).sorted()
        if !history.evaluations.isEmpty {
            func row(_ cells: [String]) -> String {
                (cells.dropLast().map { $0.padding(toLength: 10) } + [cells.last ?? ""]).joined(separator: " ")
            }
            out += "\n" + row(["step", "epoch", "train_loss"] + metricNames.map { $0 == "loss" ? "dev_loss" : $0 })
            let shown = history.evaluations.count > 12
                ? Array(history.evaluations.prefix(6)) + Array(history.evaluations.suffix(6)) : history.evaluations
            for e in shown {
                let loss = history.steps.last(where: { $0.step <= e.step })?.taskLoss ?? .nan
                var cells = [String(e.step), String(e.epoch + 1), String(format: "%.4f", loss)]
                cells += metricNames.map { String(format: "%.4f", e.metrics[$0] ?? .nan) }
                out += "\n" + row(cells)
            }
            if let b = history.best, let m = history.bestMetric, let v = b.metrics[m] {
                out += "\nbest \(m) \(String(format: "%.4f", v)) at step \(b.step) (weights restored)"
            }
        }
        return out
    }
}
