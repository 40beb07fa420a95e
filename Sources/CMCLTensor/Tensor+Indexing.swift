/// One component of a subscript such as `x[0, 1:3, :, None]`, for ``Tensor/index(_:)``.
public enum TensorIndex: Sendable {
    /// A single position; the axis is removed. Negative counts from the end.
    case at(Int)
    /// A Python-style slice `start:end:step` (nil bounds mean the ends).
    case range(start: Int?, end: Int?, step: Int)
    /// The whole axis (`:`).
    case all
    /// A new size-1 axis (`None`).
    case newAxis
    /// Positions listed by an `int32` tensor (rank 1), selecting along the axis.
    case indices(Tensor)
}

extension Tensor {
    /// Applies a subscript, one component per leading axis (missing trailing components mean `:`).
    ///
    /// ```swift
    /// let row = try x.index([.at(0)])
    /// let cols = try x.index([.all, .range(start: 1, end: nil, step: 2)])
    /// ```
    public func index(_ components: [TensorIndex]) throws -> Tensor {
        let consumed = components.filter { if case .newAxis = $0 { return false } else { return true } }.count
        guard consumed <= rank else {
            throw TensorError.invalidArgument(op: "index", reason: "\(consumed) indices for a tensor of rank \(rank) (shape \(shape))")
        }
        var t = self
        var axis = 0
        for c in components {
            switch c {
            case let .at(i):
                t = try t.select(axis: axis, index: i)
            case let .range(start, end, step):
                t = try t.slice(axis: axis, start: start, end: end, step: step)
                axis += 1
            case .all:
                axis += 1
            case .newAxis:
                t = try t.unsqueeze(axis)
                axis += 1
            case let .indices(idx):
                t = try t.indexSelect(axis: axis, indices: idx)
                axis += idx.rank
            }
        }
        return t
    }

    /// Validated indices as `Int` (negatives wrap), or an error naming the bad one.
    func checkedIndices(_ indices: Tensor, bound: Int, op: String) throws -> [Int] {
        guard indices.dtype == .int32 else { throw TensorError.unsupportedDType(op: op, dtype: indices.dtype) }
        let raw = indices.toInts()
        var out = [Int](repeating: 0, count: raw.count)
        for (k, v) in raw.enumerated() {
            let i = Int(v) < 0 ? Int(v) + bound : Int(v)
            guard i >= 0, i < bound else { throw TensorError.indexOutOfRange(op: op, index: Int(v), bound: bound) }
            out[k] = i
        }
        return out
    }

    /// Selects entries along `axis` by an `int32` index tensor of any shape; the axis is replaced by
    /// the index tensor's shape (like `torch.index_select` for rank-1 indices, or `x[idx]`).
    /// The gradient scatter-adds into the selected positions.
    public func indexSelect(axis: Int, indices: Tensor) throws -> Tensor {
        try indexSelect(axis: axis, indices: indices, frozenIndex: nil)
    }

    /// `indexSelect` whose gradient leaves the entries at `frozenIndex` alone (no contribution
    /// from the positions that select it), as `nn.Embedding(padding_idx:)`.
    func indexSelect(axis: Int, indices: Tensor, frozenIndex: Int?) throws -> Tensor {
        let a = try normalizedAxis(axis, op: "indexSelect")
        let idx = try checkedIndices(indices, bound: shape[a], op: "indexSelect")
        let outer = shape[..<a].reduce(1, *), inner = shape[(a + 1)...].reduce(1, *), d = shape[a]
        let outShape = Array(shape[..<a]) + indices.shape + Array(shape[(a + 1)...])
        let out = try Tensor.allocate(outShape, dtype: dtype, op: "indexSelect")
        let src = contiguousData()
        func run<T>(_: T.Type) {
            let s = src.pointer(T.self), o = out.pointer(T.self)
            let k = idx.count
            for i in 0..<outer {
                for (j, r) in idx.enumerated() {
                    (o + (i * k + j) * inner).update(from: s + (i * d + r) * inner, count: inner)
                }
            }
        }
        if dtype.byteSize == 8 { run(UInt64.self) } else { run(UInt32.self) }
        let from = shape, type = dtype, table = self
        return out.recorded("indexSelect", [self]) { g in
            // A leaf table (an embedding's weight) takes its gradient row by row: no dense
            // `[vocab, width]` temporary per backward pass.
            if outer == 1, table.isLeaf, type.isFloatingPoint, !idx.isEmpty {
                if !table.requiresGradFlag { return [nil] }
                if try table.accumulateRows(g.contiguousData(), rows: idx, width: inner, skipping: frozenIndex) { return [nil] }
            }
            let z = try Tensor.zeros(from, dtype: type)
            let gc = g.contiguousData()
            func acc<T: FloatElement>(_: T.Type) {
                let zp = z.pointer(T.self), gp = gc.pointer(T.self)
                let k = idx.count
                for i in 0..<outer {
                    for (j, r) in idx.enumerated() where r != frozenIndex {
                        let dst = zp + (i * d + r) * inner, srcp = gp + (i * k + j) * inner
                        for e in 0..<inner { dst[e] += srcp[e] }
                    }
                }
            }
            if type == .float32 { acc(Float.self) } else { acc(Double.self) }
            return [z]
        }
    }

