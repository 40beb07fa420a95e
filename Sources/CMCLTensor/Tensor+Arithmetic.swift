import Foundation

extension Tensor {
    /// Computes `op(self, other)` with broadcasting, without recording.
    func binaryForward(_ op: BinaryOp, _ other: Tensor, name: String) throws -> Tensor {
        guard let outShape = broadcastShapes(shape, other.shape) else {
            throw TensorError.incompatibleShapes(op: name, lhs: shape, rhs: other.shape, reason: "cannot broadcast")
        }
        var a = self, b = other
        let type = DType.promoted(dtype, other.dtype)
        if !type.isFloatingPoint || op == .div && type == .int32 {
            // Integer arithmetic is carried out in double precision and rounded back.
            let fa = try a.detach().to(.float64), fb = try b.detach().to(.float64)
            let r = try fa.binaryForward(op, fb, name: name)
            return op == .div ? try r.to(.float32) : try r.to(.int32)
        }
        if a.dtype != type { a = try a.detach().to(type) }
        if b.dtype != type { b = try b.detach().to(type) }
        let out = try Tensor.allocate(outShape, dtype: type, op: name)
        if out.count == 0 { return out }
        let loop = StridedLoop(shape: outShape, strides: [out.strides, broadcastStrides(a, to: outShape), broadcastStrides(b, to: outShape)])
        switch type {
        case .float32: binaryKernel(op, Float.self, loop: loop, out: out.pointer(Float.self), a: a.pointer(Float.self), b: b.pointer(Float.self))
        case .float64: binaryKernel(op, Double.self, loop: loop, out: out.pointer(Double.self), a: a.pointer(Double.self), b: b.pointer(Double.self))
        case .int32: break
        }
        return out
    }

    /// The gradient `g` (of the broadcast shape) summed down to `shape`.
    public func sum(toShape target: [Int]) throws -> Tensor {
        if shape == target { return self }
        guard let b = broadcastShapes(target, shape), b == shape else {
            throw TensorError.incompatibleShapes(op: "sumTo", lhs: shape, rhs: target, reason: "the target does not broadcast to the source")
        }
        let pad = rank - target.count
        var axes = Array(0..<pad)
        for i in 0..<target.count where target[i] == 1 && shape[i + pad] != 1 { axes.append(i + pad) }
        let s = axes.isEmpty ? self : try sum(axes: axes, keepDims: true)
        return try s.reshape(target)
    }

    private func binary(_ op: BinaryOp, _ other: Tensor, name: String) throws -> Tensor {
        let out = try binaryForward(op, other, name: name)
        let a = self, b = other
        switch op {
        case .add:
            return out.recorded(name, [a, b]) { g in
                [a.requiresGradFlag ? try g.sum(toShape: a.shape) : nil, b.requiresGradFlag ? try g.sum(toShape: b.shape) : nil]
            }
        case .sub:
            return out.recorded(name, [a, b]) { g in
                [a.requiresGradFlag ? try g.sum(toShape: a.shape) : nil, b.requiresGradFlag ? try g.neg().sum(toShape: b.shape) : nil]
            }
        case .mul:
            return out.recorded(name, [a, b]) { g in
                [a.requiresGradFlag ? try g.mul(b).sum(toShape: a.shape) : nil, b.requiresGradFlag ? try g.mul(a).sum(toShape: b.shape) : nil]
            }
        case .div:
            // The backward rule reads the output through a detached alias: capturing `out`
            // itself would make a cycle (out → node → rule → out) that leaks every graph that
            // is never back-propagated.
            let y = out.detach()
            return out.recorded(name, [a, b]) { g in
                let ga = a.requiresGradFlag ? try g.div(b).sum(toShape: a.shape) : nil
                let gb = b.requiresGradFlag ? try g.mul(y).div(b).neg().sum(toShape: b.shape) : nil
                return [ga, gb]
            }
        case .pow:
            let y = out.detach()  // not `out`: see `.div`
            return out.recorded(name, [a, b]) { g in
                // d/da a^b = b a^(b-1); d/db a^b = a^b log a (0 where a == 0 and b > 0).
                let ga = a.requiresGradFlag ? try g.mul(b).mul(a.pow(b.sub(1))).sum(toShape: a.shape) : nil
                var gb: Tensor? = nil
                if b.requiresGradFlag {
                    let logA = try Tensor.where(a.gt(0), a.log(), Tensor(scalar: 0, dtype: a.dtype))
                    gb = try g.mul(y).mul(logA).sum(toShape: b.shape)
                }
                return [ga, gb]
            }
        case .maximum, .minimum:
            return out.recorded(name, [a, b]) { g in
                let pick = try (op == .maximum ? a.ge(b) : a.le(b))
                let ga = a.requiresGradFlag ? try g.mul(pick).sum(toShape: a.shape) : nil
                let gb = b.requiresGradFlag ? try g.mul(pick.rsub(1)).sum(toShape: b.shape) : nil
                return [ga, gb]
            }
        default:
            return out
        }
    }

