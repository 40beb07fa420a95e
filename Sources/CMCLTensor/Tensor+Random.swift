import Foundation
import CMCLBase

extension Tensor {
    /// Uniform samples in `[low, high)`.
    ///
    /// ```swift
    /// let u = try Tensor.uniform([2, 3], generator: Generator(seed: 1))
    /// ```
    public static func uniform(_ shape: [Int], low: Double = 0, high: Double = 1, dtype: DType = .float32,
                               generator: Generator) throws -> Tensor {
        guard dtype.isFloatingPoint else { throw TensorError.unsupportedDType(op: "uniform", dtype: dtype) }
        guard low.isFinite, high.isFinite, low <= high else {
            throw TensorError.invalidArgument(op: "uniform", reason: "bounds must be finite with low <= high, got [\(low), \(high))")
        }
        let t = try allocate(shape, dtype: dtype, op: "uniform")
        let span = high - low
        switch dtype {
        case .float32:
            let p = t.pointer(Float.self)
            let lo = Float(low), sp = Float(span)
            generator.fill(t.count) { i, r in
                // 24 random bits give every float in [0, 1) on a uniform grid.
                p[i] = lo + sp * (Float(r >> 40) * 0x1.0p-24)
            }
        default:
            let p = t.pointer(Double.self)
            generator.fill(t.count) { i, r in p[i] = low + span * (Double(r >> 11) * 0x1.0p-53) }
        }
        return t
    }

    /// Alias of ``uniform(_:low:high:dtype:generator:)`` on `[0, 1)`.
    public static func rand(_ shape: [Int], dtype: DType = .float32, generator: Generator) throws -> Tensor {
        try uniform(shape, dtype: dtype, generator: generator)
    }

    /// Normal samples with the given mean and standard deviation (Box–Muller in double precision).
    public static func normal(_ shape: [Int], mean: Double = 0, std: Double = 1, dtype: DType = .float32,
                              generator: Generator) throws -> Tensor {
        guard dtype.isFloatingPoint else { throw TensorError.unsupportedDType(op: "normal", dtype: dtype) }
        guard mean.isFinite, std.isFinite, std >= 0 else {
            throw TensorError.invalidArgument(op: "normal", reason: "mean \(mean) and std \(std) must be finite with std >= 0")
        }
        let t = try allocate(shape, dtype: dtype, op: "normal")
        let n = t.count
        var values = [Double](repeating: 0, count: n)
        var i = 0
        while i < n {
            let u1 = 1 - generator.nextUnitDouble()     // (0, 1]
            let u2 = generator.nextUnitDouble()
            let r = Foundation.sqrt(-2 * Foundation.log(u1))
            values[i] = mean + std * r * Foundation.cos(2 * .pi * u2)
            if i + 1 < n { values[i + 1] = mean + std * r * Foundation.sin(2 * .pi * u2) }
            i += 2
        }
        switch dtype {
        case .float32: for k in 0..<n { t.pointer(Float.self)[k] = Float(values[k]) }
        default: for k in 0..<n { t.pointer(Double.self)[k] = values[k] }
        }
        return t
    }

    /// Standard normal samples.
    public static func randn(_ shape: [Int], dtype: DType = .float32, generator: Generator) throws -> Tensor {
        try normal(shape, dtype: dtype, generator: generator)
    }

    /// Normal samples redrawn until within `[mean − bound·std, mean + bound·std]` (BERT's
    /// initialiser: std 0.02, bound 2).
    public static func truncatedNormal(_ shape: [Int], mean: Double = 0, std: Double = 0.02, bound: Double = 2,
                                       dtype: DType = .float32, generator: Generator) throws -> Tensor {
        guard bound > 0, bound.isFinite else { throw TensorError.invalidArgument(op: "truncatedNormal", reason: "bound must be positive and finite, got \(bound)") }
        let t = try normal(shape, mean: 0, std: 1, dtype: .float64, generator: generator)
        let p = t.pointer(Double.self)
        for k in 0..<t.count {
            var v = p[k]
            while Swift.abs(v) > bound {
                let u1 = 1 - generator.nextUnitDouble(), u2 = generator.nextUnitDouble()
                v = Foundation.sqrt(-2 * Foundation.log(u1)) * Foundation.cos(2 * .pi * u2)
            }
            p[k] = mean + std * v
        }
        return try t.to(dtype)
    }

    /// Independent 0/1 draws with `P(1) = p`.
    public static func bernoulli(_ shape: [Int], p: Double, dtype: DType = .float32, generator: Generator) throws -> Tensor {
        guard p >= 0, p <= 1 else { throw TensorError.invalidArgument(op: "bernoulli", reason: "probability must be in [0, 1], got \(p)") }
        let u = try uniform(shape, dtype: .float64, generator: generator)
        return try u.lt(p).to(dtype)
    }

    /// Uniform integers in `low..<high` (`int32`).
    public static func randint(_ shape: [Int], low: Int, high: Int, generator: Generator) throws -> Tensor {
        guard low < high, low >= Int(Int32.min), high <= Int(Int32.max) + 1 else {
            throw TensorError.invalidArgument(op: "randint", reason: "needs low < high within int32, got [\(low), \(high))")
        }
        let t = try allocate(shape, dtype: .int32, op: "randint")
        let span = high - low
        for k in 0..<t.count { t.pointer(Int32.self)[k] = Int32(low + generator.uniformIndex(below: span)) }
        return t
    }

    /// A random permutation of `0..<n` (`int32`, Fisher–Yates in place: the same order as
    /// `permutation(n)` without a second array). `stop` is called every 2^20 swaps and may throw
    /// to abandon the work (Ctrl-C).
    public static func randperm(_ n: Int, generator: Generator, stop: () throws -> Void = {}) throws -> Tensor {
        guard n >= 0, n <= Int(Int32.max) else { throw TensorError.invalidArgument(op: "randperm", reason: "n must be in 0...\(Int32.max), got \(n)") }
        let t = try allocate([n], dtype: .int32, op: "randperm")
        let p = t.pointer(Int32.self)
        for i in 0..<n { p[i] = Int32(i) }
        let g = generator
        var i = n - 1
        while i > 0 {
            if i & 0xF_FFFF == 0 { try stop() }
            let j = g.uniformIndex(below: i + 1)
            let held = p[i]; p[i] = p[j]; p[j] = held
            i -= 1
        }
        return t
    }
}
