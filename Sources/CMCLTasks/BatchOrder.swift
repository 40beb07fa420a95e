import CMCLBase
import CMCLData
import CMCLNN

/// How examples are grouped into batches.
public struct BatchOptions: Sendable, Equatable {
    /// Shuffle the examples with this seed (nil: keep their order).
    public var shuffleSeed: UInt64?
    /// Sort by length inside windows of 50 batches (less padding), then shuffle the batch order
    /// when a seed is given.
    public var bucketByLength: Bool
    /// Keep a last, smaller batch (default true).
    public var keepLast: Bool
    /// Pad (or cut) every batch to this many tokens instead of its longest row.
    public var padTo: Int?

    /// Options; the defaults keep the order, keep the last batch and pad to the longest row.
    public init(shuffleSeed: UInt64? = nil, bucketByLength: Bool = false, keepLast: Bool = true, padTo: Int? = nil) {
        self.shuffleSeed = shuffleSeed
        self.bucketByLength = bucketByLength
        self.keepLast = keepLast
        self.padTo = padTo
    }
}

/// The order of examples in batches: the one place a seed becomes a batch order, for training,
/// evaluation and the PyTorch export alike.
public enum BatchOrder {
    /// The example indices of each batch of `size` over `count` examples. A seed permutes the
    /// examples (SplitMix64 Fisher–Yates); bucketing sorts by `length(i)` inside windows of 50
    /// batches and then permutes the batches with the same stream.
    ///
    /// ```swift
    /// let groups = try BatchOrder.groups(count: 10, size: 4, options: BatchOptions(shuffleSeed: 1))
    /// // three groups of 4, 4 and 2 indices, a permutation of 0..<10
    /// ```
    public static func groups(count: Int, size: Int, options: BatchOptions = BatchOptions(),
                              length: (Int) -> Int = { _ in 0 }) throws -> [[Int]] {
        guard size > 0 else {
            throw DataError.invalidArgument(operation: "batches(\(size))", problem: "batch size must be positive")
        }
        var order = Array(0..<count)
        var rng = SplitMix64(seed: options.shuffleSeed ?? 0)
        if options.shuffleSeed != nil { order = rng.permutation(count).map { order[$0] } }
        if options.bucketByLength {
            let window = size * 50
            var bucketed: [Int] = []
            var start = 0
            while start < order.count {
                let chunk = order[start..<Swift.min(order.count, start + window)]
                bucketed += chunk.sorted { (length($0), $0) < (length($1), $1) }
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
        return groups
    }

    /// The padded batches of `count` examples: grouped by ``groups(count:size:options:length:)``
    /// (`length(i)` for bucketing), each group's rows padded to `options.padTo` or to its longest
    /// row (at least `minimumLength`) — the one batching loop of the row-per-example pipelines.
    ///
    /// ```swift
    /// let batches = try BatchOrder.batches(count: examples.count, size: 32, options: BatchOptions(shuffleSeed: 1),
    ///                                      padID: tok.padID) { BatchRow(ids: examples[$0].encoding.ids) }
    /// ```
    public static func batches(count: Int, size: Int, options: BatchOptions, padID: Int32, minimumLength: Int = 0,
                               length: (Int) -> Int = { _ in 0 }, row: (Int) -> BatchRow) throws -> [Batch] {
        try groups(count: count, size: size, options: options, length: length).map { indices in
            let rows = indices.map(row)
            return try Batch.padded(rows, length: options.padTo ?? Swift.max(minimumLength, rows.map(\.ids.count).max() ?? 0), padID: padID)
        }
    }
}
