/// Elementwise binary operations with numpy broadcasting.
enum BinaryOp: String, Sendable {
    case add, sub, mul, div, pow, maximum, minimum
    case eq, ne, lt, le, gt, ge

    var isComparison: Bool {
        switch self {
        case .eq, .ne, .lt, .le, .gt, .ge: return true
        default: return false
        }
    }
}

@inline(__always)
private func apply2<T>(_ n: Int, _ o: UnsafeMutablePointer<T>, _ a: UnsafePointer<T>, _ sa: Int,
                       _ b: UnsafePointer<T>, _ sb: Int, _ f: (T, T) -> T) {
    if sa == 1 && sb == 1 {
        for i in 0..<n { o[i] = f(a[i], b[i]) }
    } else if sa == 1 && sb == 0 {
        let bv = b[0]
        for i in 0..<n { o[i] = f(a[i], bv) }
    } else if sa == 0 && sb == 1 {
        let av = a[0]
        for i in 0..<n { o[i] = f(av, b[i]) }
    } else {
        for i in 0..<n { o[i] = f(a[i * sa], b[i * sb]) }
    }
}

/// Runs `op` over `out = op(a, b)` where the three share the strided layout `loop` (operand order
/// out, a, b) and `out` is contiguous.
func binaryKernel<T: FloatElement>(_ op: BinaryOp, _ type: T.Type, loop: StridedLoop,
                                   out: UnsafeMutablePointer<T>, a: UnsafePointer<T>, b: UnsafePointer<T>) {
    let po = SendablePointer(out), pa = SendablePointer(a), pb = SendablePointer(b)
    let sa = loop.innerStride(1), sb = loop.innerStride(2)
    loop.run { oo, oa, ob, n in
        let o = po.p + oo, x = UnsafePointer(pa.p + oa), y = UnsafePointer(pb.p + ob)
        switch op {
        case .add: apply2(n, o, x, sa, y, sb) { $0 + $1 }
        case .sub: apply2(n, o, x, sa, y, sb) { $0 - $1 }
        case .mul: apply2(n, o, x, sa, y, sb) { $0 * $1 }
        case .div: apply2(n, o, x, sa, y, sb) { $0 / $1 }
        case .pow: apply2(n, o, x, sa, y, sb) { T.pow($0, $1) }
        case .maximum: apply2(n, o, x, sa, y, sb) { $0.isNaN || $0 > $1 ? $0 : $1 }
        case .minimum: apply2(n, o, x, sa, y, sb) { $0.isNaN || $0 < $1 ? $0 : $1 }
        case .eq: apply2(n, o, x, sa, y, sb) { $0 == $1 ? 1 : 0 }
        case .ne: apply2(n, o, x, sa, y, sb) { $0 != $1 ? 1 : 0 }
        case .lt: apply2(n, o, x, sa, y, sb) { $0 < $1 ? 1 : 0 }
        case .le: apply2(n, o, x, sa, y, sb) { $0 <= $1 ? 1 : 0 }
        case .gt: apply2(n, o, x, sa, y, sb) { $0 > $1 ? 1 : 0 }
        case .ge: apply2(n, o, x, sa, y, sb) { $0 >= $1 ? 1 : 0 }
        }
    }
}

/// The numpy broadcast of two shapes, or nil when they are incompatible.
func broadcastShapes(_ a: [Int], _ b: [Int]) -> [Int]? {
    let r = max(a.count, b.count)
    var out = [Int](repeating: 1, count: r)
    for i in 0..<r {
        let da = i < r - a.count ? 1 : a[i - (r - a.count)]
        let db = i < r - b.count ? 1 : b[i - (r - b.count)]
        if da == db || db == 1 { out[i] = da } else if da == 1 { out[i] = db } else { return nil }
    }
    return out
}

/// Strides that read `t` as if broadcast to `shape` (0 along broadcast dimensions).
func broadcastStrides(_ t: Tensor, to shape: [Int]) -> [Int] {
    let pad = shape.count - t.rank
    var s = [Int](repeating: 0, count: shape.count)
    for i in 0..<t.rank where t.shape[i] != 1 { s[i + pad] = t.strides[i] }
    return s
}

/// Where `condition` (broadcast to `out`) is zero, replaces `out`'s element by `other`'s (broadcast)
/// or by `fill`. `out` is contiguous.
func selectKernel(out: Tensor, condition: Tensor, other: Tensor?, fill: Double?) {
    if out.count == 0 { return }
    let shape = out.shape
    let cs = broadcastStrides(condition, to: shape)
    let os = other.map { broadcastStrides($0, to: shape) } ?? [Int](repeating: 0, count: shape.count)
    let loop = StridedLoop(shape: shape, strides: [out.strides, cs, os])
    func run<T: Equatable & ExpressibleByIntegerLiteral, C: Equatable & ExpressibleByIntegerLiteral>(_: T.Type, _: C.Type, _ fv: T) {
        let po = SendablePointer(out.pointer(T.self)), pc = SendablePointer(condition.pointer(C.self))
        let pb = other.map { SendablePointer($0.pointer(T.self)) }
        let sc = loop.innerStride(1), sb = loop.innerStride(2)
        loop.run { oo, oc, ob, n in
            let o = po.p + oo, c = pc.p + oc
            if let pb {
                let b = pb.p + ob
                for i in 0..<n where c[i * sc] == 0 { o[i] = b[i * sb] }
            } else {
                for i in 0..<n where c[i * sc] == 0 { o[i] = fv }
            }
        }
    }
    let f = fill ?? 0
    switch (out.dtype, condition.dtype) {
    case (.float32, .float32): run(Float.self, Float.self, Float(f))
    case (.float32, .float64): run(Float.self, Double.self, Float(f))
    case (.float32, .int32): run(Float.self, Int32.self, Float(f))
    case (.float64, .float32): run(Double.self, Float.self, f)
    case (.float64, .float64): run(Double.self, Double.self, f)
    case (.float64, .int32): run(Double.self, Int32.self, f)
    case (.int32, .float32): run(Int32.self, Float.self, Int32(exactly: f.rounded(.towardZero)) ?? 0)
    case (.int32, .float64): run(Int32.self, Double.self, Int32(exactly: f.rounded(.towardZero)) ?? 0)
    case (.int32, .int32): run(Int32.self, Int32.self, Int32(exactly: f.rounded(.towardZero)) ?? 0)
    }
}
