import CMCLBase
/// An error a tensor operation reports instead of crashing.
///
/// Every case names the operation and the offending values so that a message can be shown to a
/// user as is:
///
/// ```swift
/// do { _ = try a.matmul(b) } catch { print(error) }
/// // matmul: shapes [2, 3] and [4, 5] are not compatible (inner dimensions 3 and 4 differ)
/// ```
public enum TensorError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Two shapes that the operation cannot combine.
    case shapeMismatch(op: String, lhs: [Int], rhs: [Int])
    /// Two shapes that the operation cannot combine, with an explanation.
    case incompatibleShapes(op: String, lhs: [Int], rhs: [Int], reason: String)
    /// A shape that is not valid for the operation (negative sizes, wrong element count…).
    case invalidShape(op: String, shape: [Int], reason: String)
    /// An axis outside `-rank..<rank` or repeated.
    case invalidAxis(op: String, axis: Int, rank: Int)
    /// An element type the operation does not support.
    case unsupportedDType(op: String, dtype: DType)
    /// Two element types the operation cannot combine.
    case dtypeMismatch(op: String, lhs: DType, rhs: DType)
    /// An index outside the valid range.
    case indexOutOfRange(op: String, index: Int, bound: Int)
    /// A requested allocation too large for memory.
    case allocationTooLarge(op: String, shape: [Int], bytes: Int)
    /// A gradient requested through something that is not differentiable.
    case notDifferentiable(op: String, reason: String)
    /// An argument with an invalid value.
    case invalidArgument(op: String, reason: String)

    public var description: String {
        switch self {
        case let .shapeMismatch(op, lhs, rhs):
            return "\(op): shapes \(lhs) and \(rhs) are not compatible"
        case let .incompatibleShapes(op, lhs, rhs, reason):
            return "\(op): shapes \(lhs) and \(rhs) are not compatible (\(reason))"
        case let .invalidShape(op, shape, reason):
            return "\(op): invalid shape \(shape) (\(reason))"
        case let .invalidAxis(op, axis, rank):
            return "\(op): axis \(axis) is out of range for a tensor of rank \(rank)"
        case let .unsupportedDType(op, dtype):
            return "\(op): element type \(dtype) is not supported"
        case let .dtypeMismatch(op, lhs, rhs):
            return "\(op): element types \(lhs) and \(rhs) cannot be combined"
        case let .indexOutOfRange(op, index, bound):
            return "\(op): index \(index) is out of range for size \(bound)"
        case let .allocationTooLarge(op, shape, bytes):
            let size = bytes == Int.max ? "more memory than exists" : MemoryLimit.describe(bytes)
            return "\(op): a tensor of shape \(shape) needs \(size), more than the \(MemoryLimit.describe(Tensor.maxAllocationBytes)) "
                + "one tensor may use (CMCL_MEMORY_LIMIT sets it)"
        case let .notDifferentiable(op, reason):
            return "\(op): not differentiable (\(reason))"
        case let .invalidArgument(op, reason):
            return "\(op): \(reason)"
        }
    }
}
