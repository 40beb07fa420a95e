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
