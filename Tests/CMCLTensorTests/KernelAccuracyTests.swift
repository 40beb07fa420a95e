import Foundation
import Testing
@testable import CMCLTensor

/// The vectorised float32 kernels against float64 references, and matrix products that are split
/// across workers against a plain triple loop.
@Suite struct KernelAccuracyTests {
    /// Float inputs covering both tails, the clamp of the erf approximation and non-multiples of 8.
    static let inputs: [Float] = (0...4003).map { Float(-10 + 20 * Double($0) / 4003) } + [0, -0.0, 1e-7, -1e-7, 3.3, -3.3, 5.657, -5.657]

    @Test func geluMatchesFloat64() throws {
        let x = try Tensor(Self.inputs, shape: [Self.inputs.count]).requiringGrad()
        let g = try Tensor.uniform([Self.inputs.count], low: -2, high: 2, generator: Generator(seed: 3))
        try x.gelu().backward(grad: g)
        let x64 = try x.detach().to(.float64).requiringGrad()
        try x64.gelu().backward(grad: g.to(.float64))
        let y = try x.gelu().toArray(), y64 = try x64.gelu().toDoubles()
        #expect(close(y, y64, atol: 1e-6, rtol: 1e-6))
        #expect(close(x.grad?.toArray() ?? [], x64.grad?.toDoubles() ?? [], atol: 1e-6, rtol: 1e-6))
    }

    @Test func biasGeluMatchesFloat64() throws {
        let x = try Tensor(Self.inputs, shape: [Self.inputs.count / 4, 4]).requiringGrad()
        let b = try Tensor([0.5, -0.25, 0, 1], shape: [4]).requiringGrad()
        try x.biasActivation(b, activation: .gelu).sum().backward()
        let x64 = try x.detach().to(.float64).requiringGrad(), b64 = try b.detach().to(.float64).requiringGrad()
        try x64.biasActivation(b64, activation: .gelu).sum().backward()
        #expect(close(try x.biasActivation(b, activation: .gelu).toArray(), try x64.biasActivation(b64, activation: .gelu).toDoubles(),
                      atol: 1e-6, rtol: 1e-6))
        #expect(close(x.grad?.toArray() ?? [], x64.grad?.toDoubles() ?? [], atol: 1e-6, rtol: 1e-6))
        #expect(close(b.grad?.toArray() ?? [], b64.grad?.toDoubles() ?? [], atol: 1e-4, rtol: 1e-5))
    }

    @Test func geluKeepsNaNAndInfinity() throws {
        let y = try Tensor([.nan, .infinity, -.infinity, 0, 1, 2, 3, 4, 5], shape: [9]).gelu().toArray()
        #expect(y[0].isNaN)
        #expect(y[1] == .infinity)
        #expect(y[2].isNaN || y[2] == 0)
        #expect(y[3] == 0)
    }

    /// `a @ b` for row-major float64 arrays.
    static func reference(_ a: [Double], _ b: [Double], n: Int, k: Int, m: Int) -> [Double] {
        var c = [Double](repeating: 0, count: n * m)
        for i in 0..<n { for p in 0..<k { let v = a[i * k + p]; for j in 0..<m { c[i * m + j] += v * b[p * m + j] } } }
        return c
    }

    /// Products large enough to be cut into blocks of rows or columns, with plain and transposed
    /// operands, in float32 and float64.
    @Test(arguments: [(300, 200, 100), (40, 300, 500), (1000, 64, 40), (17, 1024, 129)])
    func splitProductsMatchTripleLoop(shape: (Int, Int, Int)) throws {
        let (n, k, m) = shape
        let g = Generator(seed: 5)
        for dtype in [DType.float32, .float64] {
            let a = try Tensor.uniform([n, k], low: -1, high: 1, dtype: dtype, generator: g)
            let b = try Tensor.uniform([k, m], low: -1, high: 1, dtype: dtype, generator: g)
            let want = Self.reference(a.toDoubles(), b.toDoubles(), n: n, k: k, m: m)
            let tol = dtype == .float32 ? 1e-4 : 1e-10
            #expect(close(try a.matmul(b).toDoubles(), want, atol: tol, rtol: tol))
            // The same operands through transposed views (BLAS reads them transposed).
            let at = try a.transpose().contiguous().transpose(), bt = try b.transpose().contiguous().transpose()
            #expect(close(try at.matmul(bt).toDoubles(), want, atol: tol, rtol: tol))
        }
    }

    /// Batches of small products (attention heads) run one product per task.
    @Test func batchedProductsMatchTripleLoop() throws {
        let g = Generator(seed: 6)
        let (batch, n, k, m) = (24, 64, 32, 48)
        let a = try Tensor.uniform([batch, n, k], low: -1, high: 1, generator: g)
        let b = try Tensor.uniform([batch, m, k], low: -1, high: 1, generator: g)
        let c = try a.matmul(b.transpose()).toDoubles()
        let bs = try b.transpose().contiguous()
        for i in 0..<batch {
            let want = Self.reference(try a.select(axis: 0, index: i).toDoubles(), try bs.select(axis: 0, index: i).toDoubles(), n: n, k: k, m: m)
            #expect(close(Array(c[(i * n * m)..<((i + 1) * n * m)]), want, atol: 1e-4, rtol: 1e-4))
        }
        // Identical results whatever the order the tasks ran in.
        #expect(try a.matmul(b.transpose()).toDoubles() == c)
    }

    /// Large products give the same bits however many cores cut them (and as one uncut call):
    /// every block stays above OpenBLAS's small-matrix limit, so each element is the same sum.
    @Test(arguments: [(1024, 384, 1536, false, true), (384, 1024, 1536, true, false), (2048, 128, 512, false, false),
                      (4096, 128, 128, false, true)])
    func largeProductsDoNotDependOnTheCoreCount(shape: (Int, Int, Int, Bool, Bool)) throws {
        let (m, n, k, ta, tb) = shape
        #expect(m * n * k >= GEMM.largeWork)
        let blas = try #require(BLASLibrary.shared)
        let g = Generator(seed: 8)
        for dtype in [DType.float32, .float64] {
            let a = try Tensor.uniform([m * k], low: -1, high: 1, dtype: dtype, generator: g)
            let b = try Tensor.uniform([k * n], low: -1, high: 1, dtype: dtype, generator: g)
            func product(workers: Int?) -> [Double] {
                let c = try! Tensor.zeros([m, n], dtype: dtype)
                let s = dtype.byteSize
                withExtendedLifetime((a, b)) {
                    let p = GEMM(type: dtype, bf16: false, transA: ta, transB: tb, m: m, n: n, k: k,
                                 a: UnsafeMutableRawPointer(a.storage.base) + a.offset * s, lda: ta ? m : k,
                                 b: UnsafeMutableRawPointer(b.storage.base) + b.offset * s, ldb: tb ? k : n,
                                 c: UnsafeMutableRawPointer(c.storage.base) + c.offset * s, ldc: n)
                    if let workers { p.run(blas, workers: workers) } else { p.call(blas) }
                }
                return c.toDoubles()
            }
            let whole = product(workers: nil)
            for workers in [1, 2, 3, 5, 8, 16] {
                #expect(product(workers: workers) == whole, "\(dtype) \(workers) workers")
            }
        }
    }
}
