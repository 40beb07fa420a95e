extension Tensor {
    func unary(_ op: UnaryOp) throws -> Tensor {
        guard dtype.isFloatingPoint else {
            if op == .neg || op == .abs || op == .square || op == .sign || op == .relu {
                return try to(.float64).unary(op).to(.int32)
            }
            return try to(.float32).unary(op)
        }
        let x = contiguousData()
        let out = Tensor(uninitializedShape: shape, dtype: dtype)
        let n = count
        switch dtype {
        case .float32: unaryKernel(op, Float.self, n: n, x: x.pointer(Float.self), out: out.pointer(Float.self))
        case .float64: unaryKernel(op, Double.self, n: n, x: x.pointer(Double.self), out: out.pointer(Double.self))
        case .int32: break
        }
        let input = self
        let y = out.detach()  // capturing `out` would make a cycle out → node → rule → out
        return out.recorded(op.rawValue, [input]) { g in
            let gc = g.contiguousData()
            let dx = Tensor(uninitializedShape: x.shape, dtype: x.dtype)
            switch x.dtype {
            case .float32: unaryBackwardKernel(op, Float.self, n: n, x: x.pointer(Float.self), y: y.pointer(Float.self), g: gc.pointer(Float.self), dx: dx.pointer(Float.self))
            case .float64: unaryBackwardKernel(op, Double.self, n: n, x: x.pointer(Double.self), y: y.pointer(Double.self), g: gc.pointer(Double.self), dx: dx.pointer(Double.self))
            case .int32: break
            }
            return [dx]
        }
    }

    /// `-self`.
    public func neg() throws -> Tensor { try unary(.neg) }
    /// Elementwise `e^x`.
    public func exp() throws -> Tensor { try unary(.exp) }
    /// Elementwise natural logarithm.
    public func log() throws -> Tensor { try unary(.log) }
    /// Elementwise square root.
    public func sqrt() throws -> Tensor { try unary(.sqrt) }
    /// Elementwise absolute value.
    public func abs() throws -> Tensor { try unary(.abs) }
    /// Elementwise hyperbolic tangent.
    public func tanh() throws -> Tensor { try unary(.tanh) }
    /// Elementwise logistic sigmoid `1 / (1 + e^-x)`.
    public func sigmoid() throws -> Tensor { try unary(.sigmoid) }
    /// Elementwise `max(x, 0)`.
    public func relu() throws -> Tensor { try unary(.relu) }
    /// Elementwise GELU in the exact erf form used by BERT: `x · ½(1 + erf(x/√2))`.
    public func gelu() throws -> Tensor { try unary(.gelu) }
    /// Elementwise `x²`.
    public func square() throws -> Tensor { try unary(.square) }
    /// Elementwise `1/x`.
    public func reciprocal() throws -> Tensor { try unary(.reciprocal) }
    /// Elementwise sign (−1, 0 or 1; zero gradient).
    public func sign() throws -> Tensor { try unary(.sign) }
}
