extension Tensor {
    /// Numerically stable softmax along `axis`.
    ///
    /// ```swift
    /// let p = try logits.softmax(axis: -1)
    /// ```
    public func softmax(axis: Int = -1) throws -> Tensor { try softmaxFamily(axis: axis, log: false) }

    /// Numerically stable log-softmax along `axis`.
    public func logSoftmax(axis: Int = -1) throws -> Tensor { try softmaxFamily(axis: axis, log: true) }

    private func softmaxFamily(axis: Int, log: Bool) throws -> Tensor {
        let name = log ? "logSoftmax" : "softmax"
        guard dtype.isFloatingPoint else { return try to(.float32).softmaxFamily(axis: axis, log: log) }
        if rank == 0 { return try reshape([1]).softmaxFamily(axis: 0, log: log).reshape([]) }
        let a = try normalizedAxis(axis, op: name)
        if a != rank - 1 {
            return try transpose(a, -1).softmaxFamily(axis: -1, log: log).transpose(a, -1)
        }
        let x = contiguousData()
        let n = shape[rank - 1], rows = n == 0 ? 0 : count / n
        let out = Tensor(uninitializedShape: shape, dtype: dtype)
        switch dtype {
        case .float32: softmaxKernel(Float.self, x: x.pointer(Float.self), out: out.pointer(Float.self), rows: rows, n: n, log: log)
        case .float64: softmaxKernel(Double.self, x: x.pointer(Double.self), out: out.pointer(Double.self), rows: rows, n: n, log: log)
        case .int32: break
        }
        let y = out.detach()  // capturing `out` would make a cycle out → node → rule → out
        return out.recorded(name, [self]) { g in
            let gc = g.contiguousData()
            let dx = Tensor(uninitializedShape: y.shape, dtype: y.dtype)
            switch y.dtype {
            case .float32: softmaxBackwardKernel(Float.self, y: y.pointer(Float.self), g: gc.pointer(Float.self), dx: dx.pointer(Float.self), rows: rows, n: n, log: log)
            case .float64: softmaxBackwardKernel(Double.self, y: y.pointer(Double.self), g: gc.pointer(Double.self), dx: dx.pointer(Double.self), rows: rows, n: n, log: log)
            case .int32: break
            }
            return [dx]
        }
    }

    /// Fused attention-score masking and softmax along the last axis: `softmax(self·scale + mask)`
    /// where `mask` (broadcast to self; additive, e.g. 0 / −10000 as in BERT) may be nil.
    ///
    /// ```swift
    /// let probs = try scores.maskedSoftmax(mask: extendedMask, scale: 1 / 8)
    /// ```
    public func maskedSoftmax(mask: Tensor?, scale: Double = 1) throws -> Tensor {
        var z = scale == 1 ? self : try mul(scale)
        if let mask {
            guard let b = broadcastShapes(shape, mask.shape), b == shape else {
                throw TensorError.incompatibleShapes(op: "maskedSoftmax", lhs: shape, rhs: mask.shape, reason: "the mask must broadcast to the scores")
            }
            z = try z.add(mask.detach().to(dtype))
        }
        return try z.softmax(axis: -1)
    }
}
