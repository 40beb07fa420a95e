/// An error raised by a CMCLData reader, tokenizer, dataset operation or metric.
///
/// Every case names the operation or file involved and the offending values, so the
/// message can be shown to a user as is:
///
/// ```swift
/// do { _ = try Table.read(tsv: "missing.tsv") }
/// catch let error as DataError { print(error) }  // "cannot read missing.tsv: no such file"
/// ```
public enum DataError: Error, CustomStringConvertible, Sendable, Equatable {
    /// A file is missing or cannot be read.
    case unreadable(path: String, reason: String)
    /// A file's content is malformed at `line` (1-based); `column` is 0 when unknown.
    case malformed(file: String, line: Int, column: Int, problem: String)
    /// A required column, field or key is absent.
    case missing(file: String, what: String, available: [String])
    /// An argument passed to an operation is out of range or inconsistent.
    case invalidArgument(operation: String, problem: String)

    /// A one-line message naming the file/operation and the problem.
    public var description: String {
        switch self {
        case let .unreadable(path, reason):
            return "cannot read \(path): \(reason)"
        case let .malformed(file, line, column, problem):
            let at = column > 0 ? "\(file):\(line):\(column)" : "\(file):\(line)"
            return "\(at): \(problem)"
        case let .missing(file, what, available):
            let list = available.prefix(20).joined(separator: ", ")
            return "\(file): no \(what)" + (available.isEmpty ? "" : " (available: \(list))")
        case let .invalidArgument(operation, problem):
            return "\(operation): \(problem)"
        }
    }
}