    /// A scalar operand for this tensor: its dtype when floating point; for an int32 tensor,
    /// int32 when the scalar is one, float64 for whole numbers beyond int32 (exact), float32
    /// otherwise (fractions, infinities, NaN) — never a scalar silently turned into 0.
    private func scalarLike(_ v: Double) -> Tensor {
        if dtype.isFloatingPoint { return Tensor(scalar: v, dtype: dtype) }
        if Int32(exactly: v) != nil { return Tensor(scalar: v, dtype: .int32) }
        return Tensor(scalar: v, dtype: v.isFinite && v.rounded() == v ? .float64 : .float32)
    }

    /// `self + other` with broadcasting.
    public func add(_ other: Tensor) throws -> Tensor { try binary(.add, other, name: "add") }
    /// `self - other` with broadcasting.
    public func sub(_ other: Tensor) throws -> Tensor { try binary(.sub, other, name: "sub") }
    /// `self * other` with broadcasting.
    public func mul(_ other: Tensor) throws -> Tensor { try binary(.mul, other, name: "mul") }
    /// `self / other` with broadcasting (true division; integers give `float32`).
    public func div(_ other: Tensor) throws -> Tensor { try binary(.div, other, name: "div") }
    /// `self ** other` with broadcasting.
    public func pow(_ other: Tensor) throws -> Tensor { try binary(.pow, other, name: "pow") }
    /// The elementwise larger of `self` and `other`.
    public func maximum(_ other: Tensor) throws -> Tensor { try binary(.maximum, other, name: "maximum") }
    /// The elementwise smaller of `self` and `other`.
    public func minimum(_ other: Tensor) throws -> Tensor { try binary(.minimum, other, name: "minimum") }

    /// `self + s`.
    public func add(_ s: Double) throws -> Tensor { try add(scalarLike(s)) }
    /// `self - s`.
    public func sub(_ s: Double) throws -> Tensor { try sub(scalarLike(s)) }
    /// `s - self`.
    public func rsub(_ s: Double) throws -> Tensor { try scalarLike(s).sub(self) }
    /// `self * s`.
    public func mul(_ s: Double) throws -> Tensor { try mul(scalarLike(s)) }
    /// `self / s`.
    public func div(_ s: Double) throws -> Tensor { try div(scalarLike(s)) }
    /// `s / self`.
    public func rdiv(_ s: Double) throws -> Tensor { try scalarLike(s).div(self) }
    /// `self ** s`.
    public func pow(_ s: Double) throws -> Tensor {
        let out = try binaryForward(.pow, scalarLike(s), name: "pow")
        let a = self
        return out.recorded("pow", [a]) { g in [try g.mul(a.pow(s - 1)).mul(s)] }
    }

    // MARK: Comparisons (results are 0/1 in the operands' type; not differentiable)

