import CMCLCompare
import CMCLNN
import CMCLTensor

/// The variants k = 0…c of a text model under one ablation operator on evaluation batches:
/// the curve of a metric over k and the count of comparison-principle violations (a more
/// ablated variant with a strictly lower task loss than a less ablated one, per example; the
/// count of `RankingLoss.violations`). Classification, regression and span heads.
///
/// ```swift
/// let analysis = AblationAnalysis(model: net, ablation: .drop(try CmpDrop(steps: 2, rate: 0.1)), seed: 0)
/// let curve = try analysis.curve(dev, metric: .accuracy)     // [acc_0, acc_1, acc_2]
/// let v = try analysis.violations(dev)                       // v.rate, v.violated, v.pairs
/// ```
public struct AblationAnalysis {
    /// What a curve measures per variant.
    public enum Metric: String, Sendable, CaseIterable {
        /// Class argmax (or span start and end argmax) right.
        case accuracy
        /// Mean per-example task loss.
        case loss
    }

    /// Comparison-principle violations over all examples.
    public struct Violations: Sendable, Equatable {
        /// Pairs `i < j` of variants with `l_j < l_i`.
        public var violated: Int
        /// All pairs counted.
        public var pairs: Int
        /// `violated / pairs` (0 without pairs).
        public var rate: Double { Double(violated) / Double(Swift.max(1, pairs)) }
    }

    /// The model whose variants run.
    public let model: TextModel
    /// The operator making the variants.
    public let ablation: Ablation
    /// Seed of the variants' draws (dropout masks, crops).
    public let seed: UInt64
    /// The precision of the variants' matrix products.
    public let precision: Precision
    /// Called after the variants of each batch (e.g. a progress line, or a Ctrl-C check that throws).
    public var batchDone: (() throws -> Void)?

    /// An analysis of `model` under `ablation`.
    public init(model: TextModel, ablation: Ablation, seed: UInt64, precision: Precision = .fp32) {
        self.model = model
        self.ablation = ablation
        self.seed = seed
        self.precision = precision
    }

    /// The number of variants, c + 1.
    public var levels: Int {
        switch ablation {
        case .drop(let d): return d.steps + 1
        case .crop(let c): return c.steps + 1
        }
    }

    /// Runs every variant of every batch (CMCLCompare's `VariantLosses`):
    /// `visit(level, batch, perExampleLosses, output)`, then ``batchDone`` once per batch.
    public func run(_ batches: [Batch], _ visit: (Int, Batch, [Double], ModelOutput) throws -> Void) throws {
        try VariantLosses.forEach(model: model, batches: batches, ablation: ablation, seed: seed, precision: precision) { k, b, losses, out in
            try visit(k, b, losses, out)
            if k == 0 { try batchDone?() }
        }
    }

    /// `metric` of every variant k = 0…c over all batches. A regression head has no accuracy
    /// (``TaskError/noAccuracy``).
    public func curve(_ batches: [Batch], metric: Metric) throws -> [Double] {
        if metric == .accuracy, case .regression = model.head { throw TaskError.noAccuracy }
        var correct = [Double](repeating: 0, count: levels), total = correct, lossSum = correct
        try run(batches) { k, b, losses, out in
            lossSum[k] += losses.reduce(0, +)
            total[k] += Double(losses.count)
            if metric == .accuracy { correct[k] += try hits(b, out) }
        }
        return (0..<levels).map { metric == .accuracy ? correct[$0] / Swift.max(1, total[$0]) : lossSum[$0] / Swift.max(1, total[$0]) }
    }

    /// Correct predictions of one batch: class argmax, or start and end argmax both right.
    func hits(_ b: Batch, _ out: ModelOutput) throws -> Double {
        switch model.head {
        case .span:
            guard let s = b.startPositions, let e = b.endPositions, let sl = out.startLogits, let el = out.endLogits else {
                throw TaskError.needsAnswerPositions
            }
            let ps = try sl.argmax(axis: -1).toInts(), pe = try el.argmax(axis: -1).toInts()
            let gs = s.toInts(), ge = e.toInts()
            return Double((0..<b.size).filter { ps[$0] == gs[$0] && pe[$0] == ge[$0] }.count)
        default:
            guard let labels = b.labels, out.logits.rank == 2 else { throw TaskError.needsLabels }
            let pred = try out.logits.argmax(axis: 1).toInts(), gold = try labels.to(.int32).toInts()
            return Double(zip(pred, gold).filter { $0 == $1 }.count)
        }
    }

    /// Violations of the comparison principle over every example of `batches`.
    public func violations(_ batches: [Batch]) throws -> Violations {
        var result = Violations(violated: 0, pairs: 0)
        var current: [[Double]] = []
        func flush() {
            guard current.count > 1 else { current = []; return }
            for row in 0..<current[0].count {
                result.violated += RankingLoss.violations(current.map { $0[row] })
                result.pairs += current.count * (current.count - 1) / 2
            }
            current = []
        }
        try run(batches) { k, _, losses, _ in
            if k == 0 { flush() }
            current.append(losses)
        }
        flush()
        return result
    }
}
