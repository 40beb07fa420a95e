import CMCLBase
import Foundation

/// An n-dimensional array of `float32`, `float64` or `int32` elements, and a node of the
/// reverse-mode autodiff graph.
///
/// Tensors are row-major. Transposes, slices, broadcasts and (when possible) reshapes are views that
/// share storage with their source. Every operation is a throwing method; shape and type errors are
/// ``TensorError`` values.
///
/// ```swift
/// let w = try Tensor([1, 2, 3, 4], shape: [2, 2]).requiringGrad()
/// let x = try Tensor([1, 1], shape: [2, 1])
/// let loss = try w.matmul(x).sum()
/// try loss.backward()
/// w.grad?.toArray()    // [1, 1, 1, 1]
/// ```
public final class Tensor: @unchecked Sendable {
    let storage: TensorStorage
    /// The size of each dimension.
    public let shape: [Int]
    /// Element strides of each dimension (0 for broadcast dimensions).
    let strides: [Int]
    /// Element offset of the first element in `storage`.
    let offset: Int
    /// The element type.
    public let dtype: DType
    var requiresGradFlag = false
    /// The autodiff node that produced this tensor, or nil for a leaf.
    var node: GraphNode?
    /// The accumulated gradient of a leaf after ``backward()``; nil until then or after ``zeroGrad()``.
    public var grad: Tensor?

    /// The largest allocation a tensor may request, in bytes (an error is thrown above it):
    /// `CMCL_MEMORY_LIMIT` (`4G`, `512M`, or bytes) when set, else half the physical memory
    /// and at most a quarter of the address-space limit (`ulimit -v`), so that a huge tensor
    /// is refused with its size instead of aborting the process.
    nonisolated(unsafe) public static var maxAllocationBytes = MemoryLimit.defaultBytes()

    init(storage: TensorStorage, shape: [Int], strides: [Int], offset: Int, dtype: DType) {
        self.storage = storage
        self.shape = shape
        self.strides = strides
        self.offset = offset
        self.dtype = dtype
    }

    /// A new uninitialised contiguous tensor. Callers must have validated `shape`.
    init(uninitializedShape shape: [Int], dtype: DType) {
        let n = shape.reduce(1, *)
        self.storage = TensorStorage(byteCount: n * dtype.byteSize)
        self.shape = shape
        self.strides = Tensor.contiguousStrides(shape)
        self.offset = 0
        self.dtype = dtype
    }

    /// Validates `shape` (non-negative sizes, bounded byte count) and allocates.
    static func allocate(_ shape: [Int], dtype: DType, op: String) throws -> Tensor {
        let n = try checkedCount(shape, op: op)
        let (bytes, overflow) = n.multipliedReportingOverflow(by: dtype.byteSize)
        if overflow || bytes > maxAllocationBytes {
            throw TensorError.allocationTooLarge(op: op, shape: shape, bytes: overflow ? Int.max : bytes)
        }
        return Tensor(uninitializedShape: shape, dtype: dtype)
    }

    /// The element count of `shape`, or an error for negative sizes or overflow.
    static func checkedCount(_ shape: [Int], op: String) throws -> Int {
        var n = 1
        for d in shape {
            if d < 0 { throw TensorError.invalidShape(op: op, shape: shape, reason: "sizes must be non-negative") }
            let (m, o) = n.multipliedReportingOverflow(by: d)
            if o { throw TensorError.allocationTooLarge(op: op, shape: shape, bytes: Int.max) }
            n = m
        }
        return n
    }

    static func contiguousStrides(_ shape: [Int]) -> [Int] {
        var s = [Int](repeating: 1, count: shape.count)
        var acc = 1
        for i in stride(from: shape.count - 1, through: 0, by: -1) {
            s[i] = acc
            acc *= shape[i]
        }
        return s
    }

    /// The number of elements.
    public var count: Int { shape.reduce(1, *) }
    /// The number of dimensions.
    public var rank: Int { shape.count }

    /// Whether elements are laid out densely in row-major order.
    public var isContiguous: Bool {
        var expected = 1
        for i in stride(from: shape.count - 1, through: 0, by: -1) where shape[i] != 1 {
            if strides[i] != expected { return false }
            expected *= shape[i]
        }
        return true
    }

