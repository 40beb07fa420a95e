import CMCLData
import CMCLNN

/// Tokenized text examples (classification, regression, pairs) batched with padding to the
/// longest row.
///
/// ```swift
/// let p = EncodedPipeline(examples: sst2.encoded(with: tok, maxLength: 64), padID: tok.padID)
/// let batches = try p.batches(size: 32, options: BatchOptions(shuffleSeed: 1, bucketByLength: true))
/// ```
public struct EncodedPipeline: BatchPipeline {
    /// The examples.
    public let examples: Dataset<EncodedExample>
    /// The padding id.
    public let padID: Int32

    /// A pipeline over `examples`.
    public init(examples: Dataset<EncodedExample>, padID: Int32) {
        self.examples = examples
        self.padID = padID
    }

    public var count: Int { examples.count }
    public var encoded: (examples: Dataset<EncodedExample>, padID: Int32)? { (examples, padID) }

    public func batches(size: Int, shuffleSeed: UInt64?) throws -> [Batch] {
        try batches(size: size, options: BatchOptions(shuffleSeed: shuffleSeed))
    }

    /// The example indices of each batch (``BatchOrder/groups(count:size:options:length:)``).
    public func groups(size: Int, options: BatchOptions) throws -> [[Int]] {
        try BatchOrder.groups(count: examples.count, size: size, options: options) { examples[$0].encoding.count }
    }

    /// Batches under any ``BatchOptions`` (bucketing, dropping the last, fixed length).
    public func batches(size: Int, options: BatchOptions) throws -> [Batch] {
        try BatchOrder.batches(count: examples.count, size: size, options: options, padID: padID,
                               length: { examples[$0].encoding.count }) { i in
            let e = examples[i]
            return BatchRow(ids: e.encoding.ids, typeIDs: e.encoding.typeIDs, attentionMask: e.encoding.attentionMask,
                            label: e.label, span: e.startPosition.map { ($0, e.endPosition ?? 0) })
        }
    }
}

extension Batch {
    /// Texts as one batch: tokenized with `tokenizer` (cut at `maxLength` tokens) and padded to
    /// the longest.
    ///
    /// ```swift
    /// let b = try Batch(texts: ["a fine film", "dull"], tokenizer: tok)
    /// ```
    public init(texts: [String], tokenizer: any TextTokenizer, maxLength: Int = 512) throws {
        let examples = Dataset(texts.map { TextExample(text: $0) }).encoded(with: tokenizer, maxLength: maxLength)
        guard let b = try EncodedPipeline(examples: examples, padID: tokenizer.padID).batches(size: Swift.max(1, texts.count), shuffleSeed: nil).first else {
            throw TaskError.emptyDataset
        }
        self = b
    }
}
