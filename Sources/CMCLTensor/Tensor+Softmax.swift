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
    /// One pass over the scores forward (no scaled or masked temporaries) and one backward; the
    /// result and the gradient are those of `mul(scale).add(mask).softmax(axis: -1)` bit for bit.
    ///
    /// ```swift
    /// let probs = try scores.maskedSoftmax(mask: extendedMask, scale: 1 / 8)
    /// ```
    public func maskedSoftmax(mask: Tensor?, scale: Double = 1) throws -> Tensor {
        guard dtype.isFloatingPoint else { return try to(.float32).maskedSoftmax(mask: mask, scale: scale) }
        guard rank >= 1 else { return try reshape([1]).maskedSoftmax(mask: mask, scale: scale).reshape([]) }
        var m: Tensor?
        if let mask {
            guard let b = broadcastShapes(shape, mask.shape), b == shape else {
                throw TensorError.incompatibleShapes(op: "maskedSoftmax", lhs: shape, rhs: mask.shape, reason: "the mask must broadcast to the scores")
            }
            m = try mask.detach().to(dtype).contiguousData()
        }
        let x = contiguousData()
        let n = shape[rank - 1], rows = n == 0 ? 0 : count / n
        // Where row r of the scores reads the mask: the mask's broadcast strides over the leading axes.
        let strides = m.map { broadcastStrides($0, to: shape) } ?? [Int](repeating: 0, count: rank)
        let lead = Array(shape.dropLast()), leadStrides = Array(strides.dropLast())
        let maskOffset: @Sendable (Int) -> Int = { r in
            var rest = r, offset = 0
            for a in stride(from: lead.count - 1, through: 0, by: -1) {
                offset += (rest % lead[a]) * leadStrides[a]
                rest /= lead[a]
            }
            return offset
        }
        let out = Tensor(uninitializedShape: shape, dtype: dtype)
        switch dtype {
        case .float32:
            maskedSoftmaxKernel(Float.self, x: x.pointer(Float.self), mask: m.map { UnsafePointer($0.pointer(Float.self)) }, maskOffset: maskOffset,
                                maskStride: strides[rank - 1], scale: Float(scale), out: out.pointer(Float.self), rows: rows, n: n)
        case .float64:
            maskedSoftmaxKernel(Double.self, x: x.pointer(Double.self), mask: m.map { UnsafePointer($0.pointer(Double.self)) }, maskOffset: maskOffset,
                                maskStride: strides[rank - 1], scale: scale, out: out.pointer(Double.self), rows: rows, n: n)
        case .int32: break
        }
        let y = out.detach()  // capturing `out` would make a cycle out → node → rule → out
        return out.recorded("maskedSoftmax", [self]) { g in
            let gc = g.contiguousData()
            let dx = Tensor(uninitializedShape: y.shape, dtype: y.dtype)
            switch y.dtype {
            case .float32:
                maskedSoftmaxBackwardKernel(Float.self, y: y.pointer(Float.self), g: gc.pointer(Float.self), dx: dx.pointer(Float.self),
                                            scale: Float(scale), rows: rows, n: n)
            case .float64:
                maskedSoftmaxBackwardKernel(Double.self, y: y.pointer(Double.self), g: gc.pointer(Double.self), dx: dx.pointer(Double.self),
                                            scale: scale, rows: rows, n: n)
            case .int32: break
            }
            return [dx]
        }
    }
}
