import Synchronization
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

    /// Reseeding restarts a generator's stream (on an instance of its own: the process-wide
    /// default is shared with tests running in parallel).
    @Test func generatorReseeds() throws {
        let g = Generator(seed: 1)
        _ = try Tensor.randn([10], generator: g)
        g.reseed(77)
        let a = try Tensor.randn([64], generator: g).toArray()
        g.reseed(77)
        let b = try Tensor.randn([64], generator: g).toArray()
        #expect(a == b)
        #expect(a == (try Tensor.randn([64], generator: Generator(seed: 77)).toArray()))
    }

    /// Elementwise `exp` is split across cores; its SIMD body and scalar tail round differently,
    /// so each element must land in the same part (body or tail) as in one serial pass, whatever
    /// the core count. Sizes that do not divide evenly among workers exercise the boundaries.
    @Test(arguments: [100_003, 131_071, 65_541])
    func parallelExpEqualsOneSerialPass(n: Int) throws {
        // A value whose SIMD and scalar exponentials differ in the last bit, everywhere: any
        // element computed by the other path than in the serial pass shows.
        let v = try #require((0..<20_000).lazy.map { Float($0) * 0.001 - 10 }.first { exp8(SIMD8(repeating: $0))[0] != Float.exp($0) })
        let x = try Tensor.full([n], value: Double(v))
        let parallel = try x.exp().toArray()
        var serial = [Float](repeating: 0, count: n)
        let input = x.toArray()
        input.withUnsafeBufferPointer { xp in
            serial.withUnsafeMutableBufferPointer { op in
                _ = Float.rowExpSum(xp.baseAddress!, op.baseAddress!, n, shift: 0)
            }
        }
        let differing = zip(parallel, serial).filter { $0.bitPattern != $1.bitPattern }.count
        #expect(differing == 0, "\(differing) of \(n) elements differ from one serial pass")
    }

    @Test func parallelRangesAreAligned() {
        // Whatever the worker count, every range but the last starts and ends on the alignment.
        let ranges = Mutex<[Range<Int>]>([])
        parallelFor(1_000_003, threshold: 1, alignment: 64) { r in ranges.withLock { $0.append(r) } }
        let sorted = ranges.withLock { $0 }.sorted { $0.lowerBound < $1.lowerBound }
        #expect(sorted.first?.lowerBound == 0 && sorted.last?.upperBound == 1_000_003)
        for (a, b) in zip(sorted, sorted.dropFirst()) {
            #expect(a.upperBound == b.lowerBound && a.upperBound % 64 == 0)
        }
    }
}
