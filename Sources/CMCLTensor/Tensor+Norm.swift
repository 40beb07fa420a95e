extension Tensor {
    /// Layer normalisation over the last axis with optional affine `weight` and `bias` (shape
    /// `[dim]`), fused forward and backward (BERT's `LayerNorm`, biased variance).
    ///
    /// ```swift
    /// let h = try x.layerNorm(weight: gamma, bias: beta, eps: 1e-12)
    /// ```
    public func layerNorm(weight: Tensor?, bias: Tensor?, eps: Double = 1e-5) throws -> Tensor {
        guard rank >= 1 else { throw TensorError.invalidShape(op: "layerNorm", shape: shape, reason: "needs at least one axis") }
        guard dtype.isFloatingPoint else { return try to(.float32).layerNorm(weight: weight, bias: bias, eps: eps) }
        let d = shape[rank - 1]
        for p in [weight, bias].compactMap({ $0 }) where p.shape != [d] {
            throw TensorError.incompatibleShapes(op: "layerNorm", lhs: shape, rhs: p.shape, reason: "weight and bias must have shape [\(d)]")
        }
        let x = contiguousData()
        let rows = d == 0 ? 0 : count / d
        let out = Tensor(uninitializedShape: shape, dtype: dtype)
        let xhat = Tensor(uninitializedShape: shape, dtype: dtype)
        let rstd = Tensor(uninitializedShape: [rows], dtype: dtype)
        let w = try weight.map { try $0.detach().to(dtype).contiguousData() }
        let b = try bias.map { try $0.detach().to(dtype).contiguousData() }
        switch dtype {
        case .float32: layerNormKernel(Float.self, x: x, w: w, b: b, out: out, xhat: xhat, rstd: rstd, rows: rows, d: d, eps: Float(eps))
        case .float64: layerNormKernel(Double.self, x: x, w: w, b: b, out: out, xhat: xhat, rstd: rstd, rows: rows, d: d, eps: eps)
        case .int32: break
        }
        let inputs = [self] + [weight, bias].compactMap { $0 }
        let needX = requiresGradFlag
        return out.recorded("layerNorm", inputs) { g in
            let gc = g.contiguousData()
            var grads: [Tensor?] = []
            // dxhat = g·w ; dx = rstd·(dxhat − mean(dxhat) − xhat·mean(dxhat·xhat))
            let dxhat = try w.map { try gc.mul($0) } ?? gc
            if needX {
                let m1 = try dxhat.mean(axes: [-1], keepDims: true)
                let m2 = try dxhat.mul(xhat).mean(axes: [-1], keepDims: true)
                let r = try rstd.reshape(Array(g.shape.dropLast()) + [1])
                grads.append(try dxhat.sub(m1).sub(xhat.mul(m2)).mul(r))
            } else {
                grads.append(nil)
            }
            let lead = Array(0..<(g.rank - 1))
            if let weight { grads.append(try gc.mul(xhat).sum(axes: lead).to(weight.dtype)) }
            if let bias { grads.append(try gc.sum(axes: lead).to(bias.dtype)) }
            return grads
        }
    }
}

private func layerNormKernel<T: FloatElement>(_: T.Type, x: Tensor, w: Tensor?, b: Tensor?, out: Tensor, xhat: Tensor,
                                              rstd: Tensor, rows: Int, d: Int, eps: T) {
    let px = SendablePointer(x.pointer(T.self)), po = SendablePointer(out.pointer(T.self))
    let ph = SendablePointer(xhat.pointer(T.self)), pr = SendablePointer(rstd.pointer(T.self))
    let pw = w.map { SendablePointer($0.pointer(T.self)) }, pb = b.map { SendablePointer($0.pointer(T.self)) }
    parallelFor(rows, threshold: Swift.max(1, parallelThreshold / 4 / Swift.max(d, 1))) { range in
        for r in range {
            let xr = px.p + r * d, o = po.p + r * d, h = ph.p + r * d
            let mean = rowSum(xr, d) / T(d)
            var v: T = 0
            for i in 0..<d { let c = xr[i] - mean; h[i] = c; v += c * c }
            let rs = 1 / T.sqrt(v / T(d) + eps)
            pr.p[r] = rs
            for i in 0..<d { h[i] *= rs }
            switch (pw, pb) {
            case let (w?, b?): for i in 0..<d { o[i] = h[i] * w.p[i] + b.p[i] }
            case let (w?, nil): for i in 0..<d { o[i] = h[i] * w.p[i] }
            case let (nil, b?): for i in 0..<d { o[i] = h[i] + b.p[i] }
            case (nil, nil): for i in 0..<d { o[i] = h[i] }
            }
        }
    }
}
