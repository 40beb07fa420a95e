import CMCLTensor
import CMCLBase

/// Where a trainer gets its batches: a count per epoch and a closure producing an epoch's
/// batches (shuffled with the run's generator for reproducibility).
///
/// ```swift
/// let source = BatchSource(batches, shuffle: true)
/// let custom = BatchSource(batchesPerEpoch: 10) { epoch, generator in try makeBatches(epoch, generator) }
/// ```
public struct BatchSource: @unchecked Sendable {
    /// Batches in one epoch.
    public let batchesPerEpoch: Int
    /// Produces the batches of an epoch.
    public let make: (_ epoch: Int, _ generator: Generator) throws -> [Batch]

    /// A source from a closure.
    public init(batchesPerEpoch: Int, make: @escaping (_ epoch: Int, _ generator: Generator) throws -> [Batch]) {
        self.batchesPerEpoch = batchesPerEpoch
        self.make = make
    }

    /// A source cycling over fixed batches, optionally in a fresh random order each epoch.
    public init(_ batches: [Batch], shuffle: Bool = true) {
        self.batchesPerEpoch = batches.count
        self.make = { _, generator in
            guard shuffle, batches.count > 1 else { return batches }
            var b = batches
            var g = generator
            g.fisherYatesShuffle(&b)
            return b
        }
    }
}

/// Tokenised examples in memory, batched with padding: a minimal dataset for tests and for
/// runtimes that convert their own data.
///
/// ```swift
/// let data = try ExampleSet(ids: [[5, 6, 7], [8, 9]], labels: [1, 0])
/// let source = data.source(batchSize: 32, shuffle: true)
/// ```
public struct ExampleSet: Sendable {
    /// Token ids per example.
    public var ids: [[Int32]]
    /// One label per example (class index or real target).
    public var labels: [Double]
    /// Whether labels are class indices (int32) or reals (float32).
    public var integerLabels: Bool
    /// Segment ids per example (optional, same lengths as `ids`).
    public var tokenTypes: [[Int32]]?
    /// The padding id.
    public var padId: Int32

    /// A dataset; `integerLabels` defaults to whether every label is a whole number.
    public init(ids: [[Int32]], labels: [Double], integerLabels: Bool? = nil, tokenTypes: [[Int32]]? = nil, padId: Int32 = 0) throws {
        guard ids.count == labels.count else {
            throw NNError.invalidInput(op: "examples", reason: "\(ids.count) id rows but \(labels.count) labels")
        }
        if let tt = tokenTypes {
            guard tt.count == ids.count, zip(tt, ids).allSatisfy({ $0.count == $1.count }) else {
                throw NNError.invalidInput(op: "examples", reason: "token types must match the ids row by row")
            }
        }
        self.ids = ids
        self.labels = labels
        self.integerLabels = integerLabels ?? labels.allSatisfy { $0.rounded() == $0 }
        self.tokenTypes = tokenTypes
        self.padId = padId
    }

    /// The number of examples.
    public var count: Int { ids.count }

    /// The batch of the examples at `indices`, padded to the longest (at least 1 token).
    public func batch(_ indices: [Int]) throws -> Batch {
        if let bad = indices.first(where: { $0 < 0 || $0 >= ids.count }) {
            throw NNError.invalidInput(op: "batch", reason: "example index \(bad) is outside 0..<\(ids.count)")
        }
        guard !indices.isEmpty else { throw NNError.invalidInput(op: "batch", reason: "a batch needs at least one example") }
        let t = Swift.max(1, indices.map { ids[$0].count }.max() ?? 1)
        var flat = [Int32](repeating: padId, count: indices.count * t)
        var mask = [Int32](repeating: 0, count: indices.count * t)
        var types = [Int32](repeating: 0, count: indices.count * t)
        for (r, i) in indices.enumerated() {
            for (c, v) in ids[i].enumerated() {
                flat[r * t + c] = v
                mask[r * t + c] = 1
                if let tt = tokenTypes { types[r * t + c] = tt[i][c] }
            }
        }
        let shape = [indices.count, t]
        let labelTensor = integerLabels
            ? try Tensor(ints: indices.map { Int32(exactly: labels[$0]) ?? -100 }, shape: [indices.count])
            : try Tensor(indices.map { Float(labels[$0]) }, shape: [indices.count])
        return try Batch(ids: Tensor(ints: flat, shape: shape), attentionMask: Tensor(ints: mask, shape: shape),
                         tokenTypes: tokenTypes == nil ? nil : Tensor(ints: types, shape: shape), labels: labelTensor)
    }

    /// All examples in order, in batches of `batchSize`.
    public func batches(size batchSize: Int) throws -> [Batch] {
        guard batchSize > 0 else { throw NNError.invalidInput(op: "batches", reason: "batch size must be positive, got \(batchSize)") }
        return try stride(from: 0, to: count, by: batchSize).map { try batch(Array($0..<Swift.min($0 + batchSize, count))) }
    }

    /// A batch source over these examples, reshuffled every epoch when `shuffle` is true.
    public func source(batchSize: Int, shuffle: Bool = true) throws -> BatchSource {
        guard batchSize > 0 else { throw NNError.invalidInput(op: "batches", reason: "batch size must be positive, got \(batchSize)") }
        let n = count
        let me = self
        return BatchSource(batchesPerEpoch: (n + batchSize - 1) / batchSize) { _, generator in
            var g = generator
            let order = shuffle ? g.permutation(n) : Array(0..<n)
            return try stride(from: 0, to: n, by: batchSize).map { try me.batch(Array(order[$0..<Swift.min($0 + batchSize, n)])) }
        }
    }
}
