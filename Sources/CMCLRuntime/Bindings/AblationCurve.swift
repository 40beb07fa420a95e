import CMCLCompare
import CMCLNN
import CMCLTasks

/// `ablation_curve` and `violations`: arguments and spellings; the variants run in CMCLTasks'
/// `AblationAnalysis`.
enum AblationCurve {
    /// The analysis named by the arguments and the batches it runs on.
    static func analysis(_ a: Arguments, _ op: String) throws -> (analysis: AblationAnalysis, batches: [CMCLNN.Batch]) {
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
        return (AblationAnalysis(model: model, ablation: ablation[0], seed: UInt64(max(0, try a.int("seed")))), batches)
    }

    /// Engine errors of the analysis, worded for the builtin.
    static func rendering<T>(_ op: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch TaskError.needsAnswerPositions {
            throw CMCLError("\(op) needs answer positions for a span head")
        } catch TaskError.needsLabels {
            throw CMCLError("\(op) needs a classification, regression or span model and labelled data")
        }
    }

    static func compute(_ a: Arguments) throws -> Value {
        let metricName = try a.string("metric")
        guard let metric = AblationAnalysis.Metric(rawValue: metricName) else {
            throw CMCLError("ablation_curve measures \"accuracy\" or \"loss\"", argument: .label("metric"))
        }
        let (analysis, batches) = try analysis(a, "ablation_curve")
        if metric == .accuracy, case .regression = analysis.model.head {
            throw CMCLError("a regression head has no accuracy", hint: "use metric: \"loss\" (squared error)", argument: .label("metric"))
        }
        return .list(try rendering("ablation_curve") { try analysis.curve(batches, metric: metric) }.map { .number($0) })
    }

    /// `violations(model, data, ablate)`: how often, per example, a more ablated variant has a
    /// lower task loss than a less ablated one (pairs i < j with l_j < l_i), over all pairs.
    static func violations(_ a: Arguments) throws -> Value {
        let (analysis, batches) = try analysis(a, "violations")
        let v = try rendering("violations") { try analysis.violations(batches) }
        return .record([("rate", .number(v.rate)), ("violated", .number(Double(v.violated))), ("pairs", .number(Double(v.pairs)))])
    }
}
