import CMCLBase
import Foundation
import Testing
@testable import CMCLTensor

/// The optimizer's fused AdamW pass and the row-wise embedding gradient give exactly (bit for bit)
/// what the plain element loops give.
@Suite struct UpdateKernelTests {
    /// The scalar loop the fused kernel replaces.
    static func referenceAdam(_ w: inout [Float], _ g: [Float], _ m: inout [Float], _ v: inout [Float], _ s: AdamScalars) {
        for i in w.indices {
            if let d = s.decoupledDecay { w[i] += d * w[i] }
            var gi = g[i]
            if let l = s.coupledDecay { gi += l * w[i] }
            let mi = m[i] + s.oneMinusBeta1 * (gi - m[i])
            let vi = v[i] * s.beta2 + s.oneMinusBeta2 * gi * gi
            m[i] = mi
            v[i] = vi
            let denom = vi.squareRoot() / s.secondCorrection + s.eps
            w[i] = w[i] + -s.stepSize * mi / denom
        }
    }

    @Test(arguments: [7, 1003, 70_001, 262_147])
    func adamUpdateIsTheScalarLoopBitForBit(count: Int) throws {
        let g = Generator(seed: UInt64(count))
        for (decoupled, coupled) in [(Float(-1e-3), nil), (nil, Float(0.01)), (nil, nil)] as [(Float?, Float?)] {
            let s = AdamScalars(decoupledDecay: decoupled, coupledDecay: coupled, oneMinusBeta1: 0.1, beta2: 0.999,
                                oneMinusBeta2: 0.001, secondCorrection: 0.0447, eps: 1e-8, stepSize: 1e-3)
            let w = try Tensor.randn([count], generator: g), grad = try Tensor.randn([count], generator: g)
            let m = try Tensor.randn([count], generator: g).mul(0.1)
            let v = try Tensor.uniform([count], low: 0, high: 0.01, generator: g)
            var (rw, rm, rv) = (w.toArray(), m.toArray(), v.toArray())
            Self.referenceAdam(&rw, grad.toArray(), &rm, &rv, s)
            for _ in 0..<1 { try w.adamUpdate(grad: grad, first: m, second: v, s) }
            #expect(w.toArray() == rw)
            #expect(m.toArray() == rm)
            #expect(v.toArray() == rv)
        }
    }

    /// The dense path: a zero table, the gradient rows added in order, then added to `previous`.
    static func denseRows(_ g: [Float], ids: [Int], height: Int, width: Int, previous: [Float]?) -> [Float] {
        var z = [Float](repeating: 0, count: height * width)
        for (j, r) in ids.enumerated() { for e in 0..<width { z[r * width + e] += g[j * width + e] } }
        guard let previous else { return z }
        return zip(previous, z).map { $0 + $1 }
    }

    @Test func embeddingGradientRowsAreTheDensePathBitForBit() throws {
        let height = 50, width = 37
        let g = Generator(seed: 9)
        let table = try Tensor.randn([height, width], generator: g).requiringGrad()
        let ids = (0..<300).map { _ in g.uniformIndex(below: 12) * 4 }           // many repeats, most rows untouched
        let idTensor = try Tensor(ints: ids.map(Int32.init), shape: [ids.count])
        var expected: [Float]? = nil
        for pass in 0..<3 {
            let upstream = try Tensor.randn([ids.count, width], generator: g).mul(Double(pass + 1))
            let y = try table.embedding(idTensor)
            try y.backward(grad: upstream)
            expected = Self.denseRows(upstream.toArray(), ids: ids, height: height, width: width, previous: expected)
            #expect(table.grad?.toArray() == expected, "pass \(pass)")
        }
        // Untouched rows stay exactly zero; a table that is not a leaf takes the dense path.
        #expect(table.grad?.toArray()[width..<(2 * width)].allSatisfy { $0 == 0 } == true)
        let scaled = try table.mul(1)
        let upstream = try Tensor.randn([ids.count, width], generator: g)
        table.grad = nil
        try scaled.embedding(idTensor).backward(grad: upstream)
        #expect(table.grad?.toArray() == Self.denseRows(upstream.toArray(), ids: ids, height: height, width: width, previous: nil))
    }

    @Test(arguments: [1000, 65_535, 65_536, 1_048_581])
    func sumOfSquaresIsTheDoubleSum(count: Int) throws {
        let x = try Tensor.randn([count], generator: Generator(seed: UInt64(count)))
        var serial = 0.5
        for v in x.toArray() { serial += Double(v) * Double(v) }
        let sum = x.sumOfSquares(startingAt: 0.5)
        #expect(abs(sum - serial) <= 1e-12 * serial)
        if count < 1 << 16 { #expect(sum == serial) }          // small tensors: the serial loop itself
        #expect(x.sumOfSquares(startingAt: 0.5) == sum)        // and the same bits every time
    }
}
