import CMCLNN
import CMCLTensor

/// How a comparative step runs the forward passes of its variants.
public enum VariantExecution: String, Sendable, Hashable, CaseIterable {
    /// One forward pass per variant, as the reference code does.
    case sequential
    /// The `c + 1` variants stacked along the batch in ONE forward pass: the rows of variant `k`
    /// are rows `k·B ..< (k+1)·B`, the full model's rows get multiplier 1 at every dropout site,
    /// the others their nested masks. The masks are drawn from the step's generator in the same
    /// order as the sequential passes draw them, so losses equal the sequential ones and a seeded
    /// run draws the same masks; gradients differ only by the order of float additions (sums over
    /// rows of the stacked batch instead of one sum per variant). Used for CmpDrop-only objectives
    /// on text models whose rows are computed independently
    /// (``CMCLNN/TextModel/rowsAreIndependent``); anything else runs sequentially. Measured on a
    /// 2-core AVX-512 CPU at BERT-tiny and MiniLM-L6 shapes it is not faster than `sequential`
    /// and holds more memory at its peak (docs/performance.md).
    case batched
}

extension ComparativeObjective {
    /// Whether one comparative step of `model` on `batch` can stack its variants along the batch.
    func canStackVariants(model: TextModel, batch: Batch, context: ForwardContext) -> Bool {
        variantExecution == .batched && crop == nil && drop != nil && model.rowsAreIndependent
            && batch.cropLevels.isEmpty && !context.hasAblation
    }

    /// The per-example losses of every variant from one stacked forward pass (see
    /// ``VariantExecution/batched``), in the order of ``schedule``.
    func stackedVariantLosses(batch: Batch, dropout: NestedDropoutStep, context: ForwardContext,
                              forward: (Batch, ForwardContext) throws -> PerExampleLoss) throws -> (values: [Tensor], ends: [Tensor]) {
        let levels = schedule.variants.map(\.dropLevel)
        let rows = batch.size
        let stacked = try batch.repeatedRows(levels.count)
        let ctx = context.derived()
        ctx.dropoutEnabled = true
        ctx.dropoutOverride = { site, shape, configured in
            try dropout.stackedMultiplier(site: site, shape: shape, levels: levels, rows: rows, fallbackRate: Double(configured))
        }
        let losses = try forward(stacked, ctx)
        func split(_ t: Tensor) throws -> [Tensor] {
            guard t.shape == [rows * levels.count] else {
                throw CompareError.invalidInput(operation: "comparative objective", reason: "a stacked pass returned losses of shape \(t.shape), expected [\(rows * levels.count)]")
            }
            return try (0..<levels.count).map { try t.slice(axis: 0, start: $0 * rows, end: ($0 + 1) * rows) }
        }
        return (try split(losses.values), try losses.end.map(split) ?? [])
    }
}

extension NestedDropoutStep {
    /// The multiplier of `site` for a stacked input of `shape` (`levels.count` blocks of `rows`
    /// rows along axis 0): block `i` holds the multiplier of level `levels[i]` (all ones at level 0,
    /// where the full model runs without dropout). Each level's multiplier is the one
    /// ``multiplier(site:shape:level:fallbackRate:)`` gives for one block, drawn the same way.
    /// - Throws: `CompareError` when the input does not lead with the stacked rows.
    public func stackedMultiplier(site: String, shape: [Int], levels: [Int], rows: Int, fallbackRate: Double = 0) throws -> Tensor {
        guard let first = shape.first, first == rows * levels.count else {
            throw CompareError.invalidInput(operation: "cmpdrop", reason: "dropout site \(site) got an input of shape \(shape), which does not lead with the \(levels.count) × \(rows) stacked rows")
        }
        let block = [rows] + shape.dropFirst()
        var parts = [Tensor]()
        for level in levels {
            parts.append(level == 0 ? try Tensor.ones(block) : try multiplier(site: site, shape: block, level: level, fallbackRate: fallbackRate))
        }
        return try Tensor.concat(parts, axis: 0)
    }
}

extension Batch {
    /// The batch's rows repeated `times` times along the batch axis (every per-row field
    /// concatenated; the group size and special ids kept; segments and crop levels dropped).
    func repeatedRows(_ times: Int) throws -> Batch {
        func rep(_ t: Tensor?) throws -> Tensor? {
            guard let t else { return nil }
            return try Tensor.concat(Array(repeating: t, count: times), axis: 0)
        }
        var b = try Batch(ids: Tensor.concat(Array(repeating: ids, count: times), axis: 0),
                          attentionMask: rep(attentionMask), tokenTypes: rep(tokenTypes), labels: rep(labels),
                          startPositions: rep(startPositions), endPositions: rep(endPositions), groupSize: groupSize)
        b.answerMask = try rep(answerMask)
        b.specialTokenIDs = specialTokenIDs
        return b
    }
}
