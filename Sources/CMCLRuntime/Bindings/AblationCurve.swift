import CMCLCompare
import CMCLNN
import CMCLTasks
import CMCLTensor
import Foundation

/// `ablation_curve`, `violations` and `variant_losses`: arguments, spellings, the progress line
/// and error wording; the variants run in the engine (CMCLTasks' `AblationAnalysis`, CMCLCompare's
/// `VariantLosses`).
enum AblationCurve {
    /// The model, batches, operator and seed named by the arguments.
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

    /// The analysis of the arguments' model, with a progress line as `fit` draws one (on a
    /// terminal), counted in batches, and Ctrl-C checked after each batch.
    static func analysis(_ a: Arguments, _ op: String, precision: Precision = .fp32) throws
        -> (analysis: AblationAnalysis, batches: [CMCLNN.Batch], display: ProgressDisplay) {
        let (model, batches, ablation, seed) = try variants(a, op)
        let vm = a.interpreter
        let display = ProgressDisplay(output: vm.progressOutput ?? vm.errorOutput, terminal: vm.progressOutput != nil || vm.errorIsTerminal,
                                      enabled: true, every: vm.progressEvery)
        var analysis = AblationAnalysis(model: model, ablation: ablation, seed: seed, precision: precision)
        let start = Date()
        var done = 0
        analysis.batchDone = {
            try Interrupt.check()
            done += 1
            display.update(label: "\(op) \(ablation)  batch", done: done, total: batches.count, since: start)
        }
        return (analysis, batches, display)
    }

    /// Engine errors of the analysis, worded for the builtin.
    static func rendering<T>(_ op: String, _ display: ProgressDisplay, _ body: () throws -> T) throws -> T {
        defer { display.endLine() }
        do {
            return try body()
        } catch TaskError.needsAnswerPositions {
            throw CMCLError("\(op) needs answer positions for a span head")
        } catch TaskError.needsLabels {
            throw CMCLError("\(op) needs a classification, regression or span model and labelled data")
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
        let metricName = try a.string("metric")
        guard let metric = AblationAnalysis.Metric(rawValue: metricName) else {
            throw CMCLError("ablation_curve measures \"accuracy\" or \"loss\"", argument: .label("metric"))
        }
        let (analysis, batches, display) = try analysis(a, "ablation_curve", precision: try PrecisionArgument.resolve(a))
        if metric == .accuracy, case .regression = analysis.model.head {
            throw CMCLError("a regression head has no accuracy", hint: "use metric: \"loss\" (squared error)", argument: .label("metric"))
        }
        return .list(try rendering("ablation_curve", display) { try analysis.curve(batches, metric: metric) }.map { .number($0) })
    }

    /// `violations(model, data, ablate)`: how often, per example, a more ablated variant has a
    /// lower task loss than a less ablated one (pairs i < j with l_j < l_i), over all pairs.
    static func violations(_ a: Arguments) throws -> Value {
        let (analysis, batches, display) = try analysis(a, "violations")
        let v = try rendering("violations", display) { try analysis.violations(batches) }
        return .record([("rate", .number(v.rate)), ("violated", .number(Double(v.violated))), ("pairs", .number(Double(v.pairs)))])
    }
}
