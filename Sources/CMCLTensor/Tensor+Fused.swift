/// The activation applied by ``Tensor/biasActivation(_:activation:)``.
public enum Activation: String, Sendable, CaseIterable {
    case identity, relu, gelu, tanh, sigmoid

    var unary: UnaryOp? {
        switch self {
        case .identity: return nil
        case .relu: return .relu
        case .gelu: return .gelu
        case .tanh: return .tanh
        case .sigmoid: return .sigmoid
        }
    }
}

extension Tensor {
    /// Fused `activation(self + bias)` with `bias` of shape `[lastDim]`, in one pass over memory
    /// forward and one backward.
    ///
    /// ```swift
    /// let h = try x.matmul(w).biasActivation(b, activation: .gelu)
    /// ```
    public func biasActivation(_ bias: Tensor, activation: Activation) throws -> Tensor {
        guard rank >= 1, bias.shape == [shape[rank - 1]] else {
            throw TensorError.incompatibleShapes(op: "biasActivation", lhs: shape, rhs: bias.shape, reason: "bias must have shape [last dimension]")
        }
        let type = DType.promoted(dtype, bias.dtype)
        guard type.isFloatingPoint else { throw TensorError.unsupportedDType(op: "biasActivation", dtype: type) }
        let x = try detach().to(type).contiguousData(), b = try bias.detach().to(type).contiguousData()
        let d = shape[rank - 1], n = count
        let z = Tensor(uninitializedShape: shape, dtype: type)
        let out = activation == .identity ? z : Tensor(uninitializedShape: shape, dtype: type)
        switch type {
        case .float32: biasActKernel(Float.self, x: x, b: b, z: z, out: out, n: n, d: d, op: activation.unary)
        case .float64: biasActKernel(Double.self, x: x, b: b, z: z, out: out, n: n, d: d, op: activation.unary)
        case .int32: break
        }
        let input = self
        // Detached aliases: capturing `out` (or `z`, which is `out` without an activation) would
        // make a cycle out → node → rule → out.
        let y = out.detach(), zd = z.detach()
        return out.recorded("biasActivation", [input, bias]) { g in
            var dz = g
            if let op = activation.unary {
                let gc = g.contiguousData()
                dz = Tensor(uninitializedShape: zd.shape, dtype: type)
                switch type {
                case .float32: unaryBackwardKernel(op, Float.self, n: n, x: zd.pointer(Float.self), y: y.pointer(Float.self), g: gc.pointer(Float.self), dx: dz.pointer(Float.self))
                case .float64: unaryBackwardKernel(op, Double.self, n: n, x: zd.pointer(Double.self), y: y.pointer(Double.self), g: gc.pointer(Double.self), dx: dz.pointer(Double.self))
                case .int32: break
                }
            }
            return [input.requiresGradFlag ? dz : nil,
                    bias.requiresGradFlag ? try dz.sum(axes: Array(0..<(dz.rank - 1))) : nil]
        }
    }
}

private func biasActKernel<T: FloatElement>(_: T.Type, x: Tensor, b: Tensor, z: Tensor, out: Tensor, n: Int, d: Int, op: UnaryOp?) {
    let px = SendablePointer(x.pointer(T.self)), pb = SendablePointer(b.pointer(T.self))
    let pz = SendablePointer(z.pointer(T.self)), po = SendablePointer(out.pointer(T.self))
    let rows = d == 0 ? 0 : n / d
    parallelFor(rows, threshold: Swift.max(1, parallelThreshold / 8 / Swift.max(d, 1))) { range in
        for r in range {
            let xr = px.p + r * d, zr = pz.p + r * d, or = po.p + r * d, bp = pb.p
            for i in 0..<d { zr[i] = xr[i] + bp[i] }
            switch op {
            case nil: break
            case .relu?: for i in 0..<d { or[i] = zr[i] > 0 ? zr[i] : 0 }
            case .gelu?: geluRow(zr, or, d)
            case .tanh?: for i in 0..<d { or[i] = T.tanh(zr[i]) }
            case .sigmoid?: for i in 0..<d { or[i] = 1 / (1 + T.exp(-zr[i])) }
            case .some: break
            }
        }
    }
}
