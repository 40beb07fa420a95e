import Foundation
import Testing
@testable import CMCLTensor

/// The bfloat16 matrix product (`precision: .bf16`): on operands already rounded to bfloat16 it
/// must equal an exact (float64) product up to float32 accumulation, in every layout; its backward
/// runs in bfloat16 too; its sums do not depend on how the product is cut.
@Suite(.enabled(if: Precision.bf16Supported, "this CPU has no AVX512_BF16"))
struct BF16ProductTests {
    /// `t` with every element rounded to bfloat16.
    static func rounded(_ t: Tensor) throws -> Tensor {
        try Tensor(t.toArray().map(Precision.roundedToBF16), shape: t.shape)
    }

    /// Float32 accumulation of k exact products of magnitude ≤ 1: a few ulps of the partial sums.
    static func tolerance(_ k: Int) -> Double { 4e-7 * Double(k) + 1e-6 }

    @Test(arguments: [(37, 19, 45), (100, 600, 70), (13, 1, 1), (1, 7, 1), (64, 32, 64), (300, 1025, 97), (1024, 384, 1536)])
    func roundedOperandsMatchFloat64(shape: (Int, Int, Int)) throws {
        let (n, k, m) = shape
        let g = Generator(seed: 11)
        let a = try Self.rounded(Tensor.uniform([n, k], low: -1, high: 1, generator: g))
        let b = try Self.rounded(Tensor.uniform([k, m], low: -1, high: 1, generator: g))
        let want = KernelAccuracyTests.reference(a.toDoubles(), b.toDoubles(), n: n, k: k, m: m)
        let tol = Self.tolerance(k)
        #expect(close(try a.matmul(b, precision: .bf16).toDoubles(), want, atol: tol, rtol: 0))
        // Transposed views of either operand (the kernel packs them transposed).
        let at = try a.transpose().contiguous().transpose(), bt = try b.transpose().contiguous().transpose()
        #expect(close(try at.matmul(b, precision: .bf16).toDoubles(), want, atol: tol, rtol: 0))
        #expect(close(try a.matmul(bt, precision: .bf16).toDoubles(), want, atol: tol, rtol: 0))
        #expect(close(try at.matmul(bt, precision: .bf16).toDoubles(), want, atol: tol, rtol: 0))
    }

    /// Unrounded operands: the product is the one of the rounded operands (the kernel rounds them
    /// to nearest even), which differs from float32 by the rounding (about 2^-9 relative per operand).
    @Test func roundsItsOperandsToNearestEven() throws {
        let g = Generator(seed: 12)
        let a = try Tensor.uniform([50, 200], low: -1, high: 1, generator: g), b = try Tensor.uniform([200, 30], low: -1, high: 1, generator: g)
        let mixed = try a.matmul(b, precision: .bf16).toDoubles()
        let want = KernelAccuracyTests.reference(try Self.rounded(a).toDoubles(), try Self.rounded(b).toDoubles(), n: 50, k: 200, m: 30)
        #expect(close(mixed, want, atol: Self.tolerance(200), rtol: 0))
        let full = try a.matmul(b).toDoubles()
        let worst = zip(mixed, full).map { abs($0 - $1) }.max() ?? 0
        #expect(worst > 1e-4 && worst < 0.1, "bf16 differs from fp32 by the operands' rounding: \(worst)")
        #expect(Precision.roundedToBF16(1 + 1.0 / 256) == 1)            // a tie rounds to even
        #expect(Precision.roundedToBF16(1 + 3.0 / 256) == 1 + 4.0 / 256) // a tie rounds to even (up)
        #expect(Precision.roundedToBF16(.nan).isNaN)
        #expect(Precision.roundedToBF16(.infinity) == .infinity)
    }

    /// Batched heads (`[b, h, t, d] @ [b, h, d, t]`) and the backward: both gradient products run in
    /// bfloat16, as autocast runs them.
    @Test func batchedProductAndBackward() throws {
        let g = Generator(seed: 13)
        let a = try Tensor.uniform([2, 3, 64, 32], low: -1, high: 1, generator: g).requiringGrad()
        let b = try Tensor.uniform([2, 3, 48, 32], low: -1, high: 1, generator: g).requiringGrad()
        let c = try a.matmul(b.transpose(), precision: .bf16)
        let full = try a.detach().matmul(b.detach().transpose())
        #expect(close(try c.toDoubles(), try full.toDoubles(), atol: 0.05, rtol: 0))
        let up = try Tensor.uniform(c.shape, low: -1, high: 1, generator: g)
        try c.backward(grad: up)
        let ga = try up.matmul(b.detach(), precision: .bf16), gb = try up.transpose().matmul(a.detach(), precision: .bf16)
        #expect(try a.grad?.toArray() == ga.toArray())
        #expect(try b.grad?.toArray() == gb.toArray())
    }

    /// Float64 products ignore the precision (gradient checks stay exact).
    @Test func float64StaysExact() throws {
        let g = Generator(seed: 14)
        let a = try Tensor.uniform([20, 30], low: -1, high: 1, dtype: .float64, generator: g)
        let b = try Tensor.uniform([30, 10], low: -1, high: 1, dtype: .float64, generator: g)
        #expect(try a.matmul(b, precision: .bf16).toDoubles() == a.matmul(b).toDoubles())
    }

    /// The same bits however many workers cut a product, and as one uncut call.
    @Test(arguments: [(1024, 384, 1536, false, true), (384, 1024, 1536, true, false), (2048, 128, 512, false, false)])
    func doesNotDependOnTheCut(shape: (Int, Int, Int, Bool, Bool)) throws {
        let (m, n, k, ta, tb) = shape
        let blas = try #require(BLASLibrary.shared)
        let g = Generator(seed: 15)
        let a = try Tensor.uniform([m * k], low: -1, high: 1, generator: g), b = try Tensor.uniform([k * n], low: -1, high: 1, generator: g)
        func product(workers: Int?) throws -> [Float] {
            let c = try Tensor.zeros([m, n])
            withExtendedLifetime((a, b)) {
                let p = GEMM(type: .float32, bf16: true, transA: ta, transB: tb, m: m, n: n, k: k,
                             a: UnsafeMutableRawPointer(a.storage.base) + a.offset * 4, lda: ta ? m : k,
                             b: UnsafeMutableRawPointer(b.storage.base) + b.offset * 4, ldb: tb ? k : n,
                             c: UnsafeMutableRawPointer(c.storage.base) + c.offset * 4, ldc: n)
                if let workers { p.run(blas, workers: workers) } else { p.call(blas) }
            }
            return try c.toArray()
        }
        let whole = try product(workers: nil)
        for workers in [1, 2, 3, 8] { #expect(try product(workers: workers) == whole, "\(workers) workers") }
    }
}

/// Without AVX512_BF16 a bf16 product is an error naming the feature, never a crash.
@Suite struct BF16UnsupportedTests {
    @Test func missingFeatureIsNamed() throws {
        #expect(Precision.bf16Unsupported.contains("AVX512_BF16"))
        #expect(throws: TensorError.invalidArgument(op: "matmul", reason: Precision.bf16Unsupported)) {
            try Precision.bf16.check(op: "matmul", supported: false)
        }
        try Precision.fp32.check(op: "matmul", supported: false)
    }
}
