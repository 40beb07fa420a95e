/// Strided iteration over up to three operands sharing one (broadcast) shape.
///
/// Adjacent dimensions that are laid out contiguously for every operand are merged first, so a
/// dense tensor becomes one long row. The last merged dimension is the inner loop.
struct StridedLoop {
    var shape: [Int]
    var strides: [[Int]]

    init(shape: [Int], strides: [[Int]]) {
        // Drop size-1 dims, then merge dims that are contiguous for every operand.
        var sh: [Int] = []
        var st: [[Int]] = Array(repeating: [], count: strides.count)
        for (i, d) in shape.enumerated() where d != 1 {
            sh.append(d)
            for k in 0..<strides.count { st[k].append(strides[k][i]) }
        }
        if sh.isEmpty {
            sh = [1]
            for k in 0..<strides.count { st[k] = [0] }
        }
        var mShape = [sh[0]]
        var mStr = st.map { [$0[0]] }
        for i in 1..<sh.count {
            let last = mShape.count - 1
            var mergeable = true
            for k in 0..<st.count where mStr[k][last] != st[k][i] * sh[i] { mergeable = false; break }
            if mergeable {
                mShape[last] *= sh[i]
                for k in 0..<st.count { mStr[k][last] = st[k][i] }
            } else {
                mShape.append(sh[i])
                for k in 0..<st.count { mStr[k].append(st[k][i]) }
            }
        }
        self.shape = mShape
        self.strides = mStr
    }

    var inner: Int { shape[shape.count - 1] }
    var rows: Int { shape.dropLast().reduce(1, *) }
    func innerStride(_ k: Int) -> Int { strides[k][strides[k].count - 1] }

    /// Calls `body(offsets, range)` for each inner row; offsets are element offsets of each operand
    /// at the start of the row, and the row is processed over the given sub-range of the inner dim.
    /// Work is split across threads when `shape` holds at least `threshold` elements.
    func run(threshold: Int = parallelThreshold, _ body: (_ o0: Int, _ o1: Int, _ o2: Int, _ n: Int) -> Void) {
        let total = shape.reduce(1, *)
        let rows = self.rows, inner = self.inner
        let nOps = strides.count
        if rows == 1 {
            let s0 = innerStride(0), s1 = nOps > 1 ? innerStride(1) : 0, s2 = nOps > 2 ? innerStride(2) : 0
            parallelFor(inner, threshold: threshold) { r in
                body(r.lowerBound * s0, r.lowerBound * s1, r.lowerBound * s2, r.count)
            }
            return
        }
        let outerShape = Array(shape.dropLast())
        let outerStrides = strides.map { Array($0.dropLast()) }
        let rowThreshold = max(1, threshold / max(inner, 1))
        parallelFor(rows, threshold: total >= threshold ? rowThreshold : Int.max) { range in
            // Odometer over outer dims starting at range.lowerBound.
            var idx = [Int](repeating: 0, count: outerShape.count)
            var rem = range.lowerBound
            for d in stride(from: outerShape.count - 1, through: 0, by: -1) {
                idx[d] = rem % outerShape[d]
                rem /= outerShape[d]
            }
            var o = [0, 0, 0]
            for k in 0..<nOps { for d in 0..<outerShape.count { o[k] += idx[d] * outerStrides[k][d] } }
            for _ in range {
                body(o[0], o[1], o[2], inner)
                var d = outerShape.count - 1
                while d >= 0 {
                    idx[d] += 1
                    for k in 0..<nOps { o[k] += outerStrides[k][d] }
                    if idx[d] < outerShape[d] { break }
                    for k in 0..<nOps { o[k] -= outerStrides[k][d] * outerShape[d] }
                    idx[d] = 0
                    d -= 1
                }
            }
        }
    }
}

/// Copies `src` (any strides) into the contiguous tensor `dst` of the same shape and element size.
func copyStrided(from src: Tensor, to dst: Tensor) {
    switch src.dtype.byteSize {
    case 8: copyStridedTyped(UInt64.self, from: src, to: dst)
    default: copyStridedTyped(UInt32.self, from: src, to: dst)
    }
}

private func copyStridedTyped<T>(_: T.Type, from src: Tensor, to dst: Tensor) {
    if src.count == 0 { return }
    let loop = StridedLoop(shape: src.shape, strides: [Tensor.contiguousStrides(src.shape), src.strides])
    let d = SendablePointer(dst.pointer(T.self)), s = SendablePointer(src.pointer(T.self))
    let ss = loop.innerStride(1)
    loop.run { od, os, _, n in
        let dp = d.p + od, sp = s.p + os
        if ss == 1 { dp.update(from: sp, count: n) } else { for i in 0..<n { dp[i] = sp[i * ss] } }
    }
}
