import CMCLTensor
import Foundation

/// A fully connected layer `y = x · Wᵀ + b` with PyTorch's layout: `weight` is `[out, in]`,
/// `bias` is `[out]`. Inputs may have any number of leading dimensions.
///
/// ```swift
/// let dense = try Linear(128, 2)
/// let logits = try dense(hidden)        // [batch, 128] → [batch, 2]
/// ```
public final class Linear: Module, @unchecked Sendable {
    /// `[out, in]`.
    public let weight: Parameter
    /// `[out]`, or nil without bias.
    public let bias: Parameter?
    /// Input width.
    public let inputWidth: Int
    /// Output width.
    public let outputWidth: Int

    /// A layer from `input` to `output` units. Default initialisation is PyTorch's
    /// (`U(−1/√in, 1/√in)` for weight and bias); pass `std` for BERT's `N(0, std)` weights and zero bias.
    public init(_ input: Int, _ output: Int, bias: Bool = true, std: Double? = nil, generator: Generator) throws {
        guard input > 0, output > 0 else {
            throw NNError.invalidConfiguration(op: "linear", reason: "input and output sizes must be positive, got \(input) and \(output)")
        }
        inputWidth = input
        outputWidth = output
        let bound = 1 / Foundation.sqrt(Double(input))
        let w: Tensor, b: Tensor
        if let std {
            w = try Tensor.normal([output, input], std: std, generator: generator)
            b = try Tensor.zeros([output])
        } else {
            w = try Tensor.uniform([output, input], low: -bound, high: bound, generator: generator)
            b = try Tensor.uniform([output], low: -bound, high: bound, generator: generator)
        }
        weight = Parameter(w, name: "weight", decays: true)
        self.bias = bias ? Parameter(b, name: "bias", decays: false) : nil
        super.init()
        addParameter(weight)
        if let b = self.bias { addParameter(b) }
    }

    public override func forward(_ x: Tensor, context: ForwardContext) throws -> Tensor {
        try apply(x, context: context, activation: .identity)
    }

    /// `activation(x · Wᵀ + b)` with the bias and activation fused.
    public func apply(_ x: Tensor, context: ForwardContext, activation: Activation) throws -> Tensor {
        guard x.rank >= 1, x.shape[x.rank - 1] == inputWidth else {
            throw NNError.shapeMismatch(op: "linear \(path.isEmpty ? "layer" : path)", name: "input", expected: [inputWidth], found: x.shape)
        }
        let w = try context.resolve(weight)
        let lead = Array(x.shape.dropLast())
        let flat = x.rank == 2 ? x : try x.reshape([-1, inputWidth])
        var y = try flat.matmul(w.transpose(), precision: context.precision)
        if let bias {
            y = try y.biasActivation(context.resolve(bias), activation: activation)
        } else if activation != .identity {
            y = try y.biasActivation(Tensor.zeros([outputWidth], dtype: y.dtype), activation: activation)
        }
        return x.rank == 2 ? y : try y.reshape(lead + [outputWidth])
    }
}
