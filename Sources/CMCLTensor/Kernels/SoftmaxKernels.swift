/// Row-wise softmax / log-softmax over contiguous rows of length `n`.
func softmaxKernel<T: FloatElement>(_: T.Type, x: UnsafePointer<T>, out: UnsafeMutablePointer<T>, rows: Int, n: Int, log: Bool) {
    let px = SendablePointer(x), po = SendablePointer(out)
    parallelFor(rows, threshold: Swift.max(1, parallelThreshold / 4 / Swift.max(n, 1))) { range in
        for r in range {
            let xr = px.p + r * n, o = po.p + r * n
            var m = -T.infinity
            for i in 0..<n where xr[i] > m || xr[i].isNaN { m = xr[i] }
            if !m.isFinite && !m.isNaN { m = 0 }   // all -inf (or +inf): keep arithmetic defined
            if log {
                var s: T = 0
                for i in 0..<n { s += T.exp(xr[i] - m) }
                let lse = m + T.log(s)
                for i in 0..<n { o[i] = xr[i] - lse }
            } else {
                var s: T = 0
                for i in 0..<n { let e = T.exp(xr[i] - m); o[i] = e; s += e }
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
                var s: T = 0
                for i in 0..<n { s += gr[i] }
                for i in 0..<n { d[i] = gr[i] - T.exp(yr[i]) * s }
            } else {
                var s: T = 0
                for i in 0..<n { s += gr[i] * yr[i] }
                for i in 0..<n { d[i] = yr[i] * (gr[i] - s) }
            }
        }
    }
}
