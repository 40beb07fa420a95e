import CMCLTensor
import Foundation

/// Adam (`torch.optim.Adam`, L2 weight decay added to the gradient) and AdamW
/// (`torch.optim.AdamW`, decoupled decay `w ← w·(1 − lr·λ)`) with bias correction.
///
/// Weight decay skips parameters whose ``Parameter/decays`` is false: biases and layer-norm
/// weights, the standard for BERT fine-tuning.
///
/// ```swift
/// let opt = try Adam(learningRate: 2e-5, weightDecay: 0.01, decoupled: true)   // AdamW
/// let opt2 = try AdamW(learningRate: 2e-5, weightDecay: 0.01)                 // same
/// ```
public class Adam: Optimizer {
    public var learningRate: Double
    public let baseLearningRate: Double
    /// β₁ (first-moment decay).
    public let beta1: Double
    /// β₂ (second-moment decay).
    public let beta2: Double
    /// Added to the denominator.
    public let eps: Double
    /// Weight decay λ.
    public let weightDecay: Double
    /// Whether decay is decoupled from the gradient (AdamW) or added to it (Adam).
    public let decoupled: Bool
    private var state: [ObjectIdentifier: AdamState] = [:]

    /// An Adam optimizer (`decoupled: true` for AdamW).
    public init(learningRate: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999, eps: Double = 1e-8,
                weightDecay: Double = 0, decoupled: Bool = false) throws {
        let op = decoupled ? "adamw" : "adam"
        try OptimizerSupport.check(op, "lr", learningRate, learningRate >= 0, "must be >= 0")
        try OptimizerSupport.check(op, "beta1", beta1, beta1 >= 0 && beta1 < 1, "must be in [0, 1)")
        try OptimizerSupport.check(op, "beta2", beta2, beta2 >= 0 && beta2 < 1, "must be in [0, 1)")
        try OptimizerSupport.check(op, "eps", eps, eps >= 0, "must be >= 0")
        try OptimizerSupport.check(op, "weight_decay", weightDecay, weightDecay >= 0, "must be >= 0")
        self.learningRate = learningRate
        self.baseLearningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        self.weightDecay = weightDecay
        self.decoupled = decoupled
    }

    public func reset() { state.removeAll() }

    /// The number of updates applied to `parameter` so far.
    public func stepCount(_ parameter: Parameter) -> Int { state[ObjectIdentifier(parameter)]?.step ?? 0 }

    public func step(_ parameters: [Parameter]) throws {
        let op = decoupled ? "adamw" : "adam"
        for p in parameters where p.isTrainable {
            guard let grad = p.value.grad else { continue }
            guard grad.shape == p.shape else { throw NNError.shapeMismatch(op: op, name: p.name, expected: p.shape, found: grad.shape) }
            let key = ObjectIdentifier(p)
            let s: AdamState
            if let existing = state[key] { s = existing } else {
                s = AdamState(first: try Tensor.zeros(p.shape), second: try Tensor.zeros(p.shape))
                state[key] = s
            }
            s.step += 1
            let decay = weightDecay != 0 && p.decays
            let bc1 = 1 - Foundation.pow(beta1, Double(s.step))
            let bc2Sqrt = Foundation.sqrt(1 - Foundation.pow(beta2, Double(s.step)))
            let scalars = AdamScalars(decoupledDecay: decay && decoupled ? Float(-learningRate * weightDecay) : nil,
                                      coupledDecay: decay && !decoupled ? Float(weightDecay) : nil,
                                      oneMinusBeta1: Float(1 - beta1), beta2: Float(beta2), oneMinusBeta2: Float(1 - beta2),
                                      secondCorrection: Float(bc2Sqrt), eps: Float(eps), stepSize: Float(learningRate / bc1))
            if p.value.isDenseFloat32 && grad.isDenseFloat32 {
                // One fused pass over weight, gradient and moments.
                try p.value.adamUpdate(grad: grad, first: s.first, second: s.second, scalars)
            } else {
                // Other element types: the same arithmetic in float, then added to the weight.
                var g = grad.toArray()
                if scalars.decoupledDecay != nil { try p.value.addInPlace(p.value, scale: -learningRate * weightDecay) }
                if let l = scalars.coupledDecay {
                    let w = p.value.toArray()
                    for i in 0..<g.count { g[i] += l * w[i] }
                }
                let delta = try Tensor(g, shape: p.shape)
                let zero = try Tensor.zeros(p.shape)
                try zero.adamUpdate(grad: delta, first: s.first, second: s.second,
                                    AdamScalars(decoupledDecay: nil, coupledDecay: nil, oneMinusBeta1: scalars.oneMinusBeta1,
                                                beta2: scalars.beta2, oneMinusBeta2: scalars.oneMinusBeta2,
                                                secondCorrection: scalars.secondCorrection, eps: scalars.eps, stepSize: scalars.stepSize))
                try p.value.addInPlace(zero.to(p.value.dtype))
            }
        }
    }
}

/// The moments of one parameter under Adam.
final class AdamState {
    let first: Tensor
    let second: Tensor
    var step = 0

    init(first: Tensor, second: Tensor) {
        self.first = first
        self.second = second
    }
}

/// AdamW: Adam with decoupled weight decay (default λ = 0.01, as `torch.optim.AdamW`).
public final class AdamW: Adam {
    /// An AdamW optimizer.
    public init(learningRate: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999, eps: Double = 1e-8, weightDecay: Double = 0.01) throws {
        try super.init(learningRate: learningRate, beta1: beta1, beta2: beta2, eps: eps, weightDecay: weightDecay, decoupled: true)
    }
}

/// Gradient-norm clipping, as `torch.nn.utils.clip_grad_norm_`.
public enum GradientClipping {
    /// The global L2 norm of the gradients of `parameters` (those without one are skipped).
    public static func norm(_ parameters: [Parameter]) -> Double {
        var total = 0.0
        for p in parameters {
            guard let g = p.value.grad else { continue }
            total = g.sumOfSquares(startingAt: total)
        }
        return total.squareRoot()
    }

    /// Scales all gradients so their global norm is at most `maxNorm`; returns the norm before
    /// clipping (`norm`, when the caller has just computed it).
    @discardableResult
    public static func clip(_ parameters: [Parameter], maxNorm: Double, norm known: Double? = nil) throws -> Double {
        guard maxNorm > 0, maxNorm.isFinite else {
            throw NNError.invalidHyperparameter(op: "clip_grad_norm", name: "max_norm", value: maxNorm, requirement: "must be positive and finite")
        }
        let total = known ?? norm(parameters)
        let coef = maxNorm / (total + 1e-6)
        if coef < 1 {
            try Tensor.withNoGrad {
                for p in parameters {
                    guard let g = p.value.grad else { continue }
                    p.value.grad = try g.mul(coef)
                }
            }
        }
        return total
    }
}
