import Foundation

/// The per-step scalars of an Adam or AdamW update (``Tensor/adamUpdate(grad:first:second:_:)``),
/// computed by the optimizer in double precision and rounded to float once.
public struct AdamScalars: Sendable {
    /// `−lr·λ` for decoupled weight decay (AdamW), applied to the weight before the update; nil for none.
    public var decoupledDecay: Float?
    /// `λ` for L2 weight decay added to the gradient (Adam); nil for none.
    public var coupledDecay: Float?
    /// `1 − β₁`, `β₂`, `1 − β₂`.
    public var oneMinusBeta1: Float, beta2: Float, oneMinusBeta2: Float
    /// `√(1 − β₂ᵗ)`.
    public var secondCorrection: Float
    /// `ε`.
    public var eps: Float
    /// `lr / (1 − β₁ᵗ)`.
    public var stepSize: Float

    public init(decoupledDecay: Float?, coupledDecay: Float?, oneMinusBeta1: Float, beta2: Float, oneMinusBeta2: Float,
                secondCorrection: Float, eps: Float, stepSize: Float) {
        self.decoupledDecay = decoupledDecay
        self.coupledDecay = coupledDecay
        self.oneMinusBeta1 = oneMinusBeta1
        self.beta2 = beta2
        self.oneMinusBeta2 = oneMinusBeta2
        self.secondCorrection = secondCorrection
        self.eps = eps
        self.stepSize = stepSize
    }
}

extension Tensor {
    /// Whether this tensor is a dense float32 block (what the fused optimizer kernels accept).
    public var isDenseFloat32: Bool { dtype == .float32 && isContiguous }

    /// One Adam(W) update of this float32 weight in place, in a single pass over the weight, its
    /// gradient and the two moment buffers (updated in place):
    /// `w ← w + d·w` (decoupled decay d), `g ← g + λ·w` (L2 decay), `m ← m + (1−β₁)(g − m)`,
    /// `v ← β₂·v + (1−β₂)·g·g`, `w ← w + (−s·m) / (√v / c₂ + ε)` — the same float operations, in the
    /// same order, as an element-by-element loop.
    /// - Throws: `TensorError` unless all four tensors are dense float32 of one shape.
    public func adamUpdate(grad: Tensor, first: Tensor, second: Tensor, _ s: AdamScalars) throws {
        for t in [self, grad, first, second] where !t.isDenseFloat32 || t.shape != shape {
            throw TensorError.invalidArgument(op: "adamUpdate", reason: "weight, gradient and moments must be dense float32 of shape \(shape), got \(t.dtype) \(t.shape)")
        }
        let pw = SendablePointer(pointer(Float.self)), pg = SendablePointer(grad.pointer(Float.self))
        let pm = SendablePointer(first.pointer(Float.self)), pv = SendablePointer(second.pointer(Float.self))
        parallelFor(count, threshold: parallelThreshold, alignment: 8) { r in
            let w = pw.p, g = pg.p, m = pm.p, v = pv.p
            let w1 = s.oneMinusBeta1, b2 = s.beta2, w2 = s.oneMinusBeta2, bc2 = s.secondCorrection
            let eps = s.eps, stepSize = s.stepSize
            let decoupled = s.decoupledDecay, coupled = s.coupledDecay
            // Eight lanes at a time, each lane the scalar loop's operations in its order (no fused
            // multiply-adds), so the result is the scalar loop's, bit for bit.
            typealias V = SIMD8<Float>
            var i = r.lowerBound
            let vectorEnd = r.lowerBound + (r.count / 8) * 8
            let w1v = V(repeating: w1), b2v = V(repeating: b2), w2v = V(repeating: w2), bc2v = V(repeating: bc2)
            let epsv = V(repeating: eps), stepv = V(repeating: -stepSize)
            while i < vectorEnd {
                let wp = UnsafeMutableRawPointer(w + i), gp = UnsafeMutableRawPointer(g + i)
                let mp = UnsafeMutableRawPointer(m + i), vp = UnsafeMutableRawPointer(v + i)
                var wi = wp.loadUnaligned(as: V.self)
                if let d = decoupled { wi = wi + V(repeating: d) * wi }
                var gi = gp.loadUnaligned(as: V.self)
                if let l = coupled { gi = gi + V(repeating: l) * wi }
                let m0 = mp.loadUnaligned(as: V.self), v0 = vp.loadUnaligned(as: V.self)
                let mi = m0 + w1v * (gi - m0)
                let vi = v0 * b2v + w2v * gi * gi
                mp.storeBytes(of: mi, as: V.self)
                vp.storeBytes(of: vi, as: V.self)
                let denom = vi.squareRoot() / bc2v + epsv
                wp.storeBytes(of: wi + stepv * mi / denom, as: V.self)
                i += 8
            }
            while i < r.upperBound {
                if let d = decoupled { w[i] += d * w[i] }
                var gi = g[i]
                if let l = coupled { gi += l * w[i] }
                let mi = m[i] + w1 * (gi - m[i])
                let vi = v[i] * b2 + w2 * gi * gi
                m[i] = mi
                v[i] = vi
                let denom = vi.squareRoot() / bc2 + eps
                w[i] = w[i] + -stepSize * mi / denom
                i += 1
            }
        }
    }

    /// `initial + Σ x²` in double precision. Tensors under 2^16 elements are summed one element
    /// at a time in row-major order; larger float32 ones in fixed blocks of 2^15 elements (eight
    /// lanes within a block, the blocks added in order), in parallel. The blocks depend only on
    /// the size, so the sum does not depend on the number of cores.
    public func sumOfSquares(startingAt initial: Double = 0) -> Double {
        let c = contiguousData()
        var total = initial
        if dtype == .float32 && count >= 1 << 16 {
            let block = 1 << 15, blocks = (count + block - 1) / block
            var partial = [Double](repeating: 0, count: blocks)
            let p = SendablePointer(c.pointer(Float.self)), n = count
            partial.withUnsafeMutableBufferPointer { out in
                guard let base = out.baseAddress else { return }
                let o = SendablePointer(base)
                parallelFor(blocks, threshold: 2) { range in
                    for b in range {
                        let lo = b * block, hi = Swift.min(n, lo + block)
                        var acc = SIMD8<Double>(repeating: 0)
                        var i = lo
                        while i + 8 <= hi {
                            let v = SIMD8<Double>(UnsafeRawPointer(p.p + i).loadUnaligned(as: SIMD8<Float>.self))
                            acc += v * v
                            i += 8
                        }
                        var s = 0.0
                        for lane in 0..<8 { s += acc[lane] }
                        while i < hi { let v = Double(p.p[i]); s += v * v; i += 1 }
                        o.p[b] = s
                    }
                }
            }
            for s in partial { total += s }
            return total
        }
        switch dtype {
        case .float32:
            let p = c.pointer(Float.self)
            for i in 0..<count { let v = Double(p[i]); total += v * v }
        case .float64:
            let p = c.pointer(Double.self)
            for i in 0..<count { total += p[i] * p[i] }
        case .int32:
            let p = c.pointer(Int32.self)
            for i in 0..<count { let v = Double(p[i]); total += v * v }
        }
        return total
    }
}
