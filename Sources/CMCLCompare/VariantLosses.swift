import CMCLNN
import CMCLTensor

/// The task losses of a trained model's nested variants k = 0…c under one ablation operator,
/// without training: the analysis behind `ablation_curve`, `violations` and `variant_losses`.
///
/// ```swift
/// let matrix = try VariantLosses.matrix(model: net, batches: dev, ablation: .drop(try CmpDrop(steps: 2)))
/// matrix[0]    // [l_0, l_1, l_2] of the first example
/// ```
public enum VariantLosses {
    /// Runs every variant of every batch without gradients, calling
    /// `visit(level, batch, perExampleLosses, output)` for each (level 0 is the full model).
    /// CmpDrop variants use training-mode contexts (their nested masks); CmpCrop variants run in
    /// evaluation mode on the cropped inputs (or a batch's precomputed crop levels).
    public static func forEach(model: TextModel, batches: [Batch], ablation: Ablation, seed: UInt64,
                               precision: Precision = .fp32,
                               _ visit: (Int, Batch, [Double], ModelOutput) throws -> Void) throws {
        let kind = try TaskLoss.automatic.resolved(for: model)
        let g = Generator(seed: seed)
        try Tensor.withNoGrad {
            for b in batches {
                switch ablation {
                case .drop(let d):
                    let step = d.makeStep(model: model, generator: g)
                    for k in 0...d.steps {
                        let ctx = step.context(level: k, base: ForwardContext(training: true, generator: g, precision: precision))
                        let out = try model(b, context: ctx)
                        try visit(k, b, try kind.compute(out, batch: b).combined().toDoubles(), out)
                    }
                case .crop(let c):
                    let levels: [Batch] = b.cropLevels.isEmpty ? try c.crops(b, generator: g) : [b] + b.cropLevels.prefix(c.steps)
                    for (k, cropped) in levels.enumerated() {
                        let out = try model(cropped, context: ForwardContext(training: false, precision: precision))
                        try visit(k, cropped, try kind.compute(out, batch: cropped).combined().toDoubles(), out)
                    }
                }
            }
        }
    }

    /// One row per example, one column per variant (column 0 = the full model): the loss matrix
    /// the comparative loss ranks, for `cmp_report` on a trained model.
    public static func matrix(model: TextModel, batches: [Batch], ablation: Ablation, seed: UInt64 = 0,
                              precision: Precision = .fp32) throws -> [[Double]] {
        var rows: [[Double]] = []
        var batchStart = 0
        try forEach(model: model, batches: batches, ablation: ablation, seed: seed, precision: precision) { k, _, losses, _ in
            if k == 0 {
                batchStart = rows.count
                rows += losses.map { [$0] }
            } else {
                for (i, l) in losses.enumerated() where batchStart + i < rows.count { rows[batchStart + i].append(l) }
            }
        }
        return rows
    }
}
