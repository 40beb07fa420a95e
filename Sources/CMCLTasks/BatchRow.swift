import CMCLData
import CMCLNN
import CMCLTensor

/// One example's row of a batch before padding: its tokens and whatever targets its task has.
/// Every pipeline lays its examples out as rows and pads them with ``CMCLNN/Batch/padded(_:length:padID:)``,
/// the one padding routine of cmcl.
public struct BatchRow: Sendable {
    /// Token ids.
    public var ids: [Int32]
    /// Segment ids (same length as `ids`).
    public var typeIDs: [Int32]
    /// 1 for real tokens (same length as `ids`).
    public var attentionMask: [Int32]
    /// The example's label (class index, score or none).
    public var label: Label = .none
    /// Answer start and end token positions (span tasks).
    public var span: (start: Int32, end: Int32)?
    /// 1 where an answer may start or end (span tasks with paragraph layouts).
    public var answerMask: [Float]?
    /// Removable segments (paragraphs) for segment crops.
    public var segments: [SegmentSpan]?

    /// A row; the attention mask defaults to all ones and the segment ids to all zeros.
    public init(ids: [Int32], typeIDs: [Int32]? = nil, attentionMask: [Int32]? = nil, label: Label = .none,
                span: (start: Int32, end: Int32)? = nil, answerMask: [Float]? = nil, segments: [SegmentSpan]? = nil) {
        self.ids = ids
        self.typeIDs = typeIDs ?? [Int32](repeating: 0, count: ids.count)
        self.attentionMask = attentionMask ?? [Int32](repeating: 1, count: ids.count)
        self.label = label
        self.span = span
        self.answerMask = answerMask
        self.segments = segments
    }
}

extension Batch {
    /// Rows padded (or cut) to `length` tokens: ids with `padID`, segment ids and attention mask
    /// with 0, answer masks with 0. Labels are class indices when any row has one (-1 for the
    /// others), else scores when any row has one (NaN for the others); span positions when any
    /// row has them (0 for the others).
    ///
    /// ```swift
    /// let b = try Batch.padded([BatchRow(ids: [101, 7, 102], label: .index(1)), BatchRow(ids: [101, 102], label: .index(0))],
    ///                          length: 3, padID: 0)      // ids [[101, 7, 102], [101, 102, 0]]
    /// ```
    public static func padded(_ rows: [BatchRow], length: Int, padID: Int32) throws -> Batch {
        var ids: [Int32] = [], types: [Int32] = [], mask: [Int32] = [], answer: [Float] = []
        let count = rows.count * length
        ids.reserveCapacity(count)
        types.reserveCapacity(count)
        mask.reserveCapacity(count)
        let hasAnswerMask = rows.contains { $0.answerMask != nil }
        for r in rows {
            let n = Swift.min(r.ids.count, length), pad = length - n
            ids.append(contentsOf: r.ids.prefix(n))
            types.append(contentsOf: r.typeIDs.prefix(n))
            mask.append(contentsOf: r.attentionMask.prefix(n))
            ids.append(contentsOf: repeatElement(padID, count: pad))
            types.append(contentsOf: repeatElement(0, count: pad))
            mask.append(contentsOf: repeatElement(0, count: pad))
            if hasAnswerMask {
                answer.append(contentsOf: (r.answerMask ?? [Float](repeating: 1, count: r.ids.count)).prefix(n))
                answer.append(contentsOf: repeatElement(0, count: pad))
            }
        }
        let shape = [rows.count, length], size = [rows.count]
        let labels: Tensor?
        if rows.contains(where: { $0.label.index != nil }) {
            labels = try Tensor(ints: rows.map { $0.label.index ?? -1 }, shape: size)
        } else if rows.contains(where: { $0.label.score != nil }) {
            labels = try Tensor(rows.map { $0.label.score ?? .nan }, shape: size)
        } else {
            labels = nil
        }
        let hasSpans = rows.contains { $0.span != nil }
        var batch = try Batch(ids: Tensor(ints: ids, shape: shape), attentionMask: Tensor(ints: mask, shape: shape),
                              tokenTypes: Tensor(ints: types, shape: shape), labels: labels,
                              startPositions: hasSpans ? Tensor(ints: rows.map { $0.span?.start ?? 0 }, shape: size) : nil,
                              endPositions: hasSpans ? Tensor(ints: rows.map { $0.span?.end ?? 0 }, shape: size) : nil)
        if hasAnswerMask { batch = try batch.withAnswerMask(Tensor(answer, shape: shape)) }
        if rows.contains(where: { $0.segments != nil }) { batch.segments = rows.map { $0.segments ?? [] } }
        return batch
    }
}
