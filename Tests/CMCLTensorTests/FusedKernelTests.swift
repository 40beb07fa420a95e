import Testing
@testable import CMCLTensor

/// The fused attention softmax, residual layer norm and dropout multiplier against the chains of
/// element-wise operations they replace: the same bits forward and backward, in float32 (the
/// vector paths, rows longer than 8 with a tail) and float64. Their float64 finite-difference
/// checks are in `GradientCheckTests`.
@Suite struct FusedKernelTests {
    static func same(_ a: Tensor?, _ b: Tensor?) -> Bool { bits(a) == bits(b) && a != nil }

    static func bits(_ t: Tensor?) -> [UInt64] {
        guard let t else { return [] }
        return t.dtype == .float32 ? t.toArray().map { UInt64($0.bitPattern) } : t.toDoubles().map(\.bitPattern)
    }

    @Test(arguments: [DType.float32, .float64], [1.0, 0.125])
    func maskedSoftmaxIsTheUnfusedChain(dtype: DType, scale: Double) throws {
        let g = Generator(seed: 11)
        // [batch, heads, query, key] scores and BERT's additive mask [batch, 1, 1, key].
        let scores = try Tensor.uniform([3, 2, 5, 19], low: -6, high: 6, dtype: dtype, generator: g)
        var keep = try Tensor.uniform([3, 1, 1, 19], dtype: dtype, generator: g).ge(0.3)
        keep = try keep.mul(-10000).add(10000).sub(10000)   // 0 where kept, −10000 where masked
        let upstream = try Tensor.uniform([3, 2, 5, 19], low: -1, high: 1, dtype: dtype, generator: g)
        for mask in [keep, nil] {
            let a = try scores.detach().requiringGrad(), b = try scores.detach().requiringGrad()
            let fused = try a.maskedSoftmax(mask: mask, scale: scale)
            var chain: Tensor = scale == 1 ? b : try b.mul(scale)
            if let mask { chain = try chain.add(mask) }
            chain = try chain.softmax(axis: -1)
            #expect(Self.same(fused, chain))
            try fused.backward(grad: upstream)
            try chain.backward(grad: upstream)
            #expect(Self.same(a.grad, b.grad))
        }
    }

    @Test(arguments: [DType.float32, .float64])
    func residualLayerNormIsTheUnfusedChain(dtype: DType) throws {
        let g = Generator(seed: 12)
        let d = 37
        let x0 = try Tensor.uniform([4, 6, d], low: -2, high: 2, dtype: dtype, generator: g)
        let r0 = try Tensor.uniform([4, 6, d], low: -2, high: 2, dtype: dtype, generator: g)
        let w0 = try Tensor.uniform([d], low: 0.5, high: 1.5, dtype: dtype, generator: g)
        let b0 = try Tensor.uniform([d], low: -0.5, high: 0.5, dtype: dtype, generator: g)
        let upstream = try Tensor.uniform([4, 6, d], low: -1, high: 1, dtype: dtype, generator: g)
        let (x, r, w, b) = (try x0.detach().requiringGrad(), try r0.detach().requiringGrad(), try w0.detach().requiringGrad(), try b0.detach().requiringGrad())
        let fused = try x.layerNorm(weight: w, bias: b, eps: 1e-12, residual: r)
        try fused.backward(grad: upstream)
        // The chain: the sum, then the layer norm written out as the element-wise operations the
        // fused kernels round like (biased variance, means as sums divided by d).
        let (x2, r2, w2, b2) = (try x0.detach().requiringGrad(), try r0.detach().requiringGrad(), try w0.detach().requiringGrad(), try b0.detach().requiringGrad())
        let s = try x2.add(r2)
        #expect(Self.same(fused.detach(), try x0.add(r0).layerNorm(weight: w0, bias: b0, eps: 1e-12)))
        // Gradients against the composed backward of the former implementation.
        let plain = try s.layerNorm(weight: w2, bias: b2, eps: 1e-12)
        try plain.backward(grad: upstream)
        let xhat = try Self.xhat(x0.add(r0), eps: 1e-12)
        let dxhat = try upstream.mul(w0)
        let m1 = try dxhat.mean(axes: [-1], keepDims: true)
        let m2 = try dxhat.mul(xhat).mean(axes: [-1], keepDims: true)
        let rstd = try Self.rstd(x0.add(r0), eps: 1e-12)
        let dx = try dxhat.sub(m1).sub(xhat.mul(m2)).mul(rstd)
        #expect(Self.same(x.grad, dx))
        #expect(Self.same(r.grad, dx))
        #expect(Self.same(x2.grad, dx))
        #expect(Self.same(w.grad, try upstream.mul(xhat).sum(axes: [0, 1])))
        #expect(Self.same(b.grad, try upstream.sum(axes: [0, 1])))
        #expect(Self.same(w.grad, w2.grad) && Self.bits(b.grad) == Self.bits(b2.grad))
    }

    /// The normalised rows and reciprocal deviations as the forward kernel computes them.
    static func xhat(_ s: Tensor, eps: Double) throws -> Tensor {
        try s.layerNorm(weight: nil, bias: nil, eps: eps)
    }

    static func rstd(_ s: Tensor, eps: Double) throws -> Tensor {
        let d = s.shape[s.rank - 1]
        let values = s.dtype == .float32 ? s.toArray().map(Double.init) : s.toDoubles()
        var out: [Double] = []
        for row in stride(from: 0, to: values.count, by: d) {
            if s.dtype == .float32 {
                let xs = values[row..<row + d].map { Float($0) }
                let mean = rowSum(xs, d) / Float(d)
                var v: Float = 0
                for x in xs { let c = x - mean; v += c * c }
                out.append(Double(1 / (v / Float(d) + Float(eps)).squareRoot()))
            } else {
                let xs = Array(values[row..<row + d])
                let mean = rowSum(xs, d) / Double(d)
                var v = 0.0
                for x in xs { let c = x - mean; v += c * c }
                out.append(1 / (v / Double(d) + eps).squareRoot())
            }
        }
        let t = try Tensor(doubles: out, shape: Array(s.shape.dropLast()) + [1])
        return try t.to(s.dtype)
    }

    static func rowSum<T: FloatElement>(_ xs: [T], _ n: Int) -> T {
        xs.withUnsafeBufferPointer { CMCLTensor.rowSum($0.baseAddress!, n) }
    }

    @Test(arguments: [DType.float32, .float64], [0.1, 0.5, 0.0])
    func dropoutMultiplierIsTheMaskTimesTheScale(dtype: DType, p: Double) throws {
        let fused = try Tensor.dropoutMultiplier([7, 45], p: p, dtype: dtype, generator: Generator(seed: 5))
        let u = try Tensor.uniform([7, 45], dtype: dtype, generator: Generator(seed: 5))
        let (mask, scale) = try Tensor.dropoutMask(uniform: u, p: p)
        #expect(Self.same(fused, try mask.to(dtype).mul(Double(scale))))
    }
}
