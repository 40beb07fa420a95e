/// Row-wise softmax / log-softmax over contiguous rows of length `n`.
func softmaxKernel<T: FloatElement>(_: T.Type, x: UnsafePointer<T>, out: UnsafeMutablePointer<T>, rows: Int, n: Int, log: Bool) {
    let px = SendablePointer(x), po = SendablePointer(out)
    parallelFor(rows, threshold: Swift.max(1, parallelThreshold / 4 / Swift.max(n, 1))) { range in
        for r in range {
            let xr = UnsafePointer(px.p + r * n), o = po.p + r * n
            var m = rowMax(xr, n)
            if !m.isFinite { m = 0 }   // all −∞ (or +∞ present): keep arithmetic defined
            // A NaN input makes the sum NaN, and then the whole row NaN.
            if log {
                let s = T.rowExpSum(xr, nil, n, shift: m)
                if s.isNaN { for i in 0..<n { o[i] = .nan }; continue }
                let lse = m + T.log(s)
                for i in 0..<n { o[i] = xr[i] - lse }
            } else {
                let s = T.rowExpSum(xr, o, n, shift: m)
                if s.isNaN { for i in 0..<n { o[i] = .nan }; continue }
                let inv = 1 / s
                for i in 0..<n { o[i] *= inv }
            }
        }
    }
}

/// Backward of row-wise softmax (`log == false`: dx = y (g − Σ g y)) or log-softmax
/// (`log == true`: dx = g − softmax · Σ g).
func softmaxBackwardKernel<T: FloatElement>(_: T.Type, y: UnsafePointer<T>, g: UnsafePointer<T>, dx: UnsafeMutablePointer<T>,
                                            rows: Int, n: Int, log: Bool) {
    let py = SendablePointer(y), pg = SendablePointer(g), pd = SendablePointer(dx)
    parallelFor(rows, threshold: Swift.max(1, parallelThreshold / Swift.max(n, 1))) { range in
        for r in range {
            let yr = py.p + r * n, gr = pg.p + r * n, d = pd.p + r * n
            if log {
                let s = rowSum(UnsafePointer(gr), n)
                _ = T.rowExpSum(UnsafePointer(yr), d, n, shift: 0)
                for i in 0..<n { d[i] = gr[i] - d[i] * s }
            } else {
                let s = rowDot(UnsafePointer(gr), UnsafePointer(yr), n)
                for i in 0..<n { d[i] = yr[i] * (gr[i] - s) }
            }
        }
    }
}

/// Row-wise `softmax(x · scale + mask)` in one pass per row. `mask` (nil for none) is read at
/// `maskOffset(row) + i · maskStride`. Each element is rounded as the unfused chain
/// `x.mul(scale).add(mask).softmax()` rounds it: `x · scale` (skipped when `scale == 1`), then
/// `+ mask`, then the softmax of ``softmaxKernel`` on the result.
func maskedSoftmaxKernel<T: FloatElement>(_: T.Type, x: UnsafePointer<T>, mask: UnsafePointer<T>?,
                                          maskOffset: @escaping @Sendable (Int) -> Int, maskStride: Int,
                                          scale: T, out: UnsafeMutablePointer<T>, rows: Int, n: Int) {
    let px = SendablePointer(x), po = SendablePointer(out), pm = mask.map { SendablePointer($0) }
    parallelFor(rows, threshold: Swift.max(1, parallelThreshold / 4 / Swift.max(n, 1))) { range in
        for r in range {
            let xr = px.p + r * n, o = po.p + r * n
            switch (pm, scale == 1) {
            case let (m?, true):
                let mr = m.p + maskOffset(r)
                for i in 0..<n { o[i] = xr[i] + mr[i * maskStride] }
            case let (m?, false):
                let mr = m.p + maskOffset(r)
                for i in 0..<n { o[i] = xr[i] * scale + mr[i * maskStride] }
            case (nil, true):
                for i in 0..<n { o[i] = xr[i] }
            case (nil, false):
                for i in 0..<n { o[i] = xr[i] * scale }
            }
            var mx = rowMax(UnsafePointer(o), n)
            if !mx.isFinite { mx = 0 }
            let s = T.rowExpSum(UnsafePointer(o), o, n, shift: mx)
            if s.isNaN { for i in 0..<n { o[i] = .nan }; continue }
            let inv = 1 / s
            for i in 0..<n { o[i] *= inv }
        }
    }
}

/// Backward of ``maskedSoftmaxKernel`` with respect to `x`: `dx = y (g − Σ g y) · scale`, rounded
/// as the unfused chain's backward (the softmax's, then the product with `scale`).
func maskedSoftmaxBackwardKernel<T: FloatElement>(_: T.Type, y: UnsafePointer<T>, g: UnsafePointer<T>, dx: UnsafeMutablePointer<T>,
                                                  scale: T, rows: Int, n: Int) {
    let py = SendablePointer(y), pg = SendablePointer(g), pd = SendablePointer(dx)
    parallelFor(rows, threshold: Swift.max(1, parallelThreshold / Swift.max(n, 1))) { range in
        for r in range {
            let yr = py.p + r * n, gr = pg.p + r * n, d = pd.p + r * n
            let s = rowDot(UnsafePointer(gr), UnsafePointer(yr), n)
            if scale == 1 {
                for i in 0..<n { d[i] = yr[i] * (gr[i] - s) }
            } else {
                for i in 0..<n { d[i] = yr[i] * (gr[i] - s) * scale }
            }
        }
    }
}
