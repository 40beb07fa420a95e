import Testing
@testable import CMCLTensor

@Suite struct DeterminismTests {
    /// A seeded training step (init, dropout, matmul, layer norm, loss, backward) on tensors large
    /// enough to take the multi-threaded kernels.
    static func step(seed: UInt64) throws -> [UInt32] {
        let g = Generator(seed: seed)
        let w = try Init.truncatedNormal([256, 512], generator: g).requiringGrad()
        let x = try Tensor.randn([192, 256], generator: g)
        let u = try Tensor.uniform([192, 512], generator: g)
        let (mask, scale) = try Tensor.dropoutMask(uniform: u, p: 0.1)
        let h = try x.matmul(w).dropout(mask: mask, scale: scale).layerNorm(weight: nil, bias: nil).gelu()
        let labels = try Tensor.randint([192], low: 0, high: 512, generator: g)
        let loss = try h.crossEntropy(labels: labels)
        try loss.backward()
        return (loss.toArray() + (w.grad?.toArray() ?? []) + (try h.sum(axes: [0]).toArray())).map(\.bitPattern)
    }

    @Test func sameSeedIsBitIdentical() throws {
        let a = try Self.step(seed: 11), b = try Self.step(seed: 11), c = try Self.step(seed: 12)
        #expect(a == b)
        #expect(a != c)
    }

    @Test func defaultGeneratorReseeds() throws {
        Generator.seed(77)
        let a = try Tensor.randn([64]).toArray()
        Generator.seed(77)
        let b = try Tensor.randn([64]).toArray()
        #expect(a == b)
    }
}
