extension Tensor {
    /// Layer normalisation over the last axis with optional affine `weight` and `bias` (shape
    /// `[dim]`), fused forward and backward (BERT's `LayerNorm`, biased variance).
    ///
    /// With a `residual` of the same shape, normalises `self + residual` in the same pass (a
    /// post-norm transformer's `LayerNorm(y + x)`) without materialising the sum; both inputs get
    /// the same gradient. Results are those of `add(residual).layerNorm(…)` bit for bit.
    ///
    /// ```swift
    /// let h = try x.layerNorm(weight: gamma, bias: beta, eps: 1e-12)
    /// let out = try dense.layerNorm(weight: gamma, bias: beta, eps: 1e-12, residual: x)
    /// ```
    public func layerNorm(weight: Tensor?, bias: Tensor?, eps: Double = 1e-5, residual: Tensor? = nil) throws -> Tensor {
        if let residual, residual.shape != shape || residual.dtype != dtype || !dtype.isFloatingPoint {
            return try add(residual).layerNorm(weight: weight, bias: bias, eps: eps)
        }
        guard rank >= 1 else { throw TensorError.invalidShape(op: "layerNorm", shape: shape, reason: "needs at least one axis") }
        guard dtype.isFloatingPoint else { return try to(.float32).layerNorm(weight: weight, bias: bias, eps: eps) }
        let d = shape[rank - 1]
        for p in [weight, bias].compactMap({ $0 }) where p.shape != [d] {
            throw TensorError.incompatibleShapes(op: "layerNorm", lhs: shape, rhs: p.shape, reason: "weight and bias must have shape [\(d)]")
        }
        let x = contiguousData(), res = residual?.contiguousData()
        let rows = d == 0 ? 0 : count / d
        let out = Tensor(uninitializedShape: shape, dtype: dtype)
        let xhat = Tensor(uninitializedShape: shape, dtype: dtype)
        let rstd = Tensor(uninitializedShape: [rows], dtype: dtype)
        let w = try weight.map { try $0.detach().to(dtype).contiguousData() }
        let b = try bias.map { try $0.detach().to(dtype).contiguousData() }
        switch dtype {
        case .float32: layerNormKernel(Float.self, x: x, residual: res, w: w, b: b, out: out, xhat: xhat, rstd: rstd, rows: rows, d: d, eps: Float(eps))
        case .float64: layerNormKernel(Double.self, x: x, residual: res, w: w, b: b, out: out, xhat: xhat, rstd: rstd, rows: rows, d: d, eps: eps)
        case .int32: break
        }
        let inputs = [self] + [residual, weight, bias].compactMap { $0 }
        let needX = requiresGradFlag || residual?.requiresGradFlag == true
        let type = dtype
        return out.recorded("layerNorm", inputs) { g in
            let gc = g.contiguousData()
            var grads: [Tensor?] = []
            if needX {
                let dx = Tensor(uninitializedShape: g.shape, dtype: type)
                switch type {
                case .float32: layerNormBackwardKernel(Float.self, g: gc, w: w, xhat: xhat, rstd: rstd, dx: dx, rows: rows, d: d)
                case .float64: layerNormBackwardKernel(Double.self, g: gc, w: w, xhat: xhat, rstd: rstd, dx: dx, rows: rows, d: d)
                case .int32: break
                }
                grads.append(dx)
                if residual != nil { grads.append(dx) }
            } else {
                grads.append(nil)
                if residual != nil { grads.append(nil) }
            }
            if weight != nil || bias != nil {
                let dw = Tensor(uninitializedShape: [d], dtype: type), db = Tensor(uninitializedShape: [d], dtype: type)
                switch type {
                case .float32: layerNormParameterGradKernel(Float.self, g: gc, xhat: xhat, dw: dw, db: db, rows: rows, d: d)
                case .float64: layerNormParameterGradKernel(Double.self, g: gc, xhat: xhat, dw: dw, db: db, rows: rows, d: d)
                case .int32: break
                }
                if let weight { grads.append(try dw.to(weight.dtype)) }
                if let bias { grads.append(try db.to(bias.dtype)) }
            }
            return grads
        }
    }
}

