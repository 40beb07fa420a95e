import CMCLTensor

/// Inverted dropout at rate `rate`, and an ablation site named by its path.
///
/// In training it multiplies its input by a keep-mask scaled by `1/(1−p)`: drawn from the
/// context's generator, or supplied by ``ForwardContext/dropoutOverride`` for its site id. It is
/// the identity in evaluation, when ``ForwardContext/dropoutEnabled`` is false, or at rate 0.
public final class Dropout: Module, SiteProviding, @unchecked Sendable {
    /// The configured rate in `[0, 1)`.
    public let rate: Double

    /// Dropout at `rate`.
    public init(_ rate: Double) throws {
        guard rate >= 0, rate < 1 else {
            throw NNError.invalidConfiguration(op: "dropout", reason: "rate must be in [0, 1), got \(rate)")
        }
        self.rate = rate
        super.init()
    }

    public var ownSites: [Site] { [Site(kind: .dropout, name: path, rate: rate)] }

    public override func forward(_ x: Tensor, context: ForwardContext) throws -> Tensor {
        guard let m = try multiplier(shape: x.shape, dtype: x.dtype, context: context) else { return x }
        return try x.mul(m.dtype == x.dtype ? m : m.to(x.dtype))
    }

    /// Dropout of packed token rows `x` `[tokens, width]` (see ``TokenPacking``): the multiplier is
    /// drawn (or asked of the override) for the padded shape `[batch, length, width]` and packed,
    /// so the result is the padded computation's on the real tokens. Without a packing, the
    /// module's plain call.
    public func forward(_ x: Tensor, packing: TokenPacking?, context: ForwardContext) throws -> Tensor {
        guard let packing else { return try self(x, context: context) }
        let padded = packing.paddedShape(width: x.shape[x.rank - 1])
        guard let m = try multiplier(shape: padded, dtype: x.dtype, context: context) else { return x }
        let packed = try packing.pack(m.shape == padded ? m : m.expand(padded))
        return try x.mul(packed.dtype == x.dtype ? packed : packed.to(x.dtype))
    }

    /// What the site multiplies an input of `shape` by in `context`: the override's multiplier
    /// when it gives one, else a keep-mask drawn from the context's generator times `1/(1−p)`; nil
    /// when the site is the identity (evaluation, dropout off, or rate 0).
    func multiplier(shape: [Int], dtype: DType, context: ForwardContext) throws -> Tensor? {
        guard context.training, context.dropoutEnabled else { return nil }
        if let hook = context.dropoutOverride, let m = try hook(path, shape, Float(rate)) {
            guard ForwardContext.broadcasts(m.shape, to: shape) else {
                throw NNError.shapeMismatch(op: "dropout override", name: path, expected: shape, found: m.shape)
            }
            return m.detach()
        }
        if rate == 0 { return nil }
        if dtype.isFloatingPoint { return try Tensor.dropoutMultiplier(shape, p: rate, dtype: dtype, generator: context.generator) }
        let u = try Tensor.uniform(shape, dtype: .float32, generator: context.generator)
        let (mask, scale) = try Tensor.dropoutMask(uniform: u, p: rate)
        return try mask.to(dtype).mul(Double(scale))
    }
}

/// An elementwise activation as a module (so its output can be a neuron-mask site).
///
/// ```swift
/// let act = try ActivationLayer("gelu")
/// ```
public final class ActivationLayer: Module, SiteProviding, @unchecked Sendable {
    /// The function applied.
    public let activation: Activation
    /// The width of the output when known (makes the module a neuron site), else nil.
    public let width: Int?

    /// An activation layer; `width` marks it as a maskable site of that many units.
    public init(_ activation: Activation, width: Int? = nil) {
        self.activation = activation
        self.width = width
        super.init()
    }

    /// An activation layer by name: `relu`, `gelu`, `tanh`, `sigmoid` or `identity`.
    public convenience init(_ name: String, width: Int? = nil) throws {
        guard let a = Activation(rawValue: name.lowercased()) else {
            throw NNError.invalidConfiguration(op: "activation", reason: "unknown activation '\(name)' (use \(Activation.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        self.init(a, width: width)
    }

    public override var typeName: String { activation.rawValue.uppercased() == "GELU" ? "GELU" : activation.rawValue.capitalized }

    public var ownSites: [Site] { width.map { [Site(kind: .neurons, name: path, width: $0)] } ?? [] }

    public override func forward(_ x: Tensor, context: ForwardContext) throws -> Tensor {
        switch activation {
        case .identity: return x
        case .relu: return try x.relu()
        case .gelu: return try x.gelu()
        case .tanh: return try x.tanh()
        case .sigmoid: return try x.sigmoid()
        }
    }
}
