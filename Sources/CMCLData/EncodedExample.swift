/// A tokenized example: its encoding, label, and (for question answering) answer positions.
public struct EncodedExample: Sendable, Equatable {
    /// The token ids, types, mask and offsets (not padded).
    public var encoding: Encoding
    /// The label.
    public var label: Label
    /// Answer start/end token positions, or nil when not a QA feature.
    public var startPosition: Int32?
    /// Inclusive answer end position.
    public var endPosition: Int32?

    /// Creates an encoded example.
    public init(encoding: Encoding, label: Label = .none, startPosition: Int32? = nil, endPosition: Int32? = nil) {
        self.encoding = encoding
        self.label = label
        self.startPosition = startPosition
        self.endPosition = endPosition
    }
}