    /// `1` where `self == other`, else `0`.
    public func eq(_ other: Tensor) throws -> Tensor { try binaryForward(.eq, other, name: "eq") }
    /// `1` where `self != other`, else `0`.
    public func ne(_ other: Tensor) throws -> Tensor { try binaryForward(.ne, other, name: "ne") }
    /// `1` where `self < other`, else `0`.
    public func lt(_ other: Tensor) throws -> Tensor { try binaryForward(.lt, other, name: "lt") }
    /// `1` where `self <= other`, else `0`.
    public func le(_ other: Tensor) throws -> Tensor { try binaryForward(.le, other, name: "le") }
    /// `1` where `self > other`, else `0`.
    public func gt(_ other: Tensor) throws -> Tensor { try binaryForward(.gt, other, name: "gt") }
    /// `1` where `self >= other`, else `0`.
    public func ge(_ other: Tensor) throws -> Tensor { try binaryForward(.ge, other, name: "ge") }
    /// Comparisons against a number.
    public func eq(_ s: Double) throws -> Tensor { try eq(scalarLike(s)) }
    public func ne(_ s: Double) throws -> Tensor { try ne(scalarLike(s)) }
    public func lt(_ s: Double) throws -> Tensor { try lt(scalarLike(s)) }
    public func le(_ s: Double) throws -> Tensor { try le(scalarLike(s)) }
    public func gt(_ s: Double) throws -> Tensor { try gt(scalarLike(s)) }
    public func ge(_ s: Double) throws -> Tensor { try ge(scalarLike(s)) }

    /// Elementwise selection: `a` where `condition` is non-zero, else `b` (all broadcast together).
    /// Differentiable in `a` and `b`.
    ///
    /// ```swift
    /// let y = try Tensor.where(x.gt(0), x, x.mul(0.1))     // leaky relu
    /// ```
    public static func `where`(_ condition: Tensor, _ a: Tensor, _ b: Tensor) throws -> Tensor {
        guard let ab = broadcastShapes(a.shape, b.shape), let outShape = broadcastShapes(condition.shape, ab) else {
            throw TensorError.incompatibleShapes(op: "where", lhs: a.shape, rhs: b.shape, reason: "condition \(condition.shape) and both branches must broadcast together")
        }
        let type = DType.promoted(a.dtype, b.dtype)
        let av = try a.detach().to(type), bv = try b.detach().to(type)
        let c = try condition.detach().to(type)
        let out = try Tensor.allocate(outShape, dtype: type, op: "where")
        copyStrided(from: av.expandView(outShape), to: out)
        selectKernel(out: out, condition: c, other: bv, fill: nil)
        return out.recorded("where", [a, b]) { g in
            let keep = try c.ne(0).to(g.dtype)
            return [a.requiresGradFlag ? try g.mul(keep).sum(toShape: a.shape) : nil,
                    b.requiresGradFlag ? try g.mul(keep.rsub(1)).sum(toShape: b.shape) : nil]
        }
    }

    /// Instance form of ``where(_:_:_:)``: `self` where `condition`, else `other`.
    public func `where`(_ condition: Tensor, _ other: Tensor) throws -> Tensor {
        try Tensor.where(condition, self, other)
    }

    /// `self` with elements where `mask` is non-zero replaced by `value` (mask broadcasts to self).
    ///
    /// ```swift
    /// let scores2 = try scores.maskedFill(padMask, value: -1e9)
    /// ```
    public func maskedFill(_ mask: Tensor, value: Double) throws -> Tensor {
        guard let b = broadcastShapes(shape, mask.shape), b == shape else {
            throw TensorError.incompatibleShapes(op: "maskedFill", lhs: shape, rhs: mask.shape, reason: "the mask must broadcast to the tensor")
        }
        let type = dtype
        let out = Tensor(uninitializedShape: shape, dtype: type)
        copyStrided(from: self, to: out)
        let m = try mask.detach().eq(0)
        selectKernel(out: out, condition: m, other: nil, fill: value)
        let x = self
        return out.recorded("maskedFill", [x]) { g in [try g.mul(m.to(g.dtype)).sum(toShape: x.shape)] }
    }

