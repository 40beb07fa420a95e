extension Tensor {
    func view(shape: [Int], strides: [Int], offset: Int) -> Tensor {
        Tensor(storage: storage, shape: shape, strides: strides, offset: offset, dtype: dtype)
    }

    /// The same elements with a new shape; one size may be `-1` (inferred). A view when the layout
    /// allows, else a copy.
    ///
    /// ```swift
    /// let m = try Tensor.arange(6).reshape([2, -1])    // shape [2, 3]
    /// ```
    public func reshape(_ newShape: [Int]) throws -> Tensor {
        let n = count
        var resolved = newShape
        let inferred = newShape.indices.filter { newShape[$0] == -1 }
        guard inferred.count <= 1, !newShape.contains(where: { $0 < -1 }) else {
            throw TensorError.invalidShape(op: "reshape", shape: newShape, reason: "sizes must be non-negative with at most one -1")
        }
        if let i = inferred.first {
            var known = 1
            for (j, size) in newShape.enumerated() where j != i {
                let (product, overflow) = known.multipliedReportingOverflow(by: size)
                guard !overflow, product <= n || n == 0 else {
                    throw TensorError.incompatibleShapes(op: "reshape", lhs: shape, rhs: newShape, reason: "\(n) elements cannot take this shape")
                }
                known = product
            }
            guard known > 0, n % known == 0 else {
                throw TensorError.incompatibleShapes(op: "reshape", lhs: shape, rhs: newShape, reason: "cannot infer -1 for \(n) elements")
            }
            resolved[i] = n / known
        }
        let m = try Tensor.checkedCount(resolved, op: "reshape")
        guard m == n else {
            throw TensorError.incompatibleShapes(op: "reshape", lhs: shape, rhs: newShape, reason: "\(n) elements cannot take shape \(resolved)")
        }
        if resolved == shape { return self }
        let base = isContiguous ? self : contiguousData()
        let out = base.view(shape: resolved, strides: Tensor.contiguousStrides(resolved), offset: base.offset)
        let from = shape
        return out.recorded("reshape", [self]) { g in [try g.reshape(from)] }
    }

    /// Flattens dimensions `startAxis...endAxis` into one.
    public func flatten(startAxis: Int = 0, endAxis: Int = -1) throws -> Tensor {
        if rank == 0 { return try reshape([1]) }
        let s = try normalizedAxis(startAxis, op: "flatten"), e = try normalizedAxis(endAxis, op: "flatten")
        guard s <= e else { throw TensorError.invalidArgument(op: "flatten", reason: "start axis \(startAxis) is after end axis \(endAxis)") }
        return try reshape(Array(shape[..<s]) + [shape[s...e].reduce(1, *)] + Array(shape[(e + 1)...]))
    }

    /// Inserts a size-1 axis at `axis` (which may equal `rank`).
    public func unsqueeze(_ axis: Int) throws -> Tensor {
        let a = try normalizedAxis(axis, op: "unsqueeze", rankOverride: rank + 1)
        var s = shape
        s.insert(1, at: a)
        return try reshape(s)
    }

    /// Removes size-1 axes (`axis` nil: all of them).
    public func squeeze(_ axis: Int? = nil) throws -> Tensor {
        if let axis {
            let a = try normalizedAxis(axis, op: "squeeze")
            guard shape[a] == 1 else { return self }
            var s = shape
            s.remove(at: a)
            return try reshape(s)
        }
        return try reshape(shape.filter { $0 != 1 })
    }

    func permuteView(_ perm: [Int]) -> Tensor {
        view(shape: perm.map { shape[$0] }, strides: perm.map { strides[$0] }, offset: offset)
    }

    /// Reorders axes (a view): result axis `i` is input axis `perm[i]`.
    public func permute(_ perm: [Int]) throws -> Tensor {
        guard perm.count == rank, Set(perm.map { $0 < 0 ? $0 + rank : $0 }) == Set(0..<rank) else {
            throw TensorError.invalidArgument(op: "permute", reason: "\(perm) is not a permutation of the \(rank) axes of shape \(shape)")
        }
        let p = perm.map { $0 < 0 ? $0 + rank : $0 }
        var inverse = [Int](repeating: 0, count: rank)
        for (i, a) in p.enumerated() { inverse[a] = i }
        return permuteView(p).recorded("permute", [self]) { g in [try g.permute(inverse)] }
    }

    /// Swaps two axes (a view). Defaults swap the last two.
    public func transpose(_ a: Int = -2, _ b: Int = -1) throws -> Tensor {
        if rank < 2 && a == -2 && b == -1 { return self }
        let x = try normalizedAxis(a, op: "transpose"), y = try normalizedAxis(b, op: "transpose")
        var p = Array(0..<rank)
        p.swapAt(x, y)
        return try permute(p)
    }

    func expandView(_ target: [Int]) -> Tensor {
        view(shape: target, strides: broadcastStrides(self, to: target), offset: offset)
    }

    /// Broadcasts to `target` without copying (a stride-0 view).
    public func expand(_ target: [Int]) throws -> Tensor {
        guard let b = broadcastShapes(shape, target), b == target else {
            throw TensorError.incompatibleShapes(op: "expand", lhs: shape, rhs: target, reason: "cannot broadcast")
        }
        let from = shape
        return expandView(target).recorded("expand", [self]) { g in [try g.sum(toShape: from)] }
    }

    /// Elements `start..<end` by `step` along `axis` (a view). Negative bounds count from the end;
    /// bounds are clamped as in Python slicing.
    ///
    /// ```swift
    /// let firstTwoRows = try m.slice(axis: 0, start: 0, end: 2)
    /// ```
    public func slice(axis: Int, start: Int? = nil, end: Int? = nil, step: Int = 1) throws -> Tensor {
        let a = try normalizedAxis(axis, op: "slice")
        guard step > 0 else { throw TensorError.invalidArgument(op: "slice", reason: "step must be positive, got \(step)") }
        let d = shape[a]
        func clampBound(_ v: Int?, _ dflt: Int) -> Int {
            guard let v else { return dflt }
            let x = v < 0 ? v + d : v
            return Swift.min(Swift.max(x, 0), d)
        }
        let lo = clampBound(start, 0), hi = Swift.max(clampBound(end, d), lo)
        let n = (hi - lo + step - 1) / step
        var s = shape, st = strides
        s[a] = n
        st[a] = strides[a] * step
        let out = view(shape: s, strides: st, offset: offset + (n > 0 ? lo * strides[a] : 0))
        let from = shape, type = dtype
        return out.recorded("slice", [self]) { g in
            let z = try Tensor.zeros(from, dtype: type)
            let target = z.view(shape: s, strides: st.enumerated().map { $0.offset == a ? z.strides[a] * step : z.strides[$0.offset] }, offset: n > 0 ? lo * z.strides[a] : 0)
            try target.copyIn(g)
            return [z]
        }
    }

    /// Writes `src` (broadcast to this view's shape) into this view's storage, no recording.
    func copyIn(_ src: Tensor) throws {
        guard src.dtype == dtype else { throw TensorError.dtypeMismatch(op: "copy", lhs: dtype, rhs: src.dtype) }
        guard let b = broadcastShapes(shape, src.shape), b == shape else {
            throw TensorError.incompatibleShapes(op: "copy", lhs: shape, rhs: src.shape, reason: "the source must broadcast to the destination")
        }
        if count == 0 { return }
        let loop = StridedLoop(shape: shape, strides: [strides, broadcastStrides(src, to: shape)])
        func run<T>(_: T.Type) {
            let d = SendablePointer(pointer(T.self)), s = SendablePointer(src.pointer(T.self))
            let sd = loop.innerStride(0), ss = loop.innerStride(1)
            loop.run { od, os, _, n in
                let dp = d.p + od, sp = s.p + os
                for i in 0..<n { dp[i * sd] = sp[i * ss] }
            }
        }
        if dtype.byteSize == 8 { run(UInt64.self) } else { run(UInt32.self) }
    }

    /// The sub-tensor at `index` along `axis`, with that axis removed (a view).
    public func select(axis: Int, index: Int) throws -> Tensor {
        let a = try normalizedAxis(axis, op: "select")
        let i = index < 0 ? index + shape[a] : index
        guard i >= 0, i < shape[a] else { throw TensorError.indexOutOfRange(op: "select", index: index, bound: shape[a]) }
        return try slice(axis: a, start: i, end: i + 1).squeeze(a)
    }

    /// Splits into pieces of the given sizes along `axis` (views).
    public func split(sizes: [Int], axis: Int = 0) throws -> [Tensor] {
        let a = try normalizedAxis(axis, op: "split")
        guard sizes.allSatisfy({ $0 >= 0 }), sizes.reduce(0, +) == shape[a] else {
            throw TensorError.invalidArgument(op: "split", reason: "sizes \(sizes) must be non-negative and sum to \(shape[a]) (axis \(axis) of shape \(shape))")
        }
        var start = 0
        var parts: [Tensor] = []
        for s in sizes {
            parts.append(try slice(axis: a, start: start, end: start + s))
            start += s
        }
        return parts
    }

    /// Splits into `chunks` nearly equal pieces along `axis` (like `torch.chunk`).
    public func chunk(_ chunks: Int, axis: Int = 0) throws -> [Tensor] {
        let a = try normalizedAxis(axis, op: "chunk")
        guard chunks > 0 else { throw TensorError.invalidArgument(op: "chunk", reason: "chunk count must be positive, got \(chunks)") }
        let per = (shape[a] + chunks - 1) / chunks
        var sizes: [Int] = []
        var left = shape[a]
        while left > 0 { sizes.append(Swift.min(per, left)); left -= per }
        return try split(sizes: sizes.isEmpty ? [0] : sizes, axis: a)
    }

    /// Joins tensors along an existing axis.
    ///
    /// ```swift
    /// let ab = try Tensor.concat([a, b], axis: 1)
    /// ```
    public static func concat(_ tensors: [Tensor], axis: Int = 0) throws -> Tensor {
        guard let first = tensors.first else { throw TensorError.invalidArgument(op: "concat", reason: "needs at least one tensor") }
        let a = try first.normalizedAxis(axis, op: "concat")
        var type = first.dtype
        for t in tensors.dropFirst() {
            guard t.rank == first.rank else { throw TensorError.shapeMismatch(op: "concat", lhs: first.shape, rhs: t.shape) }
            for i in 0..<t.rank where i != a && t.shape[i] != first.shape[i] {
                throw TensorError.incompatibleShapes(op: "concat", lhs: first.shape, rhs: t.shape, reason: "sizes differ on axis \(i), which is not the concatenation axis \(a)")
            }
            type = DType.promoted(type, t.dtype)
        }
        var outShape = first.shape
        outShape[a] = tensors.reduce(0) { $0 + $1.shape[a] }
        let out = try Tensor.allocate(outShape, dtype: type, op: "concat")
        var start = 0
        var sizes: [Int] = []
        for t in tensors {
            let n = t.shape[a]
            var s = outShape
            s[a] = n
            let dst = out.view(shape: s, strides: out.strides, offset: start * out.strides[a])
            try dst.copyIn(t.detach().to(type))
            start += n
            sizes.append(n)
        }
        return out.recorded("concat", tensors) { g in try g.split(sizes: sizes, axis: a) }
    }

    /// Joins tensors of one shape along a new axis.
    public static func stack(_ tensors: [Tensor], axis: Int = 0) throws -> Tensor {
        guard let first = tensors.first else { throw TensorError.invalidArgument(op: "stack", reason: "needs at least one tensor") }
        for t in tensors where t.shape != first.shape { throw TensorError.shapeMismatch(op: "stack", lhs: first.shape, rhs: t.shape) }
        let a = try first.normalizedAxis(axis, op: "stack", rankOverride: first.rank + 1)
        return try concat(tensors.map { try $0.unsqueeze(a) }, axis: a)
    }

    /// Pads with a constant: `padding[i] = (before, after)` for axis `i` (fewer entries pad the
    /// leading axes only; use one pair per axis).
    ///
    /// ```swift
    /// let p = try x.pad([(0, 0), (1, 2)], value: 0)
    /// ```
    public func pad(_ padding: [(before: Int, after: Int)], value: Double = 0) throws -> Tensor {
        guard padding.count <= rank else {
            throw TensorError.invalidArgument(op: "pad", reason: "\(padding.count) padding pairs for a tensor of rank \(rank)")
        }
        var outShape = shape
        for (i, p) in padding.enumerated() {
            guard p.before >= 0, p.after >= 0 else { throw TensorError.invalidArgument(op: "pad", reason: "padding must be non-negative, got (\(p.before), \(p.after)) on axis \(i)") }
            outShape[i] += p.before + p.after
        }
        let out = try Tensor.full(outShape, value: value, dtype: dtype)
        var off = 0
        for (i, p) in padding.enumerated() { off += p.before * out.strides[i] }
        let inner = out.view(shape: shape, strides: out.strides, offset: off)
        try inner.copyIn(detach())
        let x = self
        return out.recorded("pad", [x]) { g in
            var t = g
            for (i, p) in padding.enumerated() { t = try t.slice(axis: i, start: p.before, end: p.before + x.shape[i]) }
            return [t]
        }
    }
}
