import CMCLCompare
import CMCLNN
import CMCLTensor

/// `ablation_curve` and `violations`: the variants k = 0…c of a model under one ablation
/// operator, for classification, regression and span heads.
enum AblationCurve {
    /// The batches of the data and, per batch, a function giving its variants' forward contexts
    /// and inputs.
    static func variants(_ a: Arguments, _ op: String) throws -> (model: TextModel, batches: [CMCLNN.Batch], ablation: Ablation, seed: UInt64) {
        let m = try ModelBuiltins.model(a, "model")
        guard let model = m as? TextModel else { throw CMCLError("\(op) needs a text model") }
        let ablation = try CompareBuiltins.ablations(try a.value("ablate"))
        guard ablation.count == 1 else { throw CMCLError("\(op) takes one ablation operator") }
        var cropSteps = 0
        if case .crop(let c) = ablation[0] { cropSteps = c.steps }
        // Data that re-encodes its crops (HotpotQA) makes the levels itself, with the reference's
        // evaluation counts (6, 4, 2, 0 distractors kept).
        let batches = try ModelBuiltins.batches(try a.value("data"), size: try a.int("batch"), tokenizer: try a.optional("tokenizer"),
                                                maxLength: try a.tokenLength("max_len"), shuffleSeed: nil, cropSteps: cropSteps)
        return (model, batches, ablation[0], UInt64(max(0, try a.int("seed"))))
    }

    /// Runs every variant of every batch: `visit(level, batch, perExampleLosses, output)`.
    static func run(_ model: TextModel, _ batches: [CMCLNN.Batch], _ ablation: Ablation, seed: UInt64, precision: Precision = .fp32,
                    _ visit: (Int, CMCLNN.Batch, [Double], ModelOutput) throws -> Void) throws {
        let kind = try ExampleLoss.automatic.resolved(for: model)
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
                    let levels: [CMCLNN.Batch]
                    if !b.cropLevels.isEmpty {
                        levels = [b] + b.cropLevels.prefix(c.steps)
                    } else {
                        levels = try c.crops(b, generator: g)
                    }
                    for (k, cropped) in levels.enumerated() {
                        let out = try model(cropped, context: ForwardContext(training: false, precision: precision))
                        try visit(k, cropped, try kind.compute(out, batch: cropped).combined().toDoubles(), out)
                    }
                }
            }
        }
    }

    static func compute(_ a: Arguments) throws -> Value {
        let (model, batches, ablation, seed) = try variants(a, "ablation_curve")
        let metric = try a.string("metric")
        guard metric == "accuracy" || metric == "loss" else {
            throw CMCLError("ablation_curve measures \"accuracy\" or \"loss\"", argument: .label("metric"))
        }
        if metric == "accuracy", case .regression = model.head {
            throw CMCLError("a regression head has no accuracy", hint: "use metric: \"loss\" (squared error)", argument: .label("metric"))
        }
        let levels: Int
        switch ablation {
        case .drop(let d): levels = d.steps + 1
        case .crop(let c): levels = c.steps + 1
        }
        var correct = [Double](repeating: 0, count: levels), total = correct, lossSum = correct
        try run(model, batches, ablation, seed: seed, precision: try PrecisionArgument.resolve(a)) { k, b, losses, out in
            lossSum[k] += losses.reduce(0, +)
            total[k] += Double(losses.count)
            if metric == "accuracy" { correct[k] += try hits(model, b, out) }
        }
        return .list((0..<levels).map { .number(metric == "accuracy" ? correct[$0] / max(1, total[$0]) : lossSum[$0] / max(1, total[$0])) })
    }

    /// Correct predictions of one batch: class argmax, or start and end argmax both right.
    static func hits(_ model: TextModel, _ b: CMCLNN.Batch, _ out: ModelOutput) throws -> Double {
        switch model.head {
        case .span:
            guard let s = b.startPositions, let e = b.endPositions, let sl = out.startLogits, let el = out.endLogits else {
                throw CMCLError("ablation_curve needs answer positions for a span head")
            }
            let ps = try sl.argmax(axis: -1).toInts(), pe = try el.argmax(axis: -1).toInts()
            let gs = s.toInts(), ge = e.toInts()
            return Double((0..<b.size).filter { ps[$0] == gs[$0] && pe[$0] == ge[$0] }.count)
        default:
            guard let labels = b.labels, out.logits.rank == 2 else {
                throw CMCLError("ablation_curve needs a classification, regression or span model and labelled data")
            }
            let pred = try out.logits.argmax(axis: 1).toInts(), gold = try labels.to(.int32).toInts()
            return Double(zip(pred, gold).filter { $0 == $1 }.count)
        }
    }

    /// `violations(model, data, ablate)`: how often, per example, a more ablated variant has a
    /// lower task loss than a less ablated one (pairs i < j with l_j < l_i), over all pairs.
    static func violations(_ a: Arguments) throws -> Value {
        let (model, batches, ablation, seed) = try variants(a, "violations")
        var violated = 0, pairs = 0
        var current: [[Double]] = []
        func flush() {
            guard current.count > 1 else { current = []; return }
            for row in 0..<current[0].count {
                for i in 0..<(current.count - 1) { for j in (i + 1)..<current.count {
                    pairs += 1
                    if current[j][row] < current[i][row] { violated += 1 }
                } }
            }
            current = []
        }
        try run(model, batches, ablation, seed: seed) { k, _, losses, _ in
            if k == 0 { flush() }
            current.append(losses)
        }
        flush()
        return .record([("rate", .number(Double(violated) / Double(max(1, pairs)))), ("violated", .number(Double(violated))),
                        ("pairs", .number(Double(pairs)))])
    }
}
