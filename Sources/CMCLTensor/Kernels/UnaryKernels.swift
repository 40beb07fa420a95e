/// Elementwise unary operations.
enum UnaryOp: String, Sendable {
    case neg, exp, log, sqrt, abs, tanh, sigmoid, relu, gelu, square, reciprocal, sign
}

@inline(__always)
private func apply1<T>(_ r: Range<Int>, _ o: UnsafeMutablePointer<T>, _ x: UnsafePointer<T>, _ f: (T) -> T) {
    for i in r { o[i] = f(x[i]) }
}

@inline(__always) func geluValue<T: FloatElement>(_ x: T) -> T {
    x * (T.erf(x * T(0.7071067811865476)) + 1) * T(0.5)
}

/// `out[i] = op(x[i])` over contiguous buffers of `n` elements.
func unaryKernel<T: FloatElement>(_ op: UnaryOp, _: T.Type, n: Int, x: UnsafePointer<T>, out: UnsafeMutablePointer<T>) {
    let px = SendablePointer(x), po = SendablePointer(out)
    // Aligned to the SIMD width: `exp` runs eight lanes at a time with a scalar tail, and the two
    // round differently, so ranges must not move with the core count.
    parallelFor(n, threshold: op == .relu || op == .neg || op == .abs || op == .square ? parallelThreshold : parallelThreshold / 8,
                alignment: 64) { r in
        let x = UnsafePointer(px.p), o = po.p
        switch op {
        case .neg: apply1(r, o, x) { -$0 }
        case .exp: _ = T.rowExpSum(x + r.lowerBound, o + r.lowerBound, r.count, shift: 0)
        case .log: apply1(r, o, x) { T.log($0) }
        case .sqrt: apply1(r, o, x) { T.sqrt($0) }
        case .abs: apply1(r, o, x) { Swift.abs($0) }
        case .tanh: apply1(r, o, x) { T.tanh($0) }
        case .sigmoid: apply1(r, o, x) { 1 / (1 + T.exp(-$0)) }
        case .relu: apply1(r, o, x) { $0 > 0 ? $0 : 0 }
        case .gelu: geluRow(x + r.lowerBound, o + r.lowerBound, r.count)
        case .square: apply1(r, o, x) { $0 * $0 }
        case .reciprocal: apply1(r, o, x) { 1 / $0 }
        case .sign: apply1(r, o, x) { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) }
        }
    }
}

/// `dx[i] = g[i] * op'(x[i])` using the input `x` and output `y`, over contiguous buffers.
func unaryBackwardKernel<T: FloatElement>(_ op: UnaryOp, _: T.Type, n: Int, x: UnsafePointer<T>, y: UnsafePointer<T>,
                                          g: UnsafePointer<T>, dx: UnsafeMutablePointer<T>) {
    let px = SendablePointer(x), py = SendablePointer(y), pg = SendablePointer(g), pd = SendablePointer(dx)
    parallelFor(n) { r in
        let x = px.p, y = py.p, g = pg.p, d = pd.p
        switch op {
        case .neg: for i in r { d[i] = -g[i] }
        case .exp: for i in r { d[i] = g[i] * y[i] }
        case .log: for i in r { d[i] = g[i] / x[i] }
        case .sqrt: for i in r { d[i] = g[i] / (2 * y[i]) }
        case .abs: for i in r { d[i] = x[i] > 0 ? g[i] : (x[i] < 0 ? -g[i] : 0) }
        case .tanh: for i in r { d[i] = g[i] * (1 - y[i] * y[i]) }
        case .sigmoid: for i in r { d[i] = g[i] * y[i] * (1 - y[i]) }
        case .relu: for i in r { d[i] = x[i] > 0 ? g[i] : 0 }
        case .gelu: geluGradRow(x + r.lowerBound, g + r.lowerBound, d + r.lowerBound, r.count)
        case .square: for i in r { d[i] = g[i] * 2 * x[i] }
        case .reciprocal: for i in r { d[i] = -g[i] * y[i] * y[i] }
        case .sign: for i in r { d[i] = 0 }
        }
    }
}
