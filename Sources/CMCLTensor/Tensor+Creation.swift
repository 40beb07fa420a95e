import Foundation

/// A nested-list description of a tensor, as written in the language (`[[1, 2], [3, 4]]`).
public indirect enum NestedValue: Sendable, Equatable, ExpressibleByArrayLiteral,
                                  ExpressibleByFloatLiteral, ExpressibleByIntegerLiteral {
    case integer(Int)
    case number(Double)
    case list([NestedValue])

    public init(arrayLiteral elements: NestedValue...) { self = .list(elements) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(integerLiteral value: Int) { self = .integer(value) }
}

extension Tensor {
    /// A `float32` tensor with the given row-major values.
    ///
    /// ```swift
    /// let m = try Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
    /// ```
    public convenience init(_ values: [Float], shape: [Int]) throws {
        try self.init(copying: values, shape: shape, dtype: .float32, op: "tensor")
    }

    /// A `float64` tensor with the given row-major values.
    public convenience init(doubles values: [Double], shape: [Int]) throws {
        try self.init(copying: values, shape: shape, dtype: .float64, op: "tensor")
    }

    /// An `int32` tensor with the given row-major values.
    public convenience init(ints values: [Int32], shape: [Int]) throws {
        try self.init(copying: values, shape: shape, dtype: .int32, op: "tensor")
    }

    /// A rank-0 tensor holding one value (`float32` by default).
    public convenience init(scalar value: Double, dtype: DType = .float32) {
        let t = Tensor(uninitializedShape: [], dtype: dtype)
        switch dtype {
        case .float32: t.pointer(Float.self)[0] = Float(value)
        case .float64: t.pointer(Double.self)[0] = value
        case .int32: t.pointer(Int32.self)[0] = Int32(exactly: value.rounded(.towardZero)) ?? 0
        }
        self.init(storage: t.storage, shape: [], strides: [], offset: 0, dtype: dtype)
    }

    private convenience init<T>(copying values: [T], shape: [Int], dtype: DType, op: String) throws {
        let n = try Tensor.checkedCount(shape, op: op)
        guard n == values.count else {
            throw TensorError.invalidShape(op: op, shape: shape, reason: "\(values.count) values given for \(n) elements")
        }
        let t = try Tensor.allocate(shape, dtype: dtype, op: op)
        values.withUnsafeBufferPointer { b in
            if let base = b.baseAddress { t.pointer(T.self).update(from: base, count: n) }
        }
        self.init(storage: t.storage, shape: shape, strides: t.strides, offset: 0, dtype: dtype)
    }

    /// A tensor from a nested list. Element type: `dtype` if given, else `int32` when every leaf
    /// is an integer, else `float32`. Throws on ragged lists.
    ///
    /// ```swift
    /// let t = try Tensor(nested: [[1, 2], [3, 4.5]])     // float32, shape [2, 2]
    /// ```
    public convenience init(nested: NestedValue, dtype: DType? = nil) throws {
        var shape: [Int] = []
        var probe = nested
        while case let .list(items) = probe {
            shape.append(items.count)
            guard let first = items.first else { break }
            probe = first
        }
        var values: [Double] = []
        var allIntegers = true
        var path: [Int] = []  // the index being read, for error messages
        func walk(_ v: NestedValue, depth: Int) throws {
            switch v {
            case let .list(items):
                guard depth < shape.count, items.count == shape[depth] else {
                    throw TensorError.invalidShape(op: "tensor", shape: shape, reason: "ragged nested list at index \(path): expected \(depth < shape.count ? "\(shape[depth]) elements" : "a number"), found a list of \(items.count)")
                }
                for (i, item) in items.enumerated() {
                    path.append(i)
                    try walk(item, depth: depth + 1)
                    path.removeLast()
                }
            case let .integer(i):
                guard depth == shape.count else {
                    throw TensorError.invalidShape(op: "tensor", shape: shape, reason: "ragged nested list at index \(path): expected a list of \(shape[depth]), found a number")
                }
                values.append(Double(i))
            case let .number(d):
                guard depth == shape.count else {
                    throw TensorError.invalidShape(op: "tensor", shape: shape, reason: "ragged nested list at index \(path): expected a list of \(shape[depth]), found a number")
                }
                allIntegers = false
                values.append(d)
            }
        }
        try walk(nested, depth: 0)
        let type = dtype ?? (allIntegers && !values.isEmpty ? .int32 : .float32)
        let t = try Tensor(values: values, shape: shape, dtype: type)
        self.init(storage: t.storage, shape: t.shape, strides: t.strides, offset: 0, dtype: type)
    }

    /// A tensor of element type `dtype` from row-major `values`; an `int32` tensor needs every
    /// value to be an integer in range.
    ///
    /// ```swift
    /// let t = try Tensor(values: [1, 2, 3], shape: [3], dtype: .int32)
    /// ```
    public convenience init(values: [Double], shape: [Int], dtype: DType) throws {
        let t: Tensor
        switch dtype {
        case .float32: t = try Tensor(values.map { Float($0) }, shape: shape)
        case .float64: t = try Tensor(doubles: values, shape: shape)
        case .int32:
            var ints: [Int32] = []
            ints.reserveCapacity(values.count)
            for v in values {
                guard let i = Int32(exactly: v) else { throw TensorError.invalidArgument(op: "tensor", reason: "value \(v) is not representable as int32") }
                ints.append(i)
            }
            t = try Tensor(ints: ints, shape: shape)
        }
        self.init(storage: t.storage, shape: t.shape, strides: t.strides, offset: 0, dtype: dtype)
    }

    /// A tensor of the given shape filled with `value`.
    ///
    /// ```swift
    /// let t = try Tensor.full([2, 3], value: 0.5)
    /// ```
    public static func full(_ shape: [Int], value: Double, dtype: DType = .float32) throws -> Tensor {
        let t = try allocate(shape, dtype: dtype, op: "full")
        let n = t.count
        switch dtype {
        case .float32: fill(t.pointer(Float.self), n, Float(value))
        case .float64: fill(t.pointer(Double.self), n, value)
        case .int32:
            guard let v = Int32(exactly: value.rounded(.towardZero)) else { throw TensorError.invalidArgument(op: "full", reason: "value \(value) is not representable as int32") }
            fill(t.pointer(Int32.self), n, v)
        }
        return t
    }

    /// A tensor of zeros.
    public static func zeros(_ shape: [Int], dtype: DType = .float32) throws -> Tensor {
        let t = try allocate(shape, dtype: dtype, op: "zeros")
        memset(t.storage.base, 0, t.count * dtype.byteSize)
        return t
    }

    /// A tensor of ones.
    public static func ones(_ shape: [Int], dtype: DType = .float32) throws -> Tensor {
        try full(shape, value: 1, dtype: dtype)
    }

    /// Zeros with the shape and type of `other`.
    public static func zeros(like other: Tensor) throws -> Tensor { try zeros(other.shape, dtype: other.dtype) }

    /// Values `start, start+step, …` below `end` (like `numpy.arange`).
    ///
    /// ```swift
    /// try Tensor.arange(0, 5).toInts()          // [0, 1, 2, 3, 4] (int32 when all are integers)
    /// ```
    public static func arange(_ start: Double, _ end: Double, step: Double = 1, dtype: DType? = nil) throws -> Tensor {
        guard step != 0, step.isFinite, start.isFinite, end.isFinite else {
            throw TensorError.invalidArgument(op: "arange", reason: "start \(start), end \(end) and step \(step) must be finite with a non-zero step")
        }
        let steps = ((end - start) / step).rounded(.up)
        guard steps.isFinite, steps < 9e15 else {
            throw TensorError.invalidArgument(op: "arange", reason: "from \(start) to \(end) by \(step) is \(steps) values, too many")
        }
        let n = Swift.max(0, Int(steps))
        let isInt = start.rounded() == start && step.rounded() == step
        let type = dtype ?? (isInt ? .int32 : .float32)
        let t = try allocate([n], dtype: type, op: "arange")
        for i in 0..<n {
            let v = start + Double(i) * step
            switch type {
            case .float32: t.pointer(Float.self)[i] = Float(v)
            case .float64: t.pointer(Double.self)[i] = v
            case .int32: t.pointer(Int32.self)[i] = Int32(exactly: v.rounded(.towardZero)) ?? 0
            }
        }
        return t
    }

    /// `0, 1, …, end-1`.
    public static func arange(_ end: Int, dtype: DType = .int32) throws -> Tensor {
        try arange(0, Double(end), step: 1, dtype: dtype)
    }

    /// The `n`×`m` identity matrix (`m` defaults to `n`).
    public static func eye(_ n: Int, _ m: Int? = nil, dtype: DType = .float32) throws -> Tensor {
        let cols = m ?? n
        let t = try zeros([n, cols], dtype: dtype)
        for i in 0..<Swift.min(n, cols) {
            switch dtype {
            case .float32: t.pointer(Float.self)[i * cols + i] = 1
            case .float64: t.pointer(Double.self)[i * cols + i] = 1
            case .int32: t.pointer(Int32.self)[i * cols + i] = 1
            }
        }
        return t
    }

    /// A dense copy, recorded on the tape (gradient passes through).
    public func copy() -> Tensor {
        let out = Tensor(uninitializedShape: shape, dtype: dtype)
        copyStrided(from: self, to: out)
        return out.recorded("copy", [self]) { g in [g] }
    }

    /// A contiguous version of this tensor (itself if already contiguous).
    public func contiguous() -> Tensor { isContiguous ? self : copy() }

    /// This tensor converted to another element type (differentiable between float types).
    public func to(_ type: DType) throws -> Tensor {
        if type == dtype { return self }
        let n = count
        let src = contiguousData()
        let out = Tensor(uninitializedShape: shape, dtype: type)
        func conv<S, D>(_ s: UnsafeMutablePointer<S>, _ d: UnsafeMutablePointer<D>, _ f: (S) -> D) {
            for i in 0..<n { d[i] = f(s[i]) }
        }
        // To int32: toward zero, and an error (naming the value) for NaN, infinities and values
        // beyond int32's range, never a silent 0 or a wrapped result.
        func toInt32<S: BinaryFloatingPoint & CustomStringConvertible>(_ s: UnsafeMutablePointer<S>, _ d: UnsafeMutablePointer<Int32>) throws {
            for i in 0..<n {
                guard let v = Int32(exactly: s[i].rounded(.towardZero)) else {
                    let value = s[i].isNaN ? "nan" : s[i].isInfinite ? (s[i] < 0 ? "-inf" : "inf") : String(describing: s[i])
                    throw TensorError.invalidArgument(
                        op: "to int32", reason: "\(value) (element \(i)) is not a whole number within int32's range (±2147483647)")
                }
                d[i] = v
            }
        }
        switch (dtype, type) {
        case (.float32, .float64): conv(src.pointer(Float.self), out.pointer(Double.self)) { Double($0) }
        case (.float64, .float32): conv(src.pointer(Double.self), out.pointer(Float.self)) { Float($0) }
        case (.int32, .float32): conv(src.pointer(Int32.self), out.pointer(Float.self)) { Float($0) }
        case (.int32, .float64): conv(src.pointer(Int32.self), out.pointer(Double.self)) { Double($0) }
        case (.float32, .int32): try toInt32(src.pointer(Float.self), out.pointer(Int32.self))
        case (.float64, .int32): try toInt32(src.pointer(Double.self), out.pointer(Int32.self))
        default: break
        }
        guard type.isFloatingPoint else { return out }
        let from = dtype
        return out.recorded("to", [self]) { g in [try g.to(from)] }
    }
}

@inline(__always) func fill<T>(_ p: UnsafeMutablePointer<T>, _ n: Int, _ v: T) {
    p.initialize(repeating: v, count: n)
}