private func layerNormKernel<T: FloatElement>(_: T.Type, x: Tensor, residual: Tensor?, w: Tensor?, b: Tensor?, out: Tensor, xhat: Tensor,
                                              rstd: Tensor, rows: Int, d: Int, eps: T) {
    let px = SendablePointer(x.pointer(T.self)), po = SendablePointer(out.pointer(T.self))
    let ph = SendablePointer(xhat.pointer(T.self)), pr = SendablePointer(rstd.pointer(T.self))
    let pres = residual.map { SendablePointer($0.pointer(T.self)) }
    let pw = w.map { SendablePointer($0.pointer(T.self)) }, pb = b.map { SendablePointer($0.pointer(T.self)) }
    parallelFor(rows, threshold: Swift.max(1, parallelThreshold / 4 / Swift.max(d, 1))) { range in
        for r in range {
            let o = po.p + r * d, h = ph.p + r * d
            var xr = UnsafePointer(px.p + r * d)
            if let pres {
                // The sum goes into xhat's row, which is then centred and scaled in place.
                let rr = pres.p + r * d
                for i in 0..<d { h[i] = xr[i] + rr[i] }
                xr = UnsafePointer(h)
            }
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

/// The input gradient of a layer norm, row by row: with `dxhat = g · w`,
/// `dx = rstd · (dxhat − mean(dxhat) − xhat · mean(dxhat · xhat))`, each operation rounded as
/// the element-wise tensor operations that used to compute it (means as row sums divided by `d`).
private func layerNormBackwardKernel<T: FloatElement>(_: T.Type, g: Tensor, w: Tensor?, xhat: Tensor, rstd: Tensor, dx: Tensor, rows: Int, d: Int) {
    let pg = SendablePointer(g.pointer(T.self)), ph = SendablePointer(xhat.pointer(T.self))
    let pr = SendablePointer(rstd.pointer(T.self)), pd = SendablePointer(dx.pointer(T.self))
    let pw = w.map { SendablePointer($0.pointer(T.self)) }
    parallelFor(rows, threshold: Swift.max(1, parallelThreshold / 4 / Swift.max(d, 1))) { range in
        for r in range {
            let gr = pg.p + r * d, h = UnsafePointer(ph.p + r * d), o = pd.p + r * d
            if let pw { for i in 0..<d { o[i] = gr[i] * pw.p[i] } } else { for i in 0..<d { o[i] = gr[i] } }
            let m1 = rowSum(UnsafePointer(o), d) / T(d)
            let m2 = rowDot(UnsafePointer(o), h, d) / T(d)
            let rs = pr.p[r]
            for i in 0..<d { o[i] = (o[i] - m1 - h[i] * m2) * rs }
        }
    }
}

/// The weight and bias gradients of a layer norm: column sums of `g · xhat` and of `g` over the
/// rows, each column summed from zero in row order (as `sum(axes:)` does).
private func layerNormParameterGradKernel<T: FloatElement>(_: T.Type, g: Tensor, xhat: Tensor, dw: Tensor, db: Tensor, rows: Int, d: Int) {
    let pg = SendablePointer(g.pointer(T.self)), ph = SendablePointer(xhat.pointer(T.self))
    let pw = SendablePointer(dw.pointer(T.self)), pb = SendablePointer(db.pointer(T.self))
    parallelFor(d, threshold: Swift.max(1, parallelThreshold / Swift.max(rows, 1))) { cols in
        for i in cols { pw.p[i] = 0; pb.p[i] = 0 }
        for r in 0..<rows {
            let gr = pg.p + r * d, h = ph.p + r * d
            for i in cols {
                pw.p[i] += gr[i] * h[i]
                pb.p[i] += gr[i]
            }
        }
    }
}
