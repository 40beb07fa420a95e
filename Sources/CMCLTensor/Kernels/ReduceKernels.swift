/// Sums over the middle dimension of a contiguous `[outer, reduce, inner]` buffer into `[outer, inner]`.
func sumKernel<T: FloatElement>(_: T.Type, x: UnsafePointer<T>, out: UnsafeMutablePointer<T>, outer: Int, reduce: Int, inner: Int) {
    let px = SendablePointer(x), po = SendablePointer(out)
    if inner == 1 {
        parallelFor(outer, threshold: max(1, parallelThreshold / max(reduce, 1))) { rows in
            for o in rows { po.p[o] = rowSum(px.p + o * reduce, reduce) }
        }
        return
    }
    parallelFor(outer * inner, threshold: max(1, parallelThreshold / max(reduce, 1))) { range in
        // Split along outer rows; within a row, a vectorisable sweep over inner for each r.
        var idx = range.lowerBound
        while idx < range.upperBound {
            let o = idx / inner, i0 = idx % inner
            let i1 = min(inner, i0 + (range.upperBound - idx))
            let dst = po.p + o * inner
            let src = px.p + o * reduce * inner
            for i in i0..<i1 { dst[i] = 0 }
            for r in 0..<reduce {
                let s = src + r * inner
                for i in i0..<i1 { dst[i] += s[i] }
            }
            idx += i1 - i0
        }
    }
}

/// A sum of `n` contiguous values with eight SIMD accumulators (reassociated for speed).
@inline(__always)
func rowSum<T: FloatElement>(_ p: UnsafePointer<T>, _ n: Int) -> T {
    var acc = SIMD8<T>(repeating: 0)
    var i = 0
    let raw = UnsafeRawPointer(p)
    while i + 8 <= n {
        acc += raw.loadUnaligned(fromByteOffset: i * MemoryLayout<T>.stride, as: SIMD8<T>.self)
        i += 8
    }
    var s = acc.sum()
    while i < n { s += p[i]; i += 1 }
    return s
}

/// The index of the largest (or smallest) element over the middle dimension of
/// `[outer, reduce, inner]`; NaN wins (propagates), ties go to the first index.
func argExtremumKernel<T: FloatElement>(_: T.Type, x: UnsafePointer<T>, out: UnsafeMutablePointer<Int32>,
                                        outer: Int, reduce: Int, inner: Int, largest: Bool) {
    let px = SendablePointer(x), po = SendablePointer(out)
    parallelFor(outer, threshold: max(1, parallelThreshold / max(reduce * inner, 1))) { rows in
        for o in rows {
            for i in 0..<inner {
                let base = px.p + o * reduce * inner + i
                var best = base[0], bi = 0
                if !best.isNaN {
                    for r in 1..<max(reduce, 1) {
                        let v = base[r * inner]
                        if v.isNaN { bi = r; break }
                        if largest ? v > best : v < best { best = v; bi = r }
                    }
                }
                po.p[o * inner + i] = Int32(bi)
            }
        }
    }
}
