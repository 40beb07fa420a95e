import CMCLTensor

/// Modules applied in order, named `0`, `1`, … as in PyTorch's `nn.Sequential`.
///
/// ```swift
/// let net = try Sequential([Linear(4, 8), ActivationLayer(.relu), Linear(8, 2)])
/// ```
public class Sequential: Module, @unchecked Sendable {
    /// The layers in order.
    public private(set) var layers: [Module] = []

    /// A sequence of `layers`.
    public init(_ layers: [Module]) {
        super.init()
        for l in layers { append(l) }
    }

    /// Appends a layer.
    public func append(_ layer: Module) {
        addChild(String(layers.count), layer)
        layers.append(layer)
    }

    public override func forward(_ x: Tensor, context: ForwardContext) throws -> Tensor {
        var h = x
        for l in layers { h = try l(h, context: context) }
        return h
    }
}

/// A multi-layer perceptron `[in, hidden…, out]`: Linear → activation → dropout for each hidden
/// layer (the dropout module is present even at rate 0), then a final Linear. Layout and names match
/// `nn.Sequential(Linear, Act, Dropout, …, Linear)` (`0.weight`, `3.weight`, …); each hidden
/// activation is a neuron-mask site.
///
/// ```swift
/// let mlp = try MLP([64, 128, 2], activation: .relu, dropout: 0.1)
/// ```
public final class MLP: Sequential, @unchecked Sendable {
    /// The layer widths `[in, hidden…, out]`.
    public let widths: [Int]

    /// An MLP with the given widths (at least two).
    public init(_ widths: [Int], activation: Activation = .relu, dropout: Double = 0, generator: Generator) throws {
        guard widths.count >= 2, widths.allSatisfy({ $0 > 0 }) else {
            throw NNError.invalidConfiguration(op: "mlp", reason: "widths must list at least input and output sizes, all positive, got \(widths)")
        }
        self.widths = widths
        var layers: [Module] = []
        for i in 0..<(widths.count - 1) {
            layers.append(try Linear(widths[i], widths[i + 1], generator: generator))
            if i < widths.count - 2 {
                layers.append(ActivationLayer(activation, width: widths[i + 1]))
                layers.append(try Dropout(dropout))      // kept at rate 0 so names do not depend on it
            }
        }
        super.init(layers)
    }
}
