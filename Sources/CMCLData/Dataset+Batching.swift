import CMCLBase
extension Dataset where Element == TextExample {
    /// Tokenizes every example (`text` and optional `pair`) with truncation to `maxLength`.
    ///
    /// ```swift
    /// let encoded = data.encoded(with: tok, maxLength: 128)
    /// ```
    public func encoded(with tokenizer: some TextTokenizer, maxLength: Int = 128) -> Dataset<EncodedExample> {
        let encodings = tokenizer.encodeBatch(elements.map { ($0.text, $0.pair) }, maxLength: maxLength)
        return with(zip(encodings, elements).map { EncodedExample(encoding: $0, label: $1.label) })
    }

    /// Tokenizes and batches in one call (see ``Dataset/batches(_:padID:options:)``).
    ///
    /// ```swift
    /// let batches = try sst2.batches(32, tokenizer: tok, maxLength: 64, options: .init(shuffleSeed: 1))
    /// ```
    public func batches(_ size: Int, tokenizer: some TextTokenizer, maxLength: Int = 128,
                        options: BatchOptions = BatchOptions()) throws -> [Batch] {
        try encoded(with: tokenizer, maxLength: maxLength).batches(size, padID: tokenizer.padID, options: options)
    }
}

extension Dataset where Element == EncodedExample {
    /// Cuts the dataset into padded batches of `size` rows with attention masks; class labels
    /// go to `labels`, regression scores to `scores`, answer positions to `startPositions` and
    /// `endPositions`.
    public func batches(_ size: Int, padID: Int32 = 0, options: BatchOptions = BatchOptions()) throws -> [Batch] {
        guard size > 0 else {
            throw DataError.invalidArgument(operation: "batches(\(size))", problem: "batch size must be positive")
        }
        var order = Array(0..<count)
        var rng = SplitMix64(seed: options.shuffleSeed ?? 0)
        if options.shuffleSeed != nil { order = rng.permutation(count).map { order[$0] } }
        if options.bucketByLength {
            // Sort by length inside windows of 50 batches, then shuffle the batch order.
            let window = size * 50
            var bucketed: [Int] = []
            var start = 0
            while start < order.count {
                let chunk = order[start..<Swift.min(order.count, start + window)]
                bucketed += chunk.sorted { (elements[$0].encoding.count, $0) < (elements[$1].encoding.count, $1) }
                start += window
            }
            order = bucketed
        }
        var groups: [[Int]] = stride(from: 0, to: order.count, by: size).map {
            Array(order[$0..<Swift.min(order.count, $0 + size)])
        }
        if !options.keepLast, let last = groups.last, last.count < size { groups.removeLast() }
        if options.bucketByLength && options.shuffleSeed != nil {
            groups = rng.permutation(groups.count).map { groups[$0] }
        }
        return groups.map { rows in
            var batch = Batch.stack(rows.map { elements[$0].encoding }, padID: padID, length: options.padTo)
            batch.indices = rows
            let labels = rows.map { elements[$0].label }
            if labels.contains(where: { $0.index != nil }) { batch.labels = labels.map { $0.index ?? -1 } }
            if labels.contains(where: { $0.score != nil }) { batch.scores = labels.map { $0.score ?? .nan } }
            if rows.contains(where: { elements[$0].startPosition != nil }) {
                batch.startPositions = rows.map { elements[$0].startPosition ?? 0 }
                batch.endPositions = rows.map { elements[$0].endPosition ?? 0 }
            }
            return batch
        }
    }
}
