/// The element type of a ``Tensor``.
///
/// `float32` is the working precision of models; `float64` exists so that gradient checks
/// run in double precision; `int32` holds token ids, labels and indices.
///
/// ```swift
/// let ids = try Tensor(ints: [3, 1, 4], shape: [3])
/// ids.dtype            // .int32
/// ```
public enum DType: String, Sendable, CaseIterable, CustomStringConvertible {
    case float32, float64, int32

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .float32, .int32: return 4
        case .float64: return 8
        }
    }

    /// Whether the type is a floating-point type (and so can carry gradients).
    public var isFloatingPoint: Bool { self != .int32 }

    public var description: String { rawValue }

    /// The type two operands are promoted to: the wider float, or a float over an int.
    static func promoted(_ a: DType, _ b: DType) -> DType {
        if a == b { return a }
        if a == .float64 || b == .float64 { return .float64 }
        return .float32
    }
}
