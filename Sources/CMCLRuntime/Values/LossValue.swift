import CMCLCompare
import CMCLNN
import CMCLTensor

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
