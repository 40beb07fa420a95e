import CMCLTensor

/// A batch of tokenised examples as models consume it.
///
/// ```swift
/// let batch = try Batch(ids: Tensor(ints: [5, 7, 0, 9, 2, 4], shape: [2, 3]),
///                       attentionMask: Tensor(ints: [1, 1, 0, 1, 1, 1], shape: [2, 3]),
///                       labels: Tensor(ints: [1, 0], shape: [2]))
/// ```
public struct Batch: @unchecked Sendable {
    /// Token ids, `int32` `[batch, seq]`.
    public var ids: Tensor
    /// 1 for real tokens and 0 for padding, `[batch, seq]` (`int32` or float); nil means all real.
    public var attentionMask: Tensor?
    /// Segment ids, `int32` `[batch, seq]`; nil means all 0.
    public var tokenTypes: Tensor?
    /// Class labels (`int32` `[batch]`) or regression targets / relevance grades (float `[batch]`).
    public var labels: Tensor?
    /// Answer start token positions, `int32` `[batch]` (extractive span tasks).
    public var startPositions: Tensor?
    /// Answer end token positions, `int32` `[batch]` (extractive span tasks).
    public var endPositions: Tensor?
    /// For ranking: the number of consecutive rows that form one query's candidate list.
    public var groupSize: Int?

    /// A batch; checks that shapes and element types agree.
    public init(ids: Tensor, attentionMask: Tensor? = nil, tokenTypes: Tensor? = nil, labels: Tensor? = nil,
                startPositions: Tensor? = nil, endPositions: Tensor? = nil, groupSize: Int? = nil) throws {
        guard ids.rank == 2, ids.dtype == .int32 else {
            throw NNError.invalidInput(op: "batch", reason: "ids must be int32 [batch, seq], got \(ids.dtype) \(ids.shape)")
        }
        for (name, t) in [("attention mask", attentionMask), ("token types", tokenTypes)] {
            if let t, t.shape != ids.shape {
                throw NNError.invalidInput(op: "batch", reason: "\(name) shape \(t.shape) differs from ids shape \(ids.shape)")
            }
        }
        if let tokenTypes, tokenTypes.dtype != .int32 {
            throw NNError.invalidInput(op: "batch", reason: "token types must be int32, got \(tokenTypes.dtype)")
        }
        for (name, t) in [("labels", labels), ("start positions", startPositions), ("end positions", endPositions)] {
            if let t, t.shape != [ids.shape[0]] {
                throw NNError.invalidInput(op: "batch", reason: "\(name) shape \(t.shape) must be [\(ids.shape[0])]")
            }
        }
        for (name, t) in [("start positions", startPositions), ("end positions", endPositions)] {
            if let t, t.dtype != .int32 { throw NNError.invalidInput(op: "batch", reason: "\(name) must be int32, got \(t.dtype)") }
        }
        if let g = groupSize, g <= 0 || ids.shape[0] % g != 0 {
            throw NNError.invalidInput(op: "batch", reason: "group size \(g) must be positive and divide the batch size \(ids.shape[0])")
        }
        self.ids = ids
        self.attentionMask = attentionMask
        self.tokenTypes = tokenTypes
        self.labels = labels
        self.startPositions = startPositions
        self.endPositions = endPositions
        self.groupSize = groupSize
    }

    /// The number of rows.
    public var size: Int { ids.shape[0] }
    /// The padded sequence length.
    public var length: Int { ids.shape[1] }

    /// The same batch with other ids (and mask), keeping labels: how token cropping builds variants.
    public func replacing(ids newIds: Tensor, attentionMask newMask: Tensor?, tokenTypes newTypes: Tensor? = nil) throws -> Batch {
        try Batch(ids: newIds, attentionMask: newMask, tokenTypes: newTypes ?? (tokenTypes?.shape == newIds.shape ? tokenTypes : nil),
                  labels: labels, startPositions: startPositions, endPositions: endPositions, groupSize: groupSize)
    }
}
