import CMCLTensor

/// Everything a forward pass needs besides its input: the mode, the random stream, and the
/// ablation hooks the comparative loss uses to run sub-models of one model without copying weights.
///
/// Sites are named by their dotted path in the module tree (`encoder.layer.0.attention.output.dropout`);
/// ``Module/dropoutSites()`` and ``Module/maskableSites()`` list them.
///
/// ```swift
/// let ctx = ForwardContext(training: true, generator: Generator(seed: 1))
/// ctx.skippedLayers = [1]                                   // layer 1 becomes the identity
/// ctx.neuronMasks["encoder.layer.0.intermediate"] = keep    // [512] multiplier
/// ctx.parameterOverrides["classifier.weight"] = try w.value.mul(pruneMask)
/// let out = try model(batch, context: ctx)
/// ```
public final class ForwardContext: @unchecked Sendable {
    /// Whether the pass trains (dropout active) or evaluates.
    public var training: Bool
    /// The stream dropout masks are drawn from.
    public var generator: Generator
    /// When false, every dropout site is the identity even in training (the full model, k = 0,
    /// under the comparative loss).
    public var dropoutEnabled: Bool
    /// When set, a dropout site asks it for its multiplier tensor (keep-mask × scale, broadcastable to
    /// the site's input) instead of drawing its own mask; returning nil keeps the default behaviour.
    /// Arguments: the site id, the input's shape, the site's configured rate.
    public var dropoutOverride: ((_ site: String, _ shape: [Int], _ rate: Float) throws -> Tensor?)?
    /// Site id → multiplier over the last dimension of that module's output (e.g. FFN intermediate
    /// units, MLP hidden units). Shape `[width]` or anything broadcastable to the output.
    public var neuronMasks: [String: Tensor]
    /// Transformer layer index → `[heads]` (or `[batch, heads]`) multiplier on the attention
    /// probabilities of each head.
    public var headMasks: [Int: Tensor]
    /// Transformer layers that become the identity.
    public var skippedLayers: Set<Int>
    /// Dotted parameter name → tensor used instead of that parameter (same shape). Gradients flow
    /// through the override, so `weight.value * mask` stays differentiable in the weight.
    public var parameterOverrides: [String: Tensor]
    /// The precision of the pass's matrix products (projections, attention scores and context,
    /// feed-forward, classifier) and of their backward: `.bf16` rounds their operands to bfloat16
    /// and accumulates in float32, as PyTorch's CPU autocast; everything else stays float32.
    public var precision: Precision

    /// A context; the defaults describe a plain evaluation pass.
    public init(training: Bool = false, generator: Generator = Generator(seed: 0), dropoutEnabled: Bool = true,
                dropoutOverride: ((_ site: String, _ shape: [Int], _ rate: Float) throws -> Tensor?)? = nil,
                neuronMasks: [String: Tensor] = [:], headMasks: [Int: Tensor] = [:],
                skippedLayers: Set<Int> = [], parameterOverrides: [String: Tensor] = [:], precision: Precision = .fp32) {
        self.training = training
        self.generator = generator
        self.dropoutEnabled = dropoutEnabled
        self.dropoutOverride = dropoutOverride
        self.neuronMasks = neuronMasks
        self.headMasks = headMasks
        self.skippedLayers = skippedLayers
        self.parameterOverrides = parameterOverrides
        self.precision = precision
    }

    /// A fresh evaluation context (no dropout, no ablation).
    public static func evaluation() -> ForwardContext { ForwardContext() }

    /// Whether any ablation hook is set.
    public var hasAblation: Bool {
        dropoutOverride != nil || !neuronMasks.isEmpty || !headMasks.isEmpty || !skippedLayers.isEmpty
            || !parameterOverrides.isEmpty
    }

    /// The tensor to use for `parameter`: its override when one is set, else its value.
    public func resolve(_ parameter: Parameter) throws -> Tensor {
        if parameterOverrides.isEmpty { return parameter.value }
        guard let o = parameterOverrides[parameter.name] else { return parameter.value }
        guard o.shape == parameter.shape else {
            throw NNError.shapeMismatch(op: "parameter override", name: parameter.name, expected: parameter.shape, found: o.shape)
        }
        return o
    }

    /// `output` times the neuron mask registered for `site`, or `output` unchanged.
    public func applyNeuronMask(site: String, to output: Tensor) throws -> Tensor {
        guard !neuronMasks.isEmpty, let m = neuronMasks[site] else { return output }
        guard output.rank >= 1, Self.broadcasts(m.shape, to: output.shape) else {
            throw NNError.shapeMismatch(op: "neuron mask", name: site,
                                        expected: output.rank >= 1 ? [output.shape[output.rank - 1]] : [], found: m.shape)
        }
        return try output.mul(m.dtype == output.dtype ? m : m.to(output.dtype))
    }

    static func broadcasts(_ small: [Int], to big: [Int]) -> Bool {
        guard small.count <= big.count else { return false }
        for (a, b) in zip(small.reversed(), big.reversed()) where a != b && a != 1 { return false }
        return true
    }
}
