/// SIMD helpers for the hot row kernels.

@inline(__always) func load8<T: FloatElement>(_ p: UnsafePointer<T>, _ i: Int) -> SIMD8<T> {
    UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<T>.self)
}

@inline(__always) func store8<T: FloatElement>(_ v: SIMD8<T>, _ p: UnsafeMutablePointer<T>, _ i: Int) {
    UnsafeMutableRawPointer(p + i).storeBytes(of: v, as: SIMD8<T>.self)
}

/// Largest of `n` values, ignoring NaN (−∞ for n == 0 or all NaN).
@inline(__always) func rowMax<T: FloatElement>(_ p: UnsafePointer<T>, _ n: Int) -> T {
    var m0 = -T.infinity, m1 = m0, m2 = m0, m3 = m0
    var i = 0
    while i + 4 <= n {
        let a = p[i], b = p[i + 1], c = p[i + 2], d = p[i + 3]
        m0 = a > m0 ? a : m0
        m1 = b > m1 ? b : m1
        m2 = c > m2 ? c : m2
        m3 = d > m3 ? d : m3
        i += 4
    }
    while i < n { if p[i] > m0 { m0 = p[i] }; i += 1 }
    let x = m0 > m1 ? m0 : m1, y = m2 > m3 ? m2 : m3
    return x > y ? x : y
}

/// Σ a[i]·b[i] with SIMD accumulators.
@inline(__always) func rowDot<T: FloatElement>(_ a: UnsafePointer<T>, _ b: UnsafePointer<T>, _ n: Int) -> T {
    var acc = SIMD8<T>(repeating: 0)
    var i = 0
    while i + 8 <= n { acc += load8(a, i) * load8(b, i); i += 8 }
    var s = acc.sum()
    while i < n { s += a[i] * b[i]; i += 1 }
    return s
}

/// `e^x` for eight floats (Cephes polynomial, ≈1 ulp); inputs below −87.3 give 0, above 88.7 give +∞.
/// Callers handle NaN separately.
@inline(__always) func exp8(_ x: SIMD8<Float>) -> SIMD8<Float> {
    let hi = SIMD8<Float>(repeating: 88.3762626647949), lo = SIMD8<Float>(repeating: -87.3365447505531)
    let xc = x.replacing(with: lo, where: x .< lo).replacing(with: hi, where: x .> hi)
    // Round to nearest through the 1.5·2^23 magic constant; its low mantissa bits hold the integer.
    let magic = SIMD8<Float>(repeating: 12582912.0)
    let shifted = xc * 1.44269504088896341 + magic
    let fx = shifted - magic
    var r = xc - fx * 0.693359375
    r = r + fx * 2.12194440e-4
    var p = SIMD8<Float>(repeating: 1.9875691500E-4)
    p = p * r + 1.3981999507E-3
    p = p * r + 8.3334519073E-3
    p = p * r + 4.1665795894E-2
    p = p * r + 1.6666665459E-1
    p = p * r + 5.0000001201E-1
    let y = p * r * r + r + 1
    let n = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000
    let scale = unsafeBitCast((n &+ 127) &<< 23, to: SIMD8<Float>.self)
    return (y * scale).replacing(with: 0, where: x .< lo).replacing(with: .infinity, where: x .> hi)
}

extension Float {
    /// `out[i] = e^(x[i] − shift)` (when `out` is given); returns the sum of those values.
    @inline(__always)
    static func rowExpSum(_ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>?, _ n: Int, shift: Float) -> Float {
        let sh = SIMD8<Float>(repeating: shift)
        var acc = SIMD8<Float>(repeating: 0)
        var i = 0
        while i + 8 <= n {
            let e = exp8(load8(x, i) - sh)
            if let out { store8(e, out, i) }
            acc += e
            i += 8
        }
        var s = acc.sum()
        while i < n {
            let e = Float.exp(x[i] - shift)
            out?[i] = e
            s += e
            i += 1
        }
        return s
    }
}

extension Double {
    /// `out[i] = e^(x[i] − shift)` (when `out` is given); returns the sum of those values.
    @inline(__always)
    static func rowExpSum(_ x: UnsafePointer<Double>, _ out: UnsafeMutablePointer<Double>?, _ n: Int, shift: Double) -> Double {
        var s = 0.0
        for i in 0..<n { let e = Double.exp(x[i] - shift); out?[i] = e; s += e }
        return s
    }
}

/// `erf(x)` for eight floats: a rational approximation in x² on [−4, 4] (the one XLA and Eigen use
/// for float), within 4.2e-7 of the exact value everywhere (a few ulp); NaN stays NaN.
@inline(__always) func erf8(_ x: SIMD8<Float>) -> SIMD8<Float> {
    let four = SIMD8<Float>(repeating: 4)
    let xc = x.replacing(with: -four, where: x .< -four).replacing(with: four, where: x .> four)
    let x2 = xc * xc
    var p = SIMD8<Float>(repeating: -2.72614225801306e-10)
    p = p * x2 + 2.77068142495902e-08
    p = p * x2 - 2.10102402082508e-06
    p = p * x2 - 5.69250639462346e-05
    p = p * x2 - 7.34990630326855e-04
    p = p * x2 - 2.95459980854025e-03
    p = p * x2 - 1.60960333262415e-02
    var q = SIMD8<Float>(repeating: -1.45660718464996e-05)
    q = q * x2 - 2.13374055278905e-04
    q = q * x2 - 1.68282697438203e-03
    q = q * x2 - 7.37332916720468e-03
    q = q * x2 - 1.42647390514189e-02
    return xc * p / q
}

/// `gelu(x) = x · Φ(x)` (erf form) over a row: eight lanes at a time for `Float`.
@inline(__always) func geluRow<T: FloatElement>(_ x: UnsafePointer<T>, _ out: UnsafeMutablePointer<T>, _ n: Int) {
    var i = 0
    if T.self == Float.self {
        let xf = UnsafeRawPointer(x).assumingMemoryBound(to: Float.self)
        let of = UnsafeMutableRawPointer(out).assumingMemoryBound(to: Float.self)
        while i + 8 <= n {
            let v = load8(xf, i)
            store8(v * (erf8(v * 0.7071067811865476) + 1) * 0.5, of, i)
            i += 8
        }
    }
    while i < n { out[i] = geluValue(x[i]); i += 1 }
}

/// `dx = g · gelu'(x)` with `gelu'(x) = Φ(x) + x · φ(x)` over a row: eight lanes at a time for `Float`.
@inline(__always) func geluGradRow<T: FloatElement>(_ x: UnsafePointer<T>, _ g: UnsafePointer<T>, _ dx: UnsafeMutablePointer<T>, _ n: Int) {
    var i = 0
    if T.self == Float.self {
        let xf = UnsafeRawPointer(x).assumingMemoryBound(to: Float.self)
        let gf = UnsafeRawPointer(g).assumingMemoryBound(to: Float.self)
        let df = UnsafeMutableRawPointer(dx).assumingMemoryBound(to: Float.self)
        while i + 8 <= n {
            let v = load8(xf, i)
            let cdf = (erf8(v * 0.7071067811865476) + 1) * 0.5
            let pdf = exp8(v * v * -0.5) * 0.3989422804014327
            store8(load8(gf, i) * (cdf + v * pdf), df, i)
            i += 8
        }
    }
    let c = T(0.3989422804014327)   // 1/√(2π)
    while i < n {
        let v = x[i]
        let cdf = (T.erf(v * T(0.7071067811865476)) + 1) * T(0.5)
        dx[i] = g[i] * (cdf + v * c * T.exp(-v * v * T(0.5)))
        i += 1
    }
}
