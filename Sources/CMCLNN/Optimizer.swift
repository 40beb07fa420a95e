import CMCLTensor

/// An optimizer that updates parameters in place from their gradients.
///
/// Optimizers keep their state per ``Parameter`` handle, so loading weights or restoring a
/// snapshot keeps moments. ``learningRate`` is set by the trainer from a schedule each step.
///
/// ```swift
/// let opt = try AdamW(learningRate: 2e-5, weightDecay: 0.01)
/// try loss.backward()
/// try opt.step(model.trainableParameters())
/// ```
public protocol Optimizer: AnyObject {
    /// The learning rate the next step uses.
    var learningRate: Double { get set }
    /// The learning rate given at construction (schedules scale it).
    var baseLearningRate: Double { get }
    /// Applies one update to every parameter that has a gradient (others are skipped).
    func step(_ parameters: [Parameter]) throws
    /// Forgets all per-parameter state (moments, step counts).
    func reset()
}

extension Optimizer {
    /// Applies one update to the trainable parameters of `model`.
    public func step(_ model: Module) throws { try step(model.trainableParameters()) }
}

/// Per-parameter float buffers (momentum or first and second moments), kept across steps.
final class ParameterState {
    var first: [Float]
    var second: [Float]
    var step = 0

    init(first: [Float] = [], second: [Float] = []) {
        self.first = first
        self.second = second
    }
}

/// Shared helpers of the optimizers.
enum OptimizerSupport {
    static func check(_ op: String, _ name: String, _ v: Double, _ ok: Bool, _ req: String) throws {
        guard ok, v.isFinite else { throw NNError.invalidHyperparameter(op: op, name: name, value: v, requirement: req) }
    }

    /// The gradient of `p` as floats, or nil when it has none.
    static func gradient(_ p: Parameter, op: String) throws -> [Float]? {
        guard let g = p.value.grad else { return nil }
        guard g.shape == p.shape else {
            throw NNError.shapeMismatch(op: op, name: p.name, expected: p.shape, found: g.shape)
        }
        return g.toArray()
    }

    /// Adds `delta` to the parameter's storage in place.
    static func apply(_ delta: [Float], to p: Parameter) throws {
        let d = try Tensor(delta, shape: p.shape)
        try p.value.addInPlace(p.value.dtype == .float32 ? d : d.to(p.value.dtype))
    }
}

/// Stochastic gradient descent with optional momentum, dampening, Nesterov and (coupled) weight
/// decay, as `torch.optim.SGD`.
///
/// ```swift
/// let opt = try SGD(learningRate: 0.1, momentum: 0.9)
/// ```
public final class SGD: Optimizer {
    public var learningRate: Double
    public let baseLearningRate: Double
    /// Momentum factor (0 disables).
    public let momentum: Double
    /// Dampening of the momentum's gradient term.
    public let dampening: Double
    /// L2 penalty added to the gradient (skipped for parameters that do not decay).
    public let weightDecay: Double
    /// Nesterov momentum.
    public let nesterov: Bool
    private var state: [ObjectIdentifier: ParameterState] = [:]

    /// An SGD optimizer.
    public init(learningRate: Double, momentum: Double = 0, dampening: Double = 0, weightDecay: Double = 0, nesterov: Bool = false) throws {
        try OptimizerSupport.check("sgd", "lr", learningRate, learningRate >= 0, "must be >= 0")
        try OptimizerSupport.check("sgd", "momentum", momentum, momentum >= 0, "must be >= 0")
        try OptimizerSupport.check("sgd", "dampening", dampening, true, "must be finite")
        try OptimizerSupport.check("sgd", "weight_decay", weightDecay, weightDecay >= 0, "must be >= 0")
        if nesterov && (momentum <= 0 || dampening != 0) {
            throw NNError.invalidHyperparameter(op: "sgd", name: "momentum", value: momentum, requirement: "Nesterov needs momentum > 0 and zero dampening")
        }
        self.learningRate = learningRate
        self.baseLearningRate = learningRate
        self.momentum = momentum
        self.dampening = dampening
        self.weightDecay = weightDecay
        self.nesterov = nesterov
    }

    public func reset() { state.removeAll() }

    public func step(_ parameters: [Parameter]) throws {
        let lr = Float(learningRate), mu = Float(momentum), damp = Float(1 - dampening), wd = Float(weightDecay)
        for p in parameters where p.isTrainable {
            guard var g = try OptimizerSupport.gradient(p, op: "sgd") else { continue }
            let n = g.count
            if wd != 0 && p.decays {
                let w = p.value.toArray()
                for i in 0..<n { g[i] += wd * w[i] }
            }
            if mu != 0 {
                let key = ObjectIdentifier(p)
                let s = state[key] ?? ParameterState()
                state[key] = s
                if s.step == 0 || s.first.count != n {
                    s.first = g
                } else {
                    s.first.withUnsafeMutableBufferPointer { b in
                        for i in 0..<n { b[i] = b[i] * mu + damp * g[i] }
                    }
                }
                s.step += 1
                if nesterov {
                    for i in 0..<n { g[i] += mu * s.first[i] }
                } else {
                    g = s.first
                }
            }
            for i in 0..<n { g[i] *= -lr }
            try OptimizerSupport.apply(g, to: p)
        }
    }
}
