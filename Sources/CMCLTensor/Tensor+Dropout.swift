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

    /// The multiplier of inverted dropout at rate `p` for an input of `shape`: `1/(1−p)` where a
    /// uniform draw from `generator` is at least `p`, else 0, drawn and thresholded in one pass.
    /// The same values, and the same draws, as `dropoutMask(uniform: uniform(shape, …), p:)`
    /// followed by `mask.to(dtype).mul(scale)`, without the uniform and mask temporaries.
    ///
    /// ```swift
    /// let y = try x.mul(Tensor.dropoutMultiplier(x.shape, p: 0.1, generator: g))
    /// ```
    public static func dropoutMultiplier(_ shape: [Int], p: Double, dtype: DType = .float32, generator: Generator) throws -> Tensor {
        guard p >= 0, p <= 1 else { throw TensorError.invalidArgument(op: "dropout", reason: "rate must be in [0, 1], got \(p)") }
        guard dtype.isFloatingPoint else { throw TensorError.unsupportedDType(op: "dropout", dtype: dtype) }
        let t = try allocate(shape, dtype: dtype, op: "dropout")
        let scale: Float = p >= 1 ? 0 : Float(1 / (1 - p))
        switch dtype {
        case .float32:
            let out = t.pointer(Float.self), threshold = Float(p)
            // The draw of `uniform` on [0, 1) (0 + 1 · u is u exactly), compared as `ge` compares it.
            generator.fill(t.count) { i, r in out[i] = Float(r >> 40) * 0x1.0p-24 >= threshold ? scale : 0 }
        default:
            let out = t.pointer(Double.self), s = Double(scale)
            generator.fill(t.count) { i, r in out[i] = Double(r >> 11) * 0x1.0p-53 >= p ? s : 0 }
        }
        return t
    }

    /// Standard (inverted) dropout at rate `p`: identity when not training or `p == 0`.
    public func dropout(p: Double, generator: Generator, training: Bool = true) throws -> Tensor {
        guard p >= 0, p <= 1 else { throw TensorError.invalidArgument(op: "dropout", reason: "rate must be in [0, 1], got \(p)") }
        if !training || p == 0 { return self }
        if dtype.isFloatingPoint { return try mul(Tensor.dropoutMultiplier(shape, p: p, dtype: dtype, generator: generator)) }
        let u = try Tensor.uniform(shape, dtype: dtype.isFloatingPoint ? dtype : .float32, generator: generator)
        let (mask, scale) = try Tensor.dropoutMask(uniform: u, p: p)
        return try dropout(mask: mask, scale: scale)
    }
}