    /// Elementwise clamp to `[min, max]` (either bound may be nil). Gradient passes where unclamped.
    public func clamp(min lo: Double? = nil, max hi: Double? = nil) throws -> Tensor {
        var out = detach()
        if let lo { out = try out.binaryForward(.maximum, scalarLike(lo), name: "clamp") }
        if let hi { out = try out.binaryForward(.minimum, scalarLike(hi), name: "clamp") }
        if lo == nil && hi == nil { out = out.copy() }
        let x = self
        return out.recorded("clamp", [x]) { g in
            var pass = try Tensor.ones(x.shape, dtype: x.dtype)
            if let lo { pass = try pass.mul(x.ge(lo)) }
            if let hi { pass = try pass.mul(x.le(hi)) }
            return [try g.mul(pass)]
        }
    }

    /// Adds `other` into this tensor's storage (no recording). Throws unless `other` broadcasts to
    /// `self`'s shape with a matching type and `self` is contiguous.
    public func addInPlace(_ other: Tensor, scale: Double = 1) throws {
        guard isContiguous else { throw TensorError.invalidArgument(op: "addInPlace", reason: "the destination must be contiguous") }
        guard let b = broadcastShapes(shape, other.shape), b == shape else {
            throw TensorError.incompatibleShapes(op: "addInPlace", lhs: shape, rhs: other.shape, reason: "the source must broadcast to the destination")
        }
        guard other.dtype == dtype, dtype.isFloatingPoint else { throw TensorError.dtypeMismatch(op: "addInPlace", lhs: dtype, rhs: other.dtype) }
        if count == 0 { return }
        let loop = StridedLoop(shape: shape, strides: [strides, strides, broadcastStrides(other, to: shape)])
        switch dtype {
        case .float32:
            let p = pointer(Float.self), s = Float(scale)
            if scale == 1 { binaryKernel(.add, Float.self, loop: loop, out: p, a: p, b: other.pointer(Float.self)) }
            else { axpyKernel(Float.self, loop: loop, out: p, x: other.pointer(Float.self), alpha: s) }
        case .float64:
            let p = pointer(Double.self)
            if scale == 1 { binaryKernel(.add, Double.self, loop: loop, out: p, a: p, b: other.pointer(Double.self)) }
            else { axpyKernel(Double.self, loop: loop, out: p, x: other.pointer(Double.self), alpha: scale) }
        case .int32: break
        }
    }
}

func axpyKernel<T: FloatElement>(_: T.Type, loop: StridedLoop, out: UnsafeMutablePointer<T>, x: UnsafePointer<T>, alpha: T) {
    let po = SendablePointer(out), px = SendablePointer(x)
    let sx = loop.innerStride(2)
    loop.run { oo, _, ox, n in
        let o = po.p + oo, xp = px.p + ox
        if sx == 1 { for i in 0..<n { o[i] += alpha * xp[i] } } else { for i in 0..<n { o[i] += alpha * xp[i * sx] } }
    }
}

// MARK: Throwing operators

/// `try a + b`
public func + (lhs: Tensor, rhs: Tensor) throws -> Tensor { try lhs.add(rhs) }
/// `try a - b`
public func - (lhs: Tensor, rhs: Tensor) throws -> Tensor { try lhs.sub(rhs) }
/// `try a * b`
public func * (lhs: Tensor, rhs: Tensor) throws -> Tensor { try lhs.mul(rhs) }
/// `try a / b`
public func / (lhs: Tensor, rhs: Tensor) throws -> Tensor { try lhs.div(rhs) }
/// `try a + 1`
public func + (lhs: Tensor, rhs: Double) throws -> Tensor { try lhs.add(rhs) }
/// `try a - 1`
public func - (lhs: Tensor, rhs: Double) throws -> Tensor { try lhs.sub(rhs) }
/// `try a * 2`
public func * (lhs: Tensor, rhs: Double) throws -> Tensor { try lhs.mul(rhs) }
/// `try a / 2`
public func / (lhs: Tensor, rhs: Double) throws -> Tensor { try lhs.div(rhs) }
/// `try 2 * a`
public func * (lhs: Double, rhs: Tensor) throws -> Tensor { try rhs.mul(lhs) }
/// `try 1 - a`
public func - (lhs: Double, rhs: Tensor) throws -> Tensor { try rhs.rsub(lhs) }
/// `try -a`
public prefix func - (x: Tensor) throws -> Tensor { try x.neg() }
