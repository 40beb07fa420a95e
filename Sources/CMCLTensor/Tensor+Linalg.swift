import Foundation

extension Tensor {
    /// Matrix product with numpy semantics: 1-D operands are promoted to a row/column and the added
    /// axis removed; leading (batch) dimensions broadcast. Runs on OpenBLAS GEMM (see ``GEMM``); transposed views
    /// are passed to BLAS without copying.
    ///
    /// ```swift
    /// let y = try x.matmul(w)            // [batch, seq, in] @ [in, out] → [batch, seq, out]
    /// ```
    ///
    /// With `precision: .bf16`, a float32 product rounds both operands to bfloat16 and accumulates
    /// in float32 (``Precision``), and so does its backward (both gradient products).
    public func matmul(_ other: Tensor, precision: Precision = .fp32) throws -> Tensor {
        guard rank >= 1, other.rank >= 1 else {
            throw TensorError.incompatibleShapes(op: "matmul", lhs: shape, rhs: other.shape, reason: "both operands need at least one dimension")
        }
        let type = DType.promoted(dtype, other.dtype)
        guard type.isFloatingPoint else { return try to(.float32).matmul(other.to(.float32), precision: precision) }
        let a = dtype == type ? self : try to(type)
        let b = other.dtype == type ? other : try other.to(type)
        let a2 = a.rank == 1 ? try a.unsqueeze(0) : a
        let b2 = b.rank == 1 ? try b.unsqueeze(1) : b
        let k = a2.shape[a2.rank - 1], k2 = b2.shape[b2.rank - 2]
        guard k == k2 else {
            throw TensorError.incompatibleShapes(op: "matmul", lhs: shape, rhs: other.shape, reason: "inner dimensions \(k) and \(k2) differ")
        }
        guard let batch = broadcastShapes(Array(a2.shape.dropLast(2)), Array(b2.shape.dropLast(2))) else {
            throw TensorError.incompatibleShapes(op: "matmul", lhs: shape, rhs: other.shape, reason: "batch dimensions do not broadcast")
        }
        var out = try a2.batchedMatmul(b2, batch: batch, bf16: precision == .bf16 && type == .float32)
        if rank == 1 { out = try out.squeeze(-2) }
        if other.rank == 1 { out = try out.squeeze(-1) }
        return out
    }

    /// `[batch…, n, k] @ [batch…, k, m]` with broadcast batch dims; records its backward.
    private func batchedMatmul(_ b: Tensor, batch: [Int], bf16: Bool) throws -> Tensor {
        let a = self
        if bf16 { try Precision.bf16.check(op: "matmul") }
        let n = a.shape[a.rank - 2], k = a.shape[a.rank - 1], m = b.shape[b.rank - 1]
        let out = try Tensor.allocate(batch + [n, m], dtype: dtype, op: "matmul")
        try gemmInto(out, a, b, batch: batch, n: n, k: k, m: m, bf16: bf16)
        let precision: Precision = bf16 ? .bf16 : .fp32
        return out.recorded("matmul", [a, b]) { g in
            let ga = a.requiresGradFlag ? try g.matmul(b.transpose(), precision: precision).sum(toShape: a.shape) : nil
            let gb = b.requiresGradFlag ? try a.transpose().matmul(g, precision: precision).sum(toShape: b.shape) : nil
            return [ga, gb]
        }
    }
}

/// Describes how a strided 2-D block can be handed to BLAS.
private func blasLayout(rows: Int, cols: Int, rowStride: Int, colStride: Int) -> (trans: Bool, ld: Int)? {
    if colStride == 1 && rowStride >= Swift.max(1, cols) { return (false, rowStride) }
    if rows == 1 && colStride == 1 { return (false, Swift.max(1, cols)) }
    if rowStride == 1 && colStride >= Swift.max(1, rows) { return (true, colStride) }
    if cols == 1 && rowStride == 1 { return (true, Swift.max(1, rows)) }
    return nil
}

private func gemmInto(_ out: Tensor, _ a0: Tensor, _ b0: Tensor, batch: [Int], n: Int, k: Int, m: Int, bf16: Bool) throws {
    if out.count == 0 { return }
    if k == 0 {
        memset(out.storage.base, 0, out.count * out.dtype.byteSize)
        return
    }
    guard let blas = BLASLibrary.shared else { throw TensorError.invalidArgument(op: "matmul", reason: BLASLibrary.loadError) }
    func prepared(_ t: Tensor, rows: Int, cols: Int) -> (Tensor, Bool, Int) {
        let rs = t.strides[t.rank - 2], cs = t.strides[t.rank - 1]
        if let l = blasLayout(rows: rows, cols: cols, rowStride: rs, colStride: cs) { return (t, l.trans, l.ld) }
        let c = t.contiguousData()
        return (c, false, Swift.max(1, cols))
    }
    let (a, transA, lda) = prepared(a0, rows: n, cols: k)
    let (b, transB, ldb) = prepared(b0, rows: k, cols: m)
    let size = out.dtype.byteSize
    let aBase = UnsafeMutableRawPointer(a.storage.base) + a.offset * size
    let bBase = UnsafeMutableRawPointer(b.storage.base) + b.offset * size
    let cBase = UnsafeMutableRawPointer(out.storage.base) + out.offset * size
    let batchCount = batch.reduce(1, *)
    // Fold a's batch into rows when b is shared and a is a dense row-major stack.
    if batchCount > 1, b.rank == 2, !transA, a.isContiguous {
        withExtendedLifetime((a, b)) {
            GEMM(type: out.dtype, bf16: bf16, transA: false, transB: transB, m: batchCount * n, n: m, k: k,
                 a: aBase, lda: k, b: bBase, ldb: ldb, c: cBase, ldc: m).run(blas)
        }
        return
    }
    let aStr = broadcastStrides(a.view(shape: Array(a.shape.dropLast(2)), strides: Array(a.strides.dropLast(2)), offset: 0), to: batch)
    let bStr = broadcastStrides(b.view(shape: Array(b.shape.dropLast(2)), strides: Array(b.strides.dropLast(2)), offset: 0), to: batch)
    var idx = [Int](repeating: 0, count: batch.count)
    var products: [GEMM] = []
    products.reserveCapacity(batchCount)
    for bi in 0..<batchCount {
        var ao = 0, bo = 0
        for d in 0..<batch.count { ao += idx[d] * aStr[d]; bo += idx[d] * bStr[d] }
        products.append(GEMM(type: out.dtype, bf16: bf16, transA: transA, transB: transB, m: n, n: m, k: k,
                             a: aBase + ao * size, lda: lda, b: bBase + bo * size, ldb: ldb,
                             c: cBase + bi * n * m * size, ldc: m))
        var d = batch.count - 1
        while d >= 0 { idx[d] += 1; if idx[d] < batch[d] { break }; idx[d] = 0; d -= 1 }
    }
    withExtendedLifetime((a, b)) { GEMM.runAll(products, blas) }
}
