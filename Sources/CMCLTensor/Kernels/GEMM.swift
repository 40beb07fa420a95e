import CMCLBF16
import Foundation

/// One row-major `C = op(A) · op(B)` product on raw memory, and how cmcl spreads products over its
/// workers: OpenBLAS runs single-threaded (``BLASLibrary``) and a large product is cut into
/// independent blocks of rows (or columns) of C, each one single-threaded GEMM, handed to the
/// same worker pool as the element-wise kernels. Blocks are taken dynamically, so a core that is
/// busy with another process takes fewer of them. A batch of small products (attention heads)
/// runs one product per worker task.
///
/// A float32 product with `bf16` set runs cmcl's bfloat16 kernel (``Precision/bf16``) instead of
/// sgemm; its sums do not depend on how C is cut at all.
struct GEMM: @unchecked Sendable {
    let type: DType
    let bf16: Bool
    let transA: Bool, transB: Bool
    let m: Int, n: Int, k: Int
    let a: UnsafeMutableRawPointer, lda: Int
    let b: UnsafeMutableRawPointer, ldb: Int
    let c: UnsafeMutableRawPointer, ldc: Int

    /// Multiply-adds below which a product is not split.
    static let splitThreshold = 1 << 20
    /// Multiply-adds a block should have at least, so that packing B stays cheap next to it.
    static let minimumBlockWork = 1 << 19
    /// The most blocks one product is cut into.
    static let maximumBlocks = 4
    /// Products of at least this many multiply-adds are cut into one block per core (at least
    /// ``largeBlocks``, at most ``maximumLargeBlocks``): each block packs the whole shared operand
    /// again, which costs more than finer blocks gain in balance.
    static let largeWork = 1 << 23
    static let largeBlocks = 2
    static let maximumLargeBlocks = 8

    var work: Int { m * n * k }

    /// The rows `r0..<r1` of C.
    func rows(_ r0: Int, _ r1: Int) -> GEMM {
        let s = type.byteSize
        return GEMM(type: type, bf16: bf16, transA: transA, transB: transB, m: r1 - r0, n: n, k: k,
                    a: a + (transA ? r0 : r0 * lda) * s, lda: lda, b: b, ldb: ldb, c: c + r0 * ldc * s, ldc: ldc)
    }

    /// The columns `c0..<c1` of C.
    func columns(_ c0: Int, _ c1: Int) -> GEMM {
        let s = type.byteSize
        return GEMM(type: type, bf16: bf16, transA: transA, transB: transB, m: m, n: c1 - c0, k: k,
                    a: a, lda: lda, b: b + (transB ? c0 * ldb : c0) * s, ldb: ldb, c: c + c0 * s, ldc: ldc)
    }

    /// One BLAS call.
    func call(_ blas: BLASLibrary) {
        let ta = transA ? BLASLibrary.trans : BLASLibrary.noTrans, tb = transB ? BLASLibrary.trans : BLASLibrary.noTrans
        switch type {
        case .float32 where bf16:
            cmcl_bf16_gemm(transA ? 1 : 0, transB ? 1 : 0, m, n, k, a.assumingMemoryBound(to: Float.self), lda,
                           b.assumingMemoryBound(to: Float.self), ldb, c.assumingMemoryBound(to: Float.self), ldc)
        case .float32:
            blas.sgemm(BLASLibrary.rowMajor, ta, tb, Int32(m), Int32(n), Int32(k), 1,
                       a.assumingMemoryBound(to: Float.self), Int32(lda), b.assumingMemoryBound(to: Float.self), Int32(ldb),
                       0, c.assumingMemoryBound(to: Float.self), Int32(ldc))
        case .float64:
            blas.dgemm(BLASLibrary.rowMajor, ta, tb, Int32(m), Int32(n), Int32(k), 1,
                       a.assumingMemoryBound(to: Double.self), Int32(lda), b.assumingMemoryBound(to: Double.self), Int32(ldb),
                       0, c.assumingMemoryBound(to: Double.self), Int32(ldc))
        case .int32:
            break
        }
    }

    /// The product, split across the workers when it is large. Results are the same on every
    /// machine that runs the same BLAS kernels, whatever its number of cores: below ``largeWork``
    /// the blocks depend only on the product's shape; from there on a block always has more than
    /// 2^20 multiply-adds, so OpenBLAS never switches a block to its small-matrix kernel, and
    /// every element of C is the same sum in the same order however the rows are cut (tested).
    func run(_ blas: BLASLibrary, workers: Int = workerCount) {
        guard blas.singleThreaded || bf16, work >= GEMM.splitThreshold else { return call(blas) }
        let alongRows = m >= n
        let extent = alongRows ? m : n
        let unit = 16
        // A few blocks per worker for balance, each with enough work to amortise packing B.
        let most = work >= GEMM.largeWork ? Swift.min(GEMM.maximumLargeBlocks, Swift.max(GEMM.largeBlocks, workers)) : GEMM.maximumBlocks
        let blocks = Swift.min(most, work / GEMM.minimumBlockWork, extent / unit)
        if blocks <= 1 { return call(blas) }
        let per = ((extent + blocks - 1) / blocks + unit - 1) / unit * unit
        let count = (extent + per - 1) / per
        let me = self
        WorkerPool.shared.run(count) { i in
            let lo = i * per, hi = Swift.min(extent, lo + per)
            (alongRows ? me.rows(lo, hi) : me.columns(lo, hi)).call(blas)
        }
    }

    /// Independent products (a batch), spread across the workers when there is enough work.
    static func runAll(_ products: [GEMM], _ blas: BLASLibrary) {
        guard let first = products.first else { return }
        if products.count == 1 { return first.run(blas) }
        let total = first.work * products.count
        guard blas.singleThreaded || first.bf16, total >= splitThreshold else {
            for p in products { p.call(blas) }
            return
        }
        if first.work >= splitThreshold * 4 {
            for p in products { p.run(blas) }
            return
        }
        // Group consecutive products into tasks of a few per worker.
        let tasks = Swift.min(products.count, maximumBlocks)
        let per = (products.count + tasks - 1) / tasks
        let count = (products.count + per - 1) / per
        WorkerPool.shared.run(count) { t in
            let lo = t * per, hi = Swift.min(products.count, lo + per)
            for i in lo..<hi { products[i].call(blas) }
        }
    }
}
