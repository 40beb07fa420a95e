import CMCLCompare
import CMCLNN
import CMCLTensor
import Foundation

/// `ablation_curve` and `violations`: the variants k = 0…c of a model under one ablation
/// operator, for classification, regression and span heads.
enum AblationCurve {
    /// The batches of the data and, per batch, a function giving its variants' forward contexts
    /// and inputs.
    static func variants(_ a: Arguments, _ op: String, model parameter: String = "model") throws
        -> (model: TextModel, batches: [CMCLNN.Batch], ablation: Ablation, seed: UInt64) {
        let m = try ModelBuiltins.model(a, parameter)
        guard let model = m as? TextModel else { throw CMCLError("\(op) needs a text model") }
        let ablation = try CompareBuiltins.ablations(try a.value("ablate"))
        guard ablation.count == 1 else { throw CMCLError("\(op) takes one ablation operator") }
        var cropSteps = 0
        if case .crop(let c) = ablation[0] { cropSteps = c.steps }
        // Data that re-encodes its crops (HotpotQA) makes the levels itself, with the reference's
        // evaluation counts (6, 4, 2, 0 distractors kept).
        let batches = try ModelBuiltins.batches(try a.value("data"), size: try a.int("batch"), tokenizer: try ModelBuiltins.tokenizerArgument(a, model: parameter),
                                                maxLength: try a.tokenLength("max_len"), shuffleSeed: nil, cropSteps: cropSteps)
        return (model, batches, ablation[0], UInt64(max(0, try a.int("seed"))))
    }

    /// Runs every variant of every batch: `visit(level, batch, perExampleLosses, output)`.
    static func run(_ model: TextModel, _ batches: [CMCLNN.Batch], _ ablation: Ablation, seed: UInt64, precision: Precision = .fp32,
                    progress: (label: String, vm: Interpreter)? = nil,
                    _ visit: (Int, CMCLNN.Batch, [Double], ModelOutput) throws -> Void) throws {
        // A progress line as `fit` draws one (on a terminal), counted in batches.
        let display = progress.map { p in
            ProgressDisplay(output: p.vm.progressOutput ?? p.vm.errorOutput, terminal: p.vm.progressOutput != nil || p.vm.errorIsTerminal,
                            enabled: true, plainEvery: 0)
        }
        let start = Date()
        var done = 0
        defer { display?.endLine() }
        try VariantLosses.forEach(model: model, batches: batches, ablation: ablation, seed: seed, precision: precision) { k, b, losses, out in
            try visit(k, b, losses, out)
            if k == 0 {
                try Interrupt.check()
                done += 1
                display?.update(label: "\(progress?.label ?? "") \(ablation)  batch", done: done, total: batches.count, since: start)
            }
        }
    }

    /// `variant_losses(model, data, ablate)`: the [examples, c+1] task-loss matrix.
    static func lossMatrix(_ a: Arguments, op: String = "variant_losses", model parameter: String = "model") throws -> Tensor {
        let (model, batches, ablation, seed) = try variants(a, op, model: parameter)
        let rows = try VariantLosses.matrix(model: model, batches: batches, ablation: ablation, seed: seed)
        let columns = rows.first?.count ?? 0
        return try Tensor(doubles: rows.flatMap { $0 }, shape: [rows.count, columns])
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
        try run(model, batches, ablation, seed: seed, precision: try PrecisionArgument.resolve(a),
                progress: ("ablation_curve", a.interpreter)) { k, b, losses, out in
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
        try run(model, batches, ablation, seed: seed, progress: ("violations", a.interpreter)) { k, _, losses, _ in
            if k == 0 { flush() }
            current.append(losses)
        }
        flush()
        return .record([("rate", .number(Double(violated) / Double(max(1, pairs)))), ("violated", .number(Double(violated))),
                        ("pairs", .number(Double(pairs)))])
    }
}
