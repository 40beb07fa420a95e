import CMCLTensor

/// A trainable tensor of a module, with its dotted name in the model.
///
/// A parameter is a stable handle: optimizers keep their state per parameter, and loading a
/// checkpoint or restoring the best weights replaces ``value`` while the handle stays the same.
/// Hold parameters, not their tensors, across training steps.
///
/// ```swift
/// let w = model.parameter(named: "classifier.weight")
/// w?.shape          // [2, 128]
/// w?.value.grad     // after backward()
/// ```
public final class Parameter: @unchecked Sendable, CustomStringConvertible {
    /// The dotted name in the root module (`encoder.layer.0.output.dense.weight`).
    public internal(set) var name: String
    /// The name inside the owning module (`weight`).
    public let localName: String
    /// Whether weight decay applies (false for biases and layer-norm weights, as in BERT fine-tuning).
    public var decays: Bool
    /// Whether the optimizer updates it.
    public var isTrainable: Bool {
        didSet { value.requiresGrad = isTrainable }
    }
    /// The current value: a leaf tensor that requires a gradient when trainable.
    public var value: Tensor {
        didSet {
            if !value.isLeaf { value = value.detach() }
            value.requiresGrad = isTrainable && value.dtype.isFloatingPoint
        }
    }

    /// A parameter holding `value` (detached and marked as requiring a gradient).
    public init(_ value: Tensor, name: String, decays: Bool = true, trainable: Bool = true) {
        let leaf = value.isLeaf ? value : value.detach()
        leaf.requiresGrad = trainable && leaf.dtype.isFloatingPoint
        self.value = leaf
        self.name = name
        self.localName = name
        self.decays = decays
        self.isTrainable = trainable
    }

    /// The value's shape.
    public var shape: [Int] { value.shape }
    /// The number of elements.
    public var count: Int { value.count }
    /// The accumulated gradient, if any.
    public var grad: Tensor? { value.grad }

    /// Clears the gradient.
    public func zeroGrad() { value.zeroGrad() }

    public var description: String { "\(name) \(shape)" }
}
