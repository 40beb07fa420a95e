/// How a per-element loss is reduced.
public enum Reduction: String, Sendable, CaseIterable {
    /// Keep one loss per element.
    case none
    /// Average over the (non-ignored) elements.
    case mean
    /// Sum over the elements.
    case sum
}

extension Tensor {
    /// Cross-entropy between `logits` (`[..., classes]`, this tensor) and `int32` class `labels`
    /// (shape `logits.shape.dropLast()`), with a fused stable forward and backward.
    /// Labels equal to `ignoreIndex` contribute nothing (and are excluded from the mean).
    ///
    /// ```swift
    /// let loss = try logits.crossEntropy(labels: y)                       // mean
    /// let perToken = try logits.crossEntropy(labels: y, reduction: .none)
    /// ```
    public func crossEntropy(labels: Tensor, ignoreIndex: Int = -100, reduction: Reduction = .mean) throws -> Tensor {
        guard rank >= 1 else { throw TensorError.invalidShape(op: "crossEntropy", shape: shape, reason: "logits need a class axis") }
        guard labels.dtype == .int32 else { throw TensorError.unsupportedDType(op: "crossEntropy labels", dtype: labels.dtype) }
        guard labels.shape == Array(shape.dropLast()) else {
            throw TensorError.incompatibleShapes(op: "crossEntropy", lhs: shape, rhs: labels.shape, reason: "labels must have the logits' shape without the class axis")
        }
        let logits = dtype.isFloatingPoint ? self : try to(.float32)
        let c = shape[rank - 1], rows = labels.count
        let raw = labels.toInts()
        var valid = 0
        for v in raw where Int(v) != ignoreIndex {
            guard v >= 0, Int(v) < c else { throw TensorError.indexOutOfRange(op: "crossEntropy", index: Int(v), bound: c) }
            valid += 1
        }
        let logp = try Tensor.withNoGrad { try logits.detach().logSoftmax(axis: -1) }
        let lp = logp.toDoubles()
        var perRow = [Double](repeating: 0, count: rows)
        for r in 0..<rows where Int(raw[r]) != ignoreIndex { perRow[r] = -lp[r * c + Int(raw[r])] }
        let out: Tensor
        switch reduction {
        case .none: out = try Tensor(doubles: perRow, shape: labels.shape).to(logits.dtype)
        case .sum: out = try Tensor(scalar: perRow.reduce(0, +), dtype: .float64).to(logits.dtype)
        case .mean: out = try Tensor(scalar: valid == 0 ? .nan : perRow.reduce(0, +) / Double(valid), dtype: .float64).to(logits.dtype)
        }
        let type = logits.dtype, lshape = logits.shape
        return out.recorded("crossEntropy", [logits]) { g in
            // d/dlogits = (softmax − onehot) · upstream (per row), 0 for ignored rows.
            let gv = g.toDoubles()
            var w = [Double](repeating: 0, count: rows)
            for r in 0..<rows where Int(raw[r]) != ignoreIndex {
                switch reduction {
                case .none: w[r] = gv[r]
                case .sum: w[r] = gv[0]
                case .mean: w[r] = gv[0] / Double(valid)
                }
            }
            let p = try logp.exp()
            let onehot = Tensor(uninitializedShape: lshape, dtype: type)
            memsetZero(onehot)
            for r in 0..<rows where Int(raw[r]) != ignoreIndex {
                switch type {
                case .float32: onehot.pointer(Float.self)[r * c + Int(raw[r])] = 1
                default: onehot.pointer(Double.self)[r * c + Int(raw[r])] = 1
                }
            }
            let wt = try Tensor(doubles: w, shape: Array(lshape.dropLast()) + [1]).to(type)
            return [try p.sub(onehot).mul(wt)]
        }
    }

    /// Negative log-likelihood of `int32` `labels` under log-probabilities (this tensor, `[..., classes]`).
    public func nllLoss(labels: Tensor, ignoreIndex: Int = -100, reduction: Reduction = .mean) throws -> Tensor {
        guard rank >= 1, labels.shape == Array(shape.dropLast()) else {
            throw TensorError.incompatibleShapes(op: "nllLoss", lhs: shape, rhs: labels.shape, reason: "labels must have the input's shape without the class axis")
        }
        guard labels.dtype == .int32 else { throw TensorError.unsupportedDType(op: "nllLoss labels", dtype: labels.dtype) }
        let c = shape[rank - 1]
        let raw = labels.toInts()
        var keep = [Double](repeating: 0, count: raw.count)
        var safe = [Int32](repeating: 0, count: raw.count)
        for (i, v) in raw.enumerated() where Int(v) != ignoreIndex {
            guard v >= 0, Int(v) < c else { throw TensorError.indexOutOfRange(op: "nllLoss", index: Int(v), bound: c) }
            keep[i] = 1
            safe[i] = v
        }
        let idx = try Tensor(ints: safe, shape: labels.shape + [1])
        let keepT = try Tensor(doubles: keep, shape: labels.shape).to(dtype)
        let picked = try gather(axis: -1, indices: idx).squeeze(-1).neg().mul(keepT)
        switch reduction {
        case .none: return picked
        case .sum: return try picked.sum()
        case .mean: return try picked.sum().div(keep.reduce(0, +))
        }
    }

    /// Mean squared error between this tensor and `target` (broadcast together).
    public func mseLoss(_ target: Tensor, reduction: Reduction = .mean) throws -> Tensor {
        let d = try sub(target).square()
        switch reduction {
        case .none: return d
        case .sum: return try d.sum()
        case .mean: return try d.mean()
        }
    }
}

func memsetZero(_ t: Tensor) {
    let p = UnsafeMutableRawPointer(t.pointer(UInt8.self))
    p.initializeMemory(as: UInt8.self, repeating: 0, count: t.count * t.dtype.byteSize)
}
