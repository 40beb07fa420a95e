import CMCLCompare
import CMCLNN
import CMCLTensor

/// `ablation_curve`: evaluates the variants k = 0…c of a model under one ablation operator.
enum AblationCurve {
    static func compute(_ a: Arguments) throws -> Value {
        let m = try ModelBuiltins.model(a, "model")
        guard let model = m as? TextModel else { throw CMCLError("ablation_curve needs a text model") }
        let batches = try ModelBuiltins.batches(try a.value("data"), size: try a.int("batch"), tokenizer: try a.optional("tokenizer"),
                                                maxLength: try a.tokenLength("max_len"), shuffleSeed: nil)
        let ablation = try CompareBuiltins.ablations(try a.value("ablate"))
        guard ablation.count == 1 else { throw CMCLError("ablation_curve takes one ablation operator") }
        let metric = try a.string("metric")
        guard metric == "accuracy" || metric == "loss" else {
            throw CMCLError("ablation_curve measures \"accuracy\" or \"loss\"", argument: .label("metric"))
        }
        let seed = UInt64(max(0, try a.int("seed")))
        var curve: [Value] = []
        try Tensor.withNoGrad {
            switch ablation[0] {
            case .drop(let d):
                for k in 0...d.steps {
                    var correct = 0.0, total = 0.0, lossSum = 0.0
                    let g = Generator(seed: seed)
                    for b in batches {
                        let step = d.makeStep(model: model, generator: g)
                        let ctx = step.context(level: k, base: ForwardContext(training: true, generator: g))
                        let (c, n, l) = try score(model, b, ctx)
                        correct += c; total += n; lossSum += l
                    }
                    curve.append(.number(metric == "accuracy" ? correct / max(1, total) : lossSum / max(1, total)))
                }
            case .crop(let c):
                var sums = [(Double, Double, Double)](repeating: (0, 0, 0), count: c.steps + 1)
                let g = Generator(seed: seed)
                for b in batches {
                    for (k, cropped) in try c.crops(b, generator: g).enumerated() {
                        let (cc, n, l) = try score(model, cropped, ForwardContext(training: false))
                        sums[k].0 += cc; sums[k].1 += n; sums[k].2 += l
                    }
                }
                curve = sums.map { .number(metric == "accuracy" ? $0.0 / max(1, $0.1) : $0.2 / max(1, $0.1)) }
            }
        }
        return .list(curve)
    }

    /// `violations(model, data, ablate)`: how often, per example, a more ablated variant has a
    /// lower task loss than a less ablated one (pairs i < j with l_j < l_i), over all pairs.
    static func violations(_ a: Arguments) throws -> Value {
        let m = try ModelBuiltins.model(a, "model")
        guard let model = m as? TextModel else { throw CMCLError("violations needs a text model") }
        let batches = try ModelBuiltins.batches(try a.value("data"), size: try a.int("batch"), tokenizer: try a.optional("tokenizer"),
                                                maxLength: try a.tokenLength("max_len"), shuffleSeed: nil)
        let ablation = try CompareBuiltins.ablations(try a.value("ablate"))
        guard ablation.count == 1, case .drop(let d) = ablation[0] else {
            throw CMCLError("violations takes one cmpdrop(...) operator")
        }
        let g = Generator(seed: UInt64(max(0, try a.int("seed"))))
        var violated = 0, pairs = 0
        try Tensor.withNoGrad {
            for b in batches {
                guard let labels = b.labels else { throw CMCLError("violations needs labelled data") }
                let step = d.makeStep(model: model, generator: g)
                let losses = try (0...d.steps).map { k -> [Double] in
                    let ctx = step.context(level: k, base: ForwardContext(training: true, generator: g))
                    return try model(b, context: ctx).logits.crossEntropy(labels: labels.to(.int32), reduction: .none).toDoubles()
                }
                for row in 0..<b.size {
                    for i in 0..<d.steps { for j in (i + 1)...d.steps {
                        pairs += 1
                        if losses[j][row] < losses[i][row] { violated += 1 }
                    } }
                }
            }
        }
        return .record([("rate", .number(Double(violated) / Double(max(1, pairs)))), ("violated", .number(Double(violated))),
                        ("pairs", .number(Double(pairs)))])
    }

    /// Correct predictions, examples and summed loss of one batch.
    static func score(_ model: TextModel, _ b: CMCLNN.Batch, _ ctx: ForwardContext) throws -> (Double, Double, Double) {
        let logits = try model(b, context: ctx).logits
        guard let labels = b.labels, logits.rank == 2 else {
            throw CMCLError("ablation_curve needs a classification model and labelled data")
        }
        let pred = try logits.argmax(axis: 1).toInts(), gold = try labels.to(.int32).toInts()
        let correct = zip(pred, gold).filter { $0 == $1 }.count
        let loss = try logits.crossEntropy(labels: labels.to(.int32), reduction: .sum).item()
        return (Double(correct), Double(pred.count), loss)
    }
}
