extension Tensor {
    /// Dropout with an explicit mask: `self · mask · scale`, with `mask` a 0/1 tensor broadcastable
    /// to this one. Differentiable in `self`.
    ///
    /// One uniform draw can serve several rates, as the comparative loss needs:
    /// ```swift
    /// let u = try Tensor.uniform(x.shape, generator: g)
    /// for p in [0.1, 0.2, 0.3] {
    ///     let y = try x.dropout(mask: u.ge(p), scale: Float(1 / (1 - p)))
    /// }
    /// ```
    public func dropout(mask: Tensor, scale: Float) throws -> Tensor {
        guard let b = broadcastShapes(shape, mask.shape), b == shape else {
            throw TensorError.incompatibleShapes(op: "dropout", lhs: shape, rhs: mask.shape, reason: "the mask must broadcast to the input")
        }
        let m = try mask.detach().to(dtype).mul(Double(scale))
        return try mul(m)
    }

    /// Keep-mask for rate `p` from a uniform draw `u`: 1 where `u >= p`, with the matching scale
    /// `1/(1−p)` (0 when `p == 1`).
    public static func dropoutMask(uniform u: Tensor, p: Double) throws -> (mask: Tensor, scale: Float) {
        guard p >= 0, p <= 1 else { throw TensorError.invalidArgument(op: "dropout", reason: "rate must be in [0, 1], got \(p)") }
        return (try u.ge(p), p >= 1 ? 0 : Float(1 / (1 - p)))
    }

    /// Standard (inverted) dropout at rate `p`: identity when not training or `p == 0`.
    public func dropout(p: Double, generator: Generator, training: Bool = true) throws -> Tensor {
        guard p >= 0, p <= 1 else { throw TensorError.invalidArgument(op: "dropout", reason: "rate must be in [0, 1], got \(p)") }
        if !training || p == 0 { return self }
        let u = try Tensor.uniform(shape, dtype: dtype.isFloatingPoint ? dtype : .float32, generator: generator)
        let (mask, scale) = try Tensor.dropoutMask(uniform: u, p: p)
        return try dropout(mask: mask, scale: scale)
    }
}
