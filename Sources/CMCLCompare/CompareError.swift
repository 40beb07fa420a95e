import CMCLBase
/// A user-causable problem detected by a CMCLCompare operation.
///
/// Every case names the operation that failed and the offending values, so the
/// message can be shown to a notebook user as is.
///
/// ```swift
/// do { _ = try ComparativeLossConfig(target: "bset") }
/// catch { print(error) }  // comparative loss: unknown target 'bset'; did you mean 'best'?
/// ```
public enum CompareError: Error, CustomStringConvertible, Sendable, Equatable {
    /// A name (mode, target, ranking, primary, ablation kind) is not recognised.
    case unknownName(operation: String, kind: String, given: String, candidates: [String], valid: [String])
    /// Fewer than two variants (the full model plus at least one ablated one).
    case tooFewVariants(operation: String, columns: Int)
    /// The batch holds no examples.
    case emptyBatch(operation: String)
    /// A scalar parameter is outside its domain.
    case invalidParameter(operation: String, name: String, value: Double, requirement: String)
    /// An integer parameter is outside its domain.
    case invalidCount(operation: String, name: String, value: Int, requirement: String)
    /// A row of a nested array has the wrong length.
    case raggedRows(operation: String, row: Int, expected: Int, got: Int)
    /// A flat buffer does not match the shape it is said to have.
    case shapeMismatch(operation: String, count: Int, rows: Int, columns: Int)
    /// Two inputs that must have the same shape do not.
    case mismatchedShapes(operation: String, lhs: [Int], rhs: [Int])
    /// A NaN or infinite value at a matrix position.
    case nonFinite(operation: String, row: Int, column: Int, value: Double)
    /// An index outside the valid range.
    case indexOutOfRange(operation: String, name: String, index: Int, count: Int)
    /// An input the operation cannot use (wrong kind of model, missing labels, ...).
    case invalidInput(operation: String, reason: String)

    public var description: String {
        switch self {
        case let .unknownName(operation, kind, given, candidates, valid):
            var text = "\(operation): unknown \(kind) '\(given)'"
            if !candidates.isEmpty {
                text += "; did you mean " + candidates.map { "'\($0)'" }.joined(separator: " or ") + "?"
            }
            return text + " (valid: " + valid.joined(separator: ", ") + ")"
        case let .tooFewVariants(operation, columns):
            return "\(operation): need the full model and at least one ablated variant (c >= 1), "
                + "but the loss matrix has \(columns) column(s)"
        case let .emptyBatch(operation):
            return "\(operation): the batch is empty (0 examples)"
        case let .invalidParameter(operation, name, value, requirement):
            return "\(operation): \(name) = \(value) is invalid; \(requirement)"
        case let .invalidCount(operation, name, value, requirement):
            return "\(operation): \(name) = \(value) is invalid; \(requirement)"
        case let .raggedRows(operation, row, expected, got):
            return "\(operation): ragged rows: row \(row) has \(got) value(s), expected \(expected) like row 0"
        case let .shapeMismatch(operation, count, rows, columns):
            return "\(operation): \(count) value(s) cannot form a [\(rows) x \(columns)] matrix"
        case let .mismatchedShapes(operation, lhs, rhs):
            return "\(operation): shapes \(lhs) and \(rhs) differ"
        case let .nonFinite(operation, row, column, value):
            return "\(operation): non-finite value \(value) at row \(row), column \(column)"
        case let .indexOutOfRange(operation, name, index, count):
            return "\(operation): \(name) \(index) is out of range 0..<\(count)"
        case let .invalidInput(operation, reason):
            return "\(operation): \(reason)"
        }
    }
}

extension CompareError {
    /// Resolves `given` against a table of accepted spellings, or throws `unknownName` with the
    /// close names (``CMCLBase/Suggestion/choices(for:among:)``).
    static func resolve<Value>(_ given: String, in table: [(String, Value)], kind: String,
                               operation: String) throws(CompareError) -> Value {
        if let hit = Suggestion.lookup(given, in: table) { return hit }
        let names = table.map(\.0)
        throw .unknownName(operation: operation, kind: kind, given: given,
                           candidates: Suggestion.choices(for: given, among: names), valid: names)
    }
}
