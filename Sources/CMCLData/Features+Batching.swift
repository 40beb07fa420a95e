extension Dataset where Element == SQuADFeature {
    /// Padded batches of SQuAD features with `startPositions`/`endPositions`.
    ///
    /// ```swift
    /// let batches = try features.batches(16, padID: tok.padID)
    /// ```
    public func batches(_ size: Int, padID: Int32 = 0, options: BatchOptions = BatchOptions()) throws -> [Batch] {
        try map { EncodedExample(encoding: $0.encoding, startPosition: $0.startPosition, endPosition: $0.endPosition) }
            .batches(size, padID: padID, options: options)
    }
}

extension Dataset where Element == SegmentedFeature {
    /// Padded batches of segmented QA features with `startPositions`/`endPositions` and the
    /// answer type as `labels`; `Batch.indices` point back to the features (and their segments).
    public func batches(_ size: Int, padID: Int32 = 0, options: BatchOptions = BatchOptions()) throws -> [Batch] {
        try map {
            EncodedExample(encoding: $0.encoding, label: .index($0.answerType),
                           startPosition: $0.startPosition, endPosition: $0.endPosition)
        }.batches(size, padID: padID, options: options)
    }
}
