import CMCLTensor

/// A lookup table from `int32` ids to vectors: `weight` is `[count, dimension]`.
///
/// ```swift
/// let emb = try Embedding(5000, 64)
/// let vectors = try emb(ids)            // [batch, seq] → [batch, seq, 64]
/// ```
public final class Embedding: Module, @unchecked Sendable {
    /// `[count, dimension]`.
    public let weight: Parameter
    /// The number of rows (vocabulary size).
    public let count: Int
    /// The vector width.
    public let dimension: Int
    /// A row that reads normally but never receives a gradient (`nn.Embedding(padding_idx:)`);
    /// nil trains every row.
    public var paddingIndex: Int?

    /// A table of `count` vectors of width `dimension`, initialised `N(0, std)` (PyTorch: std 1;
    /// BERT: 0.02).
    public init(_ count: Int, _ dimension: Int, std: Double = 1, generator: Generator) throws {
        guard count > 0, dimension > 0 else {
            throw NNError.invalidConfiguration(op: "embedding", reason: "count and dimension must be positive, got \(count) and \(dimension)")
        }
        self.count = count
        self.dimension = dimension
        weight = Parameter(try Tensor.normal([count, dimension], std: std, generator: generator), name: "weight", decays: true)
        super.init()
        addParameter(weight)
    }

    public override func forward(_ ids: Tensor, context: ForwardContext) throws -> Tensor {
        guard ids.dtype == .int32 else {
            throw NNError.invalidInput(op: "embedding \(path)", reason: "ids must be int32, got \(ids.dtype)")
        }
        return try context.resolve(weight).embedding(ids, paddingIndex: paddingIndex)
    }
}

/// Layer normalisation over the last dimension with learned `weight` (γ) and `bias` (β).
///
/// ```swift
/// let norm = try LayerNorm(128, eps: 1e-12)
/// ```
public final class LayerNorm: Module, @unchecked Sendable {
    /// γ, `[dimension]` (no weight decay).
    public let weight: Parameter
    /// β, `[dimension]` (no weight decay).
    public let bias: Parameter
    /// The added variance epsilon.
    public let eps: Double

    /// A layer norm over `dimension` features.
    public init(_ dimension: Int, eps: Double = 1e-5) throws {
        guard dimension > 0 else { throw NNError.invalidConfiguration(op: "layer_norm", reason: "dimension must be positive, got \(dimension)") }
        guard eps >= 0, eps.isFinite else { throw NNError.invalidConfiguration(op: "layer_norm", reason: "eps must be finite and >= 0, got \(eps)") }
        self.eps = eps
        weight = Parameter(try Tensor.ones([dimension]), name: "weight", decays: false)
        bias = Parameter(try Tensor.zeros([dimension]), name: "bias", decays: false)
        super.init()
        addParameter(weight)
        addParameter(bias)
    }

    public override func forward(_ x: Tensor, context: ForwardContext) throws -> Tensor {
        try x.layerNorm(weight: context.resolve(weight), bias: context.resolve(bias), eps: eps)
    }

    /// `LayerNorm(x + residual)` with the sum fused into the normalisation (see
    /// ``Tensor/layerNorm(weight:bias:eps:residual:)``), as the module's call (neuron masks included).
    public func callAsFunction(_ x: Tensor, residual: Tensor, context: ForwardContext) throws -> Tensor {
        let y = try x.layerNorm(weight: context.resolve(weight), bias: context.resolve(bias), eps: eps, residual: residual)
        return try context.applyNeuronMask(site: path, to: y)
    }
}
