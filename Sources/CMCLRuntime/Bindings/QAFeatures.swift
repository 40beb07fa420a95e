import CMCLCompare
import CMCLData
import CMCLNN
import CMCLTensor
import Foundation
import CMCLBase

/// A multi-paragraph question-answering input ready for a span model: `[CLS] question [SEP]
/// paragraphs… [SEP]`, the answer's token positions, and one segment per paragraph (gold
/// paragraphs must be kept by input cropping).
struct QAFeature: Sendable {
    var ids: [Int32]
    var start: Int32
    var end: Int32
    var segments: [SegmentSpan]
}

enum QAFeatures {
    /// Encodes synthetic multi-paragraph QA with a word tokenizer, truncating at `maxLength`.
    static func encode(_ data: Dataset<SyntheticQAExample>, tokenizer: any TextTokenizer, maxLength: Int) -> Dataset<QAFeature> {
        data.map { e in
            let flat = e.flattened(separator: "[SEP]")
            var ids: [Int32] = [tokenizer.clsID]
            for t in flat.tokens {
                ids.append(t == "[SEP]" ? tokenizer.sepID : (tokenizer.vocabulary[t] ?? tokenizer.unknownID))
            }
            ids.append(tokenizer.sepID)
            let limit = max(3, maxLength)
            if ids.count > limit { ids = Array(ids.prefix(limit - 1)) + [tokenizer.sepID] }
            let last = ids.count - 1
            var start = Int32(flat.answerStart + 1), end = Int32(flat.answerEnd + 1)
            if Int(end) >= last { start = 0; end = 0 }  // answer cut off: point at [CLS]
            let segments = flat.segments.compactMap { s -> SegmentSpan? in
                let lo = s.tokens.lowerBound + 1, hi = min(s.tokens.upperBound + 1, last)
                guard lo < hi else { return nil }
                return SegmentSpan(title: s.title, tokens: lo..<hi, mustKeep: s.mustKeep)
            }
            return QAFeature(ids: ids, start: start, end: end, segments: segments)
        }
    }

    static func record(_ f: QAFeature) -> Value {
        .record([("ids", ExampleRecords.ints(f.ids)), ("start", .number(Double(f.start))), ("end", .number(Double(f.end))),
                 ("segments", .list(f.segments.map {
                     .record([("title", .string($0.title)), ("from", .number(Double($0.tokens.lowerBound))),
                              ("to", .number(Double($0.tokens.upperBound))), ("keep", .bool($0.mustKeep))])
                 }))])
    }

    /// Padded batches carrying their rows' segments for segment-aware input cropping.
    static func batches(_ data: Dataset<QAFeature>, size: Int, padID: Int32, shuffleSeed: UInt64?) throws -> [CMCLNN.Batch] {
        var order = Array(0..<data.count)
        if let seed = shuffleSeed {
            var rng = SplitMix64(seed: seed)
            rng.fisherYatesShuffle(&order)
        }
        var out: [CMCLNN.Batch] = []
        for chunkStart in stride(from: 0, to: order.count, by: size) {
            let rows = order[chunkStart..<min(chunkStart + size, order.count)].map { data[$0] }
            let length = rows.map(\.ids.count).max() ?? 1
            var ids: [Int32] = [], mask: [Int32] = []
            for r in rows {
                ids += r.ids + Array(repeating: padID, count: length - r.ids.count)
                mask += Array(repeating: 1, count: r.ids.count) + Array(repeating: 0, count: length - r.ids.count)
            }
            let shape = [rows.count, length]
            var batch = try CMCLNN.Batch(ids: try Tensor(ints: ids, shape: shape), attentionMask: try Tensor(ints: mask, shape: shape),
                                         tokenTypes: try Tensor.zeros(shape, dtype: .int32),
                                         startPositions: try Tensor(ints: rows.map(\.start), shape: [rows.count]),
                                         endPositions: try Tensor(ints: rows.map(\.end), shape: [rows.count]))
            batch.segments = rows.map(\.segments)
            out.append(batch)
        }
        return out
    }
}
