/// One segment of a row of a multi-paragraph input (a question, a titled paragraph ...): its token
/// positions in the row and whether ablations must keep it.
///
/// ```swift
/// let s = SegmentSpan(title: "Paris", tokens: 12..<40, mustKeep: true)
/// ```
public struct SegmentSpan: Sendable, Hashable, CustomStringConvertible {
    /// A label for display (paragraph title, "question" ...).
    public var title: String
    /// Token positions `[start, end)` in the row.
    public var tokens: Range<Int>
    /// Whether the segment survives every crop (question, supporting or answer-bearing paragraph).
    public var mustKeep: Bool

    /// A segment.
    public init(title: String = "", tokens: Range<Int>, mustKeep: Bool = false) {
        self.title = title
        self.tokens = tokens
        self.mustKeep = mustKeep
    }

    public var description: String {
        "\(title.isEmpty ? "segment" : title) [\(tokens.lowerBound), \(tokens.upperBound))\(mustKeep ? " keep" : "")"
    }
}
