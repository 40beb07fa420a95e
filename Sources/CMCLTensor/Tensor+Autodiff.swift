import Foundation

/// A recorded operation: its inputs and the rule mapping the output's gradient to theirs.
final class GraphNode {
    let name: String
    var inputs: [Tensor]
    var backward: ((Tensor) throws -> [Tensor?])?

    init(name: String, inputs: [Tensor], backward: @escaping (Tensor) throws -> [Tensor?]) {
        self.name = name
        self.inputs = inputs
        self.backward = backward
    }
}

private let noGradKey: pthread_key_t = {
    var key = pthread_key_t()
    pthread_key_create(&key, nil)
    return key
}()

extension Tensor {
    // MARK: No-grad scope

    /// Whether operations on the current thread record the graph (false inside ``withNoGrad(_:)``).
    public static var isGradEnabled: Bool { pthread_getspecific(noGradKey) == nil }

    /// Runs `body` without recording operations for autodiff (on the current thread), as in
    /// evaluation or optimizer updates.
    ///
    /// ```swift
    /// let logits = try Tensor.withNoGrad { try model(x) }
    /// ```
    public static func withNoGrad<R>(_ body: () throws -> R) rethrows -> R {
        let depth = Int(bitPattern: pthread_getspecific(noGradKey))
        pthread_setspecific(noGradKey, UnsafeRawPointer(bitPattern: depth + 1))
        defer { pthread_setspecific(noGradKey, UnsafeRawPointer(bitPattern: depth)) }
        return try body()
    }

    // MARK: Recording

    /// Attaches a differentiable operation to `output` and returns it.
    ///
    /// This is the extension point for other modules to define differentiable operations with an
    /// analytic backward. Compute `output` from the inputs' values (typically inside
    /// ``withNoGrad(_:)`` or with `detach()`ed inputs), then call `custom`. During
    /// ``backward()``, `backward` receives the gradient of the loss with respect to `output` (same
    /// shape) and must return one gradient per input, each with that input's shape, or nil for an
    /// input that gets none. The closure runs with gradient recording disabled. If no input requires
    /// a gradient, or recording is disabled, `output` is returned unchanged.
    ///
    /// ```swift
    /// // y = x³ with dy/dx = 3x²
    /// let y = Tensor.custom(name: "cube", inputs: [x], output: try x.detach().pow(3)) { g in
    ///     [try g.mul(x.detach().pow(2)).mul(3)]
    /// }
    /// ```
    @discardableResult
    public static func custom(name: String, inputs: [Tensor], output: Tensor,
                              backward: @escaping (Tensor) throws -> [Tensor?]) -> Tensor {
        guard isGradEnabled, output.dtype.isFloatingPoint, inputs.contains(where: { $0.requiresGradFlag }) else { return output }
        let out: Tensor
        if output.isLeaf && !output.requiresGradFlag && !inputs.contains(where: { $0 === output }) {
            out = output
        } else {
            out = output.detach()
        }
        out.node = GraphNode(name: name, inputs: inputs, backward: backward)
        out.requiresGradFlag = true
        return out
    }

    /// Records `output` as produced by `name` from `inputs` when any input needs a gradient.
    @inline(__always)
    func recorded(_ name: String, _ inputs: [Tensor], _ backward: @escaping (Tensor) throws -> [Tensor?]) -> Tensor {
        Tensor.custom(name: name, inputs: inputs, output: self, backward: backward)
    }

    // MARK: Backward

    /// Back-propagates from this one-element tensor (seed gradient 1), accumulating into the
    /// `grad` of every leaf that requires a gradient, then frees the graph.
    public func backward() throws {
        guard count == 1 else {
            throw TensorError.invalidShape(op: "backward", shape: shape, reason: "backward() without a gradient needs a one-element tensor; pass grad:")
        }
        try backward(grad: Tensor.full(shape, value: 1, dtype: dtype))
    }

    /// Back-propagates the upstream gradient `grad` (same shape as this tensor), accumulating into
    /// the `grad` of every leaf that requires a gradient, then frees the graph.
    public func backward(grad seed: Tensor) throws {
        guard requiresGradFlag else {
            throw TensorError.notDifferentiable(op: "backward", reason: "the tensor does not require a gradient (no input was marked requiresGrad, or it was computed under withNoGrad)")
        }
        guard seed.shape == shape else { throw TensorError.shapeMismatch(op: "backward", lhs: shape, rhs: seed.shape) }
        let seed = seed.dtype == dtype ? seed : try seed.to(dtype)
        if isLeaf {
            try accumulateGrad(seed)
            return
        }
        // Topological order by iterative depth-first search.
        var order: [Tensor] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(Tensor, Int)] = [(self, 0)]
        visited.insert(ObjectIdentifier(self))
        while let (t, i) = stack.popLast() {
            guard let node = t.node, i < node.inputs.count else { order.append(t); continue }
            stack.append((t, i + 1))
            let child = node.inputs[i]
            if child.node != nil && child.requiresGradFlag && !visited.contains(ObjectIdentifier(child)) {
                visited.insert(ObjectIdentifier(child))
                stack.append((child, 0))
            }
        }
        if order.contains(where: { $0.node != nil && $0.node?.backward == nil }) {
            throw TensorError.notDifferentiable(op: "backward", reason: "the graph was already freed by an earlier backward()")
        }
        var grads: [ObjectIdentifier: Tensor] = [ObjectIdentifier(self): seed]
        defer {
            for t in order { t.node?.inputs = []; t.node?.backward = nil }
        }
        try Tensor.withNoGrad {
            for t in order.reversed() {
                guard let node = t.node, let rule = node.backward,
                      let g = grads.removeValue(forKey: ObjectIdentifier(t)) else { continue }
                let inputGrads = try rule(g)
                for (input, ig) in zip(node.inputs, inputGrads) {
                    guard let ig, input.requiresGradFlag else { continue }
                    guard ig.shape == input.shape else {
                        throw TensorError.incompatibleShapes(op: "backward of \(node.name)", lhs: input.shape, rhs: ig.shape, reason: "gradient shape differs from input shape")
                    }
                    let ig2 = ig.dtype == input.dtype ? ig : try ig.to(input.dtype)
                    if input.isLeaf {
                        try input.accumulateGrad(ig2)
                    } else if let prev = grads[ObjectIdentifier(input)] {
                        grads[ObjectIdentifier(input)] = try prev.add(ig2)
                    } else {
                        grads[ObjectIdentifier(input)] = ig2
                    }
                }
            }
        }
    }

    func accumulateGrad(_ g: Tensor) throws {
        if let existing = grad, existing.dtype == g.dtype, existing.shape == g.shape {
            if existing.isContiguous && existing.isLeaf {
                try existing.addInPlace(g)
            } else {
                grad = try existing.add(g).contiguousData()
            }
        } else {
            let c = Tensor(uninitializedShape: g.shape, dtype: g.dtype)
            copyStrided(from: g, to: c)
            grad = c
        }
    }
}
