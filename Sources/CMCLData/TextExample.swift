/// The label of an example: a class index, a real-valued score (regression), or none.
public enum Label: Sendable, Hashable {
    case none
    case index(Int32)
    case score(Float)

    /// The class index, if this is a classification label.
    public var index: Int32? { if case let .index(i) = self { return i }; return nil }
    /// The score, if this is a regression label.
    public var score: Float? { if case let .score(s) = self { return s }; return nil }
}

/// One text (or text-pair) example of a classification or regression task.
///
/// ```swift
/// let example = TextExample(text: "a gripping film", label: .index(1))
/// ```
public struct TextExample: Sendable, Hashable {
    /// The first (or only) text.
    public var text: String
    /// The second text of a pair task (MRPC, RTE, STS-B, ...), or nil.
    public var pair: String?
    /// The label.
    public var label: Label
    /// An identifier, e.g. the GLUE index or `file:line`.
    public var id: String

    /// Creates an example.
    public init(text: String, pair: String? = nil, label: Label = .none, id: String = "") {
        self.text = text
        self.pair = pair
        self.label = label
        self.id = id
    }
}
