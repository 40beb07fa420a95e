import CMCLData
import CMCLNN

/// A SQuAD window with the question it came from (decoding needs the context and gold answers).
public struct SQuADItem: Sendable {
    /// The tokenized window and its answer positions.
    public var feature: SQuADFeature
    /// The question, its context and gold answers.
    public var example: SQuADExample

    /// An item.
    public init(feature: SQuADFeature, example: SQuADExample) {
        self.feature = feature
        self.example = example
    }

    /// SQuAD questions as windows of `maxLength` tokens overlapping by `stride`, each with its
    /// question.
    ///
    /// ```swift
    /// let items = try SQuADItem.encode(dev, tokenizer: tok, maxLength: 384, stride: 128, maxQuestion: nil)
    /// ```
    public static func encode(_ data: Dataset<SQuADExample>, tokenizer: any TextTokenizer, maxLength: Int, stride: Int,
                              maxQuestion: Int?) throws -> Dataset<SQuADItem> {
        let features = try SQuAD.features(data, tokenizer: tokenizer, maxLength: maxLength, docStride: stride, maxQueryLength: maxQuestion)
        return Dataset(features.map { SQuADItem(feature: $0, example: data[$0.exampleIndex]) }.elements, name: features.name)
    }

    /// The window as a batch row.
    var row: BatchRow {
        BatchRow(ids: feature.encoding.ids, typeIDs: feature.encoding.typeIDs,
                 span: (feature.startPosition, feature.endPosition))
    }
}

/// SQuAD windows batched for a span model.
public struct SQuADPipeline: BatchPipeline {
    /// The windows.
    public let items: Dataset<SQuADItem>
    /// The padding id.
    public let padID: Int32

    /// A pipeline over `items`.
    public init(items: Dataset<SQuADItem>, padID: Int32) {
        self.items = items
        self.padID = padID
    }

    public var count: Int { items.count }

    public func batches(size: Int, shuffleSeed: UInt64?) throws -> [Batch] {
        try BatchOrder.batches(count: items.count, size: size, options: BatchOptions(shuffleSeed: shuffleSeed), padID: padID,
                               minimumLength: 1) { items[$0].row }
    }
}