    /// Rows of this `[vocab, dim]` table for each id in an `int32` tensor: result shape
    /// `ids.shape + [dim]`. The gradient scatter-adds into the used rows only.
    ///
    /// ```swift
    /// let vectors = try table.embedding(ids)   // ids [batch, seq] → [batch, seq, dim]
    /// ```
    ///
    /// With a `paddingIndex` (`nn.Embedding(padding_idx:)`), that row receives no gradient: ids
    /// equal to it still read the row, but training never moves it (weight decay still applies,
    /// as in PyTorch's optimizers).
    public func embedding(_ ids: Tensor, paddingIndex: Int? = nil) throws -> Tensor {
        guard rank == 2 else { throw TensorError.invalidShape(op: "embedding", shape: shape, reason: "the table must have rank 2 [vocab, dim]") }
        if let p = paddingIndex, !(0..<shape[0]).contains(p) {
            throw TensorError.invalidArgument(op: "embedding", reason: "padding index \(p) is outside the table's \(shape[0]) rows")
        }
        return try indexSelect(axis: 0, indices: ids, frozenIndex: paddingIndex)
    }

    /// Picks, along `axis`, the element at `indices` (same rank as self; other axes match or are 1
    /// in `indices`… as in `torch.gather`, sizes of `indices` bound the output).
    public func gather(axis: Int, indices: Tensor) throws -> Tensor {
        let a = try normalizedAxis(axis, op: "gather")
        guard indices.rank == rank else { throw TensorError.shapeMismatch(op: "gather", lhs: shape, rhs: indices.shape) }
        for i in 0..<rank where i != a && indices.shape[i] > shape[i] {
            throw TensorError.incompatibleShapes(op: "gather", lhs: shape, rhs: indices.shape, reason: "index size \(indices.shape[i]) exceeds size \(shape[i]) on axis \(i)")
        }
        let idx = try checkedIndices(indices, bound: shape[a], op: "gather")
        let out = try Tensor.allocate(indices.shape, dtype: dtype, op: "gather")
        let src = contiguousData()
        let n = out.count
        let outStrides = out.strides, srcStrides = src.strides
        // Contiguous source offset for each output position.
        var offsets = [Int](repeating: 0, count: n)
        for k in 0..<n {
            var off = 0
            for d in 0..<rank {
                let c = (k / outStrides[d]) % Swift.max(indices.shape[d], 1)
                off += (d == a ? idx[k] : c) * srcStrides[d]
            }
            offsets[k] = off
        }
        func run<T>(_: T.Type) {
            let s = src.pointer(T.self), o = out.pointer(T.self)
            for k in 0..<n { o[k] = s[offsets[k]] }
        }
        if dtype.byteSize == 8 { run(UInt64.self) } else { run(UInt32.self) }
        let from = shape, type = dtype
        return out.recorded("gather", [self]) { g in
            let z = try Tensor.zeros(from, dtype: type)
            let gc = g.contiguousData()
            func acc<T: FloatElement>(_: T.Type) {
                let zp = z.pointer(T.self), gp = gc.pointer(T.self)
                for k in 0..<n { zp[offsets[k]] += gp[k] }
            }
            if type == .float32 { acc(Float.self) } else { acc(Double.self) }
            return [z]
        }
    }

    /// One-hot encoding of an `int32` tensor: shape `self.shape + [classes]`, in `dtype`.
    public func oneHot(classes: Int, dtype type: DType = .float32) throws -> Tensor {
        guard classes >= 0 else { throw TensorError.invalidArgument(op: "oneHot", reason: "class count must be non-negative, got \(classes)") }
        let idx = try checkedIndices(self, bound: classes, op: "oneHot")
        let out = try Tensor.zeros(shape + [classes], dtype: type)
        for (k, c) in idx.enumerated() {
            switch type {
            case .float32: out.pointer(Float.self)[k * classes + c] = 1
            case .float64: out.pointer(Double.self)[k * classes + c] = 1
            case .int32: out.pointer(Int32.self)[k * classes + c] = 1
            }
        }
        return out
    }
}

extension Tensor {
    /// Adds gradient rows `g` `[rows.count, width]` into rows `rows` of this leaf's `grad`, as the
    /// dense path would (a zero table with `g`'s rows added in order, then added to `grad`), with the
    /// same float operations in the same order on every touched row; untouched rows keep their
    /// value. Returns false (nothing done) when `grad` is of another kind than a dense leaf buffer
    /// of this shape, so the caller takes the dense path.
    func accumulateRows(_ g: Tensor, rows: [Int], width: Int, skipping frozen: Int? = nil) throws -> Bool {
        if let existing = grad, !(existing.dtype == dtype && existing.shape == shape && existing.isContiguous && existing.isLeaf) {
            return false
        }
        let height = shape[0]
        var slot = [Int32](repeating: -1, count: height)
        var distinct: [Int] = []
        for r in rows where slot[r] < 0 && r != frozen {
            slot[r] = Int32(distinct.count)
            distinct.append(r)
        }
        func run<T: FloatElement>(_: T.Type) throws {
            var sums = [T](repeating: 0, count: distinct.count * width)
            let gp = g.pointer(T.self)
            sums.withUnsafeMutableBufferPointer { sp in
                for (j, r) in rows.enumerated() where r != frozen {
                    let base = Int(slot[r]) * width, src = gp + j * width
                    for e in 0..<width { sp[base + e] += src[e] }
                }
            }
            let target: Tensor
            let fresh = grad == nil
            if let existing = grad { target = existing } else { target = try Tensor.zeros(shape, dtype: dtype) }
            let tp = target.pointer(T.self)
            for (k, r) in distinct.enumerated() {
                let dst = tp + r * width
                if fresh {
                    for e in 0..<width { dst[e] = sums[k * width + e] }
                } else {
                    for e in 0..<width { dst[e] += sums[k * width + e] }
                }
            }
            if fresh { grad = target }
        }
        if dtype == .float32 { try run(Float.self) } else { try run(Double.self) }
        return true
    }
}