    /// Whether the tensor is a leaf of the graph (created by the user, not by an operation).
    public var isLeaf: Bool { node == nil }

    /// Whether gradients flow to this tensor. Settable on leaves of a floating-point type; setting it
    /// on a non-leaf or an `int32` tensor has no effect (use ``requiringGrad()`` to get an error).
    public var requiresGrad: Bool {
        get { requiresGradFlag }
        set { if isLeaf && dtype.isFloatingPoint { requiresGradFlag = newValue } }
    }

    /// Marks this leaf as requiring gradients and returns it.
    ///
    /// ```swift
    /// let w = try Tensor.randn([3, 3]).requiringGrad()
    /// ```
    @discardableResult
    public func requiringGrad(_ flag: Bool = true) throws -> Tensor {
        guard isLeaf else { throw TensorError.notDifferentiable(op: "requiringGrad", reason: "only leaf tensors can be marked; use detach() first") }
        guard dtype.isFloatingPoint || !flag else { throw TensorError.unsupportedDType(op: "requiringGrad", dtype: dtype) }
        requiresGradFlag = flag
        return self
    }

    /// Clears the accumulated gradient.
    public func zeroGrad() { grad = nil }

    /// A tensor sharing this one's storage but cut from the graph (a leaf that does not require grad).
    public func detach() -> Tensor {
        Tensor(storage: storage, shape: shape, strides: strides, offset: offset, dtype: dtype)
    }

    // MARK: Element pointers

    @inline(__always) func pointer<T>(_ type: T.Type) -> UnsafeMutablePointer<T> {
        storage.pointer(as: T.self) + offset
    }

    /// This tensor if contiguous, else a dense copy (not recorded on the tape).
    func contiguousData() -> Tensor {
        if isContiguous { return self }
        let out = Tensor(uninitializedShape: shape, dtype: dtype)
        copyStrided(from: self, to: out)
        return out
    }

    /// Element values in row-major order, converted to `Float`.
    public func toArray() -> [Float] {
        let c = contiguousData()
        let n = count
        switch dtype {
        case .float32: return Array(UnsafeBufferPointer(start: c.pointer(Float.self), count: n))
        case .float64: return UnsafeBufferPointer(start: c.pointer(Double.self), count: n).map { Float($0) }
        case .int32: return UnsafeBufferPointer(start: c.pointer(Int32.self), count: n).map { Float($0) }
        }
    }

    /// Element values in row-major order, converted to `Double`.
    public func toDoubles() -> [Double] {
        let c = contiguousData()
        let n = count
        switch dtype {
        case .float32: return UnsafeBufferPointer(start: c.pointer(Float.self), count: n).map { Double($0) }
        case .float64: return Array(UnsafeBufferPointer(start: c.pointer(Double.self), count: n))
        case .int32: return UnsafeBufferPointer(start: c.pointer(Int32.self), count: n).map { Double($0) }
        }
    }

    /// Element values in row-major order, converted to `Int32` (floats truncate toward zero;
    /// non-finite or out-of-range values become 0).
    public func toInts() -> [Int32] {
        let c = contiguousData()
        let n = count
        switch dtype {
        case .int32: return Array(UnsafeBufferPointer(start: c.pointer(Int32.self), count: n))
        case .float32: return UnsafeBufferPointer(start: c.pointer(Float.self), count: n).map { Int32(exactly: $0.rounded(.towardZero)) ?? 0 }
        case .float64: return UnsafeBufferPointer(start: c.pointer(Double.self), count: n).map { Int32(exactly: $0.rounded(.towardZero)) ?? 0 }
        }
    }

    /// The single element of a one-element tensor.
    public func scalar() throws -> Double {
        guard count == 1 else { throw TensorError.invalidShape(op: "item", shape: shape, reason: "only a tensor with one element converts to a number") }
        return toDoubles()[0]
    }

    /// The single element of a one-element tensor (same as ``scalar()``).
    public func item() throws -> Double { try scalar() }
}
