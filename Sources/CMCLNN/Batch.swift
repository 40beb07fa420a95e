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
    /// Span tasks: 1 where an answer may start or end, 0 elsewhere (float `[batch, seq]`); a span
    /// model sets its logits to `-1e30` where it is 0, as the reference QA model does.
    public var answerMask: Tensor?
    /// Per row, its removable segments (paragraphs of multi-paragraph input) for segment crops.
    public var segments: [[SegmentSpan]]?
    /// The same rows at crop levels `1...c`, each re-encoded from the cropped source by the data
    /// pipeline (the reference's CmpCrop input); empty when the data made no crops.
    public var cropLevels: [Batch] = []
    /// Ids the tokenizer that made the batch reserves (`[CLS]`, `[SEP]`, `[PAD]` …): token crops
    /// never remove them.
    public var specialTokenIDs: Set<Int32> = []

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

    /// The batch with a span answer mask (float `[batch, seq]`).
    /// - Throws: `NNError` when the mask's shape differs from the ids'.
    public func withAnswerMask(_ mask: Tensor) throws -> Batch {
        guard mask.shape == ids.shape else {
            throw NNError.invalidInput(op: "batch", reason: "answer mask shape \(mask.shape) differs from ids shape \(ids.shape)")
        }
        var b = self
        b.answerMask = mask.dtype.isFloatingPoint ? mask : try mask.to(.float32)
        return b
    }

    /// Span logits `[batch, seq]` with positions outside ``answerMask`` set to `-1e30`
    /// (`x * m - 1e30 * (1 - m)`, the reference's `mask_where0`); unchanged without a mask.
    public func maskingSpanLogits(_ logits: Tensor) throws -> Tensor {
        guard let m = answerMask else { return logits }
        let mask = m.dtype == logits.dtype ? m : try m.to(logits.dtype)
        let off = try mask.mul(-1e30).add(1e30)
        return try logits.mul(mask).sub(off)
    }

    /// The number of rows.
    public var size: Int { ids.shape[0] }
    /// The padded sequence length.
    public var length: Int { ids.shape[1] }

    /// The same batch with other ids (and mask), keeping labels: how token cropping builds variants.
    public func replacing(ids newIds: Tensor, attentionMask newMask: Tensor?, tokenTypes newTypes: Tensor? = nil) throws -> Batch {
        var b = try Batch(ids: newIds, attentionMask: newMask, tokenTypes: newTypes ?? (tokenTypes?.shape == newIds.shape ? tokenTypes : nil),
                          labels: labels, startPositions: startPositions, endPositions: endPositions, groupSize: groupSize)
        if answerMask?.shape == newIds.shape { b.answerMask = answerMask }
        b.specialTokenIDs = specialTokenIDs
        return b
    }
}
