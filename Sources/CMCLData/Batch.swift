/// A padded mini-batch in row-major `[batchSize, length]` layout, ready to become tensors.
///
/// This is the host-side form (plain arrays; the data target has no tensors) that the runtime turns
/// into the engine's `CMCLNN.Batch`, which models and the ablation operators consume.
///
/// ```swift
/// for batch in try data.batches(32, tokenizer: tok, maxLength: 128) {
///     batch.inputIDs      // batchSize * length Int32
///     batch.labels        // batchSize Int32 (classification)
/// }
/// ```
public struct Batch: Sendable, Equatable {
    /// Token ids, `batchSize * length`, padded with the tokenizer's pad id.
    public var inputIDs: [Int32]
    /// 1 for real tokens, 0 for padding.
    public var attentionMask: [Int32]
    /// Token-type (segment) ids.
    public var tokenTypeIDs: [Int32]
    /// Number of rows.
    public var batchSize: Int
    /// Padded sequence length.
    public var length: Int
    /// Class labels per row (empty when the task has none).
    public var labels: [Int32]
    /// Regression targets per row (empty unless the task is a regression).
    public var scores: [Float]
    /// Answer start/end token positions per row (question answering; empty otherwise).
    public var startPositions: [Int32]
    /// Answer end positions per row (inclusive).
    public var endPositions: [Int32]
    /// Indices of the rows in the dataset the batch was drawn from.
    public var indices: [Int]

    /// `[batchSize, length]`.
    public var shape: [Int] { [batchSize, length] }

    /// Creates a batch from already padded arrays.
    public init(inputIDs: [Int32], attentionMask: [Int32], tokenTypeIDs: [Int32], batchSize: Int, length: Int,
                labels: [Int32] = [], scores: [Float] = [], startPositions: [Int32] = [],
                endPositions: [Int32] = [], indices: [Int] = []) {
        self.inputIDs = inputIDs
        self.attentionMask = attentionMask
        self.tokenTypeIDs = tokenTypeIDs
        self.batchSize = batchSize
        self.length = length
        self.labels = labels
        self.scores = scores
        self.startPositions = startPositions
        self.endPositions = endPositions
        self.indices = indices
    }

    /// Pads `encodings` to the longest one (or `length`) and stacks them.
    public static func stack(_ encodings: [Encoding], padID: Int32, length: Int? = nil) -> Batch {
        let target = length ?? encodings.map(\.count).max() ?? 0
        var ids: [Int32] = [], mask: [Int32] = [], types: [Int32] = []
        ids.reserveCapacity(target * encodings.count)
        mask.reserveCapacity(target * encodings.count)
        types.reserveCapacity(target * encodings.count)
        for e in encodings {
            let n = Swift.min(e.count, target)
            ids.append(contentsOf: e.ids.prefix(n))
            mask.append(contentsOf: e.attentionMask.prefix(n))
            types.append(contentsOf: e.typeIDs.prefix(n))
            let pad = target - n
            if pad > 0 {
                ids.append(contentsOf: repeatElement(padID, count: pad))
                mask.append(contentsOf: repeatElement(0, count: pad))
                types.append(contentsOf: repeatElement(0, count: pad))
            }
        }
        return Batch(inputIDs: ids, attentionMask: mask, tokenTypeIDs: types, batchSize: encodings.count,
                     length: target)
    }
}

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

/// How to cut a dataset into batches.
public struct BatchOptions: Sendable {
    /// Shuffle rows before batching (and the batch order when bucketing), with this seed.
    public var shuffleSeed: UInt64?
    /// Group rows of similar length into the same batch (less padding).
    public var bucketByLength: Bool
    /// Keep a last batch smaller than the batch size.
    public var keepLast: Bool
    /// Pad every batch to this length instead of the longest row.
    public var padTo: Int?

    /// Creates options; the defaults keep order, keep the last batch and pad to the longest row.
    public init(shuffleSeed: UInt64? = nil, bucketByLength: Bool = false, keepLast: Bool = true, padTo: Int? = nil) {
        self.shuffleSeed = shuffleSeed
        self.bucketByLength = bucketByLength
        self.keepLast = keepLast
        self.padTo = padTo
    }
}
