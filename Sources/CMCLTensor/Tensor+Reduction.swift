extension Tensor {
    /// Normalises `axes` (negative counts from the end) or throws; nil means every axis.
    func normalizedAxes(_ axes: [Int]?, op: String) throws -> [Int] {
        guard let axes else { return Array(0..<rank) }
        var seen = Set<Int>()
        for a in axes {
            let n = a < 0 ? a + rank : a
            guard n >= 0, n < rank, !seen.contains(n) else { throw TensorError.invalidAxis(op: op, axis: a, rank: rank) }
            seen.insert(n)
        }
        return seen.sorted()
    }

    func normalizedAxis(_ axis: Int, op: String, rankOverride: Int? = nil) throws -> Int {
        let r = rankOverride ?? rank
        let n = axis < 0 ? axis + r : axis
        guard n >= 0, n < r else { throw TensorError.invalidAxis(op: op, axis: axis, rank: r) }
        return n
    }

    /// Rearranges so that `axes` form one block; returns the contiguous data as `[outer, reduce, inner]`.
    private func reductionLayout(_ axes: [Int]) -> (data: Tensor, outer: Int, reduce: Int, inner: Int) {
        let isBlock = axes.isEmpty || axes.last.map { $0 - axes[0] + 1 == axes.count } ?? true
        if isBlock, !axes.isEmpty {
            let outer = shape[..<axes[0]].reduce(1, *)
            let red = axes.reduce(1) { $0 * shape[$1] }
            let inner = shape[(axes[axes.count - 1] + 1)...].reduce(1, *)
            return (contiguousData(), outer, red, inner)
        }
        let kept = (0..<rank).filter { !axes.contains($0) }
        let perm = kept + axes
        let p = permuteView(perm).contiguousData()
        let outer = kept.reduce(1) { $0 * shape[$1] }
        return (p, outer, axes.reduce(1) { $0 * shape[$1] }, 1)
    }

    private func reducedShape(_ axes: [Int], keepDims: Bool) -> [Int] {
        var s: [Int] = []
        for i in 0..<rank {
            if axes.contains(i) { if keepDims { s.append(1) } } else { s.append(shape[i]) }
        }
        return s
    }

    /// Sum over `axes` (all axes when nil), optionally keeping reduced axes as size 1.
    ///
    /// ```swift
    /// let colSums = try m.sum(axes: [0])
    /// let total = try m.sum()
    /// ```
    public func sum(axes: [Int]? = nil, keepDims: Bool = false) throws -> Tensor {
        let ax = try normalizedAxes(axes, op: "sum")
        guard dtype.isFloatingPoint else { return try to(.float64).sum(axes: axes, keepDims: keepDims).to(.int32) }
        let outShape = reducedShape(ax, keepDims: keepDims)
        let out = Tensor(uninitializedShape: outShape, dtype: dtype)
        let (data, outer, red, inner) = reductionLayout(ax)
        switch dtype {
        case .float32: sumKernel(Float.self, x: data.pointer(Float.self), out: out.pointer(Float.self), outer: outer, reduce: red, inner: inner)
        case .float64: sumKernel(Double.self, x: data.pointer(Double.self), out: out.pointer(Double.self), outer: outer, reduce: red, inner: inner)
        case .int32: break
        }
        let x = self
        let keptShape = reducedShape(ax, keepDims: true)
        return out.recorded("sum", [x]) { g in [try g.reshape(keptShape).expandView(x.shape)] }
    }

    /// Mean over `axes` (all axes when nil).
    public func mean(axes: [Int]? = nil, keepDims: Bool = false) throws -> Tensor {
        let ax = try normalizedAxes(axes, op: "mean")
        let n = ax.reduce(1) { $0 * shape[$1] }
        let s = dtype.isFloatingPoint ? try sum(axes: ax, keepDims: keepDims) : try to(.float32).sum(axes: ax, keepDims: keepDims)
        return try s.div(Double(n))
    }

    /// Variance over `axes` with `correction` (1 = unbiased, as `torch.var`; 0 = population).
    public func variance(axes: [Int]? = nil, correction: Int = 1, keepDims: Bool = false) throws -> Tensor {
        let ax = try normalizedAxes(axes, op: "var")
        let n = ax.reduce(1) { $0 * shape[$1] }
        let x = dtype.isFloatingPoint ? self : try to(.float32)
        let centered = try x.sub(x.mean(axes: ax, keepDims: true))
        return try centered.square().sum(axes: ax, keepDims: keepDims).div(Double(Swift.max(n - correction, 0)))
    }

    /// Index of the largest element along `axis` (first on ties), as `int32`.
    /// With `axis` nil the index is into the flattened tensor.
    public func argmax(axis: Int? = nil, keepDims: Bool = false) throws -> Tensor {
        try argExtremum(axis: axis, keepDims: keepDims, largest: true, op: "argmax")
    }

    /// Index of the smallest element along `axis` (first on ties), as `int32`.
    public func argmin(axis: Int? = nil, keepDims: Bool = false) throws -> Tensor {
        try argExtremum(axis: axis, keepDims: keepDims, largest: false, op: "argmin")
    }

    private func argExtremum(axis: Int?, keepDims: Bool, largest: Bool, op: String) throws -> Tensor {
        guard let axis else { return try reshape([-1]).argExtremum(axis: 0, keepDims: false, largest: largest, op: op) }
        let a = try normalizedAxis(axis, op: op)
        guard shape[a] > 0 else { throw TensorError.invalidShape(op: op, shape: shape, reason: "cannot reduce an empty axis \(axis)") }
        let x = dtype.isFloatingPoint ? self : try to(.float64)
        let out = Tensor(uninitializedShape: x.reducedShape([a], keepDims: keepDims), dtype: .int32)
        let (data, outer, red, inner) = x.reductionLayout([a])
        switch x.dtype {
        case .float32: argExtremumKernel(Float.self, x: data.pointer(Float.self), out: out.pointer(Int32.self), outer: outer, reduce: red, inner: inner, largest: largest)
        case .float64: argExtremumKernel(Double.self, x: data.pointer(Double.self), out: out.pointer(Int32.self), outer: outer, reduce: red, inner: inner, largest: largest)
        case .int32: break
        }
        return out
    }

    /// Largest element over `axes` (all when nil). The gradient goes to the first maximal element.
    public func max(axes: [Int]? = nil, keepDims: Bool = false) throws -> Tensor {
        try extremum(axes: axes, keepDims: keepDims, largest: true, op: "max")
    }

    /// Smallest element over `axes` (all when nil). The gradient goes to the first minimal element.
    public func min(axes: [Int]? = nil, keepDims: Bool = false) throws -> Tensor {
        try extremum(axes: axes, keepDims: keepDims, largest: false, op: "min")
    }

    private func extremum(axes: [Int]?, keepDims: Bool, largest: Bool, op: String) throws -> Tensor {
        let ax = try normalizedAxes(axes, op: op)
        for a in ax where shape[a] == 0 {
            throw TensorError.invalidShape(op: op, shape: shape, reason: "cannot reduce an empty axis \(a)")
        }
        // Move reduced axes last, flatten them, pick by index; gather carries the gradient.
        let kept = (0..<rank).filter { !ax.contains($0) }
        let moved = ax == Array((rank - ax.count)..<rank) ? self : try permute(kept + ax)
        let flat = try moved.reshape(kept.map { shape[$0] } + [ax.reduce(1) { $0 * shape[$1] }])
        let idx = try flat.argExtremum(axis: -1, keepDims: true, largest: largest, op: op)
        let picked = try flat.gather(axis: -1, indices: idx)
        return try picked.reshape(reducedShape(ax, keepDims: keepDims))
    }

    /// `log(sum(exp(x)))` over `axes`, computed stably.
    public func logsumexp(axes: [Int]? = nil, keepDims: Bool = false) throws -> Tensor {
        let ax = try normalizedAxes(axes, op: "logsumexp")
        let m = try detach().max(axes: ax, keepDims: true)
        let safeM = try m.maskedFill(m.abs().eq(Double.infinity), value: 0)
        let s = try sub(safeM).exp().sum(axes: ax, keepDims: true).log().add(safeM)
        return keepDims ? s : try s.reshape(reducedShape(ax, keepDims: false))
    }
}
