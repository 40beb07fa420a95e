import CMCLCompare
import CMCLLang
import CMCLNN
import CMCLTensor
import Foundation

/// An ablation operator as a cmcl value: `cmpdrop(2, p: 0.1)`, `cmpcrop(1, ratio: 0.2)`.
public final class AblationValue: NativeObject {
    let ablation: Ablation
    init(_ ablation: Ablation) { self.ablation = ablation }
    public var typeName: String { "Ablation" }
    public func display(_ style: DisplayStyle) -> String { ablation.description }
}

/// A model seen through analysis ablations (masked neurons or heads, skipped layers, pruned
/// weights): shares every weight with the model.
public final class AblatedModelValue: NativeObject {
    let view: AblatedModel
    init(_ view: AblatedModel) { self.view = view }
    public var typeName: String { "AblatedModel" }
    public var isCallable: Bool { true }
    public func display(_ style: DisplayStyle) -> String { view.description }
    public func call(_ args: Arguments) throws -> Value? {
        guard args.rest.count == 1 else { throw CMCLError("an ablated model is called with one input") }
        if case .object(let t as TensorValue) = args.rest[0], !(view.model is TextModel) {
            return TensorBuiltins.wrap(try view(t.tensor))
        }
        let out = try view(try ModelBuiltins.nnBatch(args.rest[0]))
        return TensorBuiltins.wrap(out.logits)
    }
}

/// The comparative loss, its ablation operators, baselines and analysis ablations.
enum CompareBuiltins {
    static func register(into r: BuiltinRegistry) {
        r.category("compare", title: "Comparative loss and ablations")
        registerOperators(r)
        registerLosses(r)
        registerAnalysis(r)
    }

    static func ablations(_ v: Value) throws -> [Ablation] {
        switch v {
        case .object(let a as AblationValue): return [a.ablation]
        case .list(let l): return try l.items.flatMap(ablations)
        default: throw CMCLError("`ablate` takes cmpdrop(...) / cmpcrop(...) or a list of them, got \(Display.describe(v))")
        }
    }

    static func exampleLoss(_ v: Value) throws -> TaskLoss {
        guard case .object(let l as LossValue) = v, let task = l.task else {
            throw CMCLError("the task loss must be ce, mse_loss, span_ce or task_loss(), got \(Display.describe(v))",
                            hint: "comparative and R-Drop losses are built on a plain task loss", argument: .label("task"))
        }
        return task
    }

    static func registerOperators(_ r: BuiltinRegistry) {
        r.add("cmpdrop(steps, p: nil)", "compare",
              "Hidden-neuron ablation by nested dropout: variant k runs every dropout site at p_k = 1-(1-p)^k with nested masks (p: the model's own rates when nil).",
              example: "cmpdrop(2, p: 0.1)") { a in
            .object(AblationValue(.drop(try CmpDrop(steps: try a.int("steps"), rate: try a.optionalNumber("p")))))
        }
        r.add("cmpcrop(steps, ratio: 0.1, style: \"tokens\")", "compare",
              "Input-neuron ablation by nested cropping: each step removes a further `ratio` of the tokens (or one span; never the tokenizer's special tokens); what a step removed stays removed. On HotpotQA data, whole distractor paragraphs, each level re-encoded as the reference does.",
              example: "cmpcrop(1, ratio: 0.2)") { a in
            .object(AblationValue(.crop(try CmpCrop(steps: try a.int("steps"), ratio: try a.number("ratio"),
                                                    style: try a.choice("style", in: CmpCrop.styleNames, what: "crop style")))))
        }
        r.add("Ablation.variants(self, model)", "compare",
              "The nested variants of a model under a CmpDrop operator: level k and the dropout rate at every site.",
              example: "cmpdrop(2, p: 0.1).variants(net)") { a in
            let abl = try a.object("self", as: AblationValue.self, described: "an ablation")
            let m = try ModelBuiltins.model(a, "model")
            switch abl.ablation {
            case .drop(let d):
                return .list(try d.variants(m).map { v in
                    .record([("k", .number(Double(v.level))),
                             ("rates", .record(v.rates.sorted { $0.key < $1.key }.map { ($0.key, .number(($0.value * 1e12).rounded() / 1e12)) }))])
                })
            case .crop(let c):
                return .list((0...c.steps).map { k in
                    .record([("k", .number(Double(k))), ("kept", .number(pow(1 - c.ratio, Double(k))))])
                })
            }
        }
        r.add("nested_masks(p, steps, units: 10, seed: 0)", "compare",
              "The nested keep-masks of CmpDrop for one uniform draw of `units` units: row k keeps units with U ≥ p_k (for teaching).",
              example: "nested_masks(0.3, 3, units: 8)") { a in
            let n = try a.int("units", from: 1, to: 100_000), c = try a.int("steps", from: 0, to: 1000), p = try a.number("p")
            guard p >= 0, p < 1 else {
                throw CMCLError("dropout rate `p` must be at least 0 and below 1, got \(Display.number(p))", argument: .label("p"))
            }
            let u = try Tensor.uniform([n], generator: Generator(seed: UInt64(max(0, try a.int("seed")))))
            let rows = try (0...c).map { k -> Tensor in
                let pk = 1 - pow(1 - p, Double(k))
                return try u.ge(pk)
            }
            return TensorBuiltins.wrap(try Tensor.stack(rows, axis: 0))
        }
    }

    static func config(_ a: Arguments) throws -> ComparativeLossConfig {
        try ComparativeLossConfig(mode: try a.choice("mode", in: ComparativeLossConfig.modeNames, what: "mode"),
                                  target: try a.choice("target", in: ComparativeLossConfig.targetNames, what: "target"),
                                  ranking: try a.choice("ranking", in: ComparativeLossConfig.rankingNames, what: "ranking"),
                                  temperature: try a.number("temp"), weight: try a.number("weight"),
                                  primary: try a.choice("primary", in: ComparativeLossConfig.primaryNames, what: "primary"),
                                  schedule: try a.bool("schedule"))
    }

    static func registerLosses(_ r: BuiltinRegistry) {
        r.add("cmp(task, ablate, mode: \"comparative\", target: \"ultra\", ranking: \"pairwise\", temp: 1, weight: 1, primary: \"max\", schedule: false, batched: false)",
              "compare",
              "The cross-model comparative loss: a ranking loss over the task losses of the full model and its nested ablated variants (mode \"comparative\" or \"regularize\"); batched: true runs CmpDrop variants stacked along the batch in one pass (same losses, gradients equal up to float rounding).",
              example: "let loss = cmp(ce, ablate: cmpdrop(2, p: 0.1), target: \"ultra\")") { a in
            let config = try config(a)
            let operators = try ablations(try a.value("ablate"))
            var objective = try ComparativeObjective(ablations: operators, config: config,
                                                     taskLoss: try exampleLoss(try a.value("task")))
            objective.variantExecution = try a.bool("batched") ? .batched : .sequential
            let described = "cmp(\(operators.map(\.description).joined(separator: ", ")), \(try a.string("mode")))"
            // Batches of segmented data (multi-paragraph QA) carry their segments or re-encoded crops.
            return .object(LossValue(name: described, recipe: .comparative(objective), cropSteps: objective.crop?.steps,
                                     drop: objective.drop, function: objective.lossFunction))
        }
        r.add("cmp_loss(losses, mode: \"comparative\", target: \"ultra\", ranking: \"pairwise\", temp: 1, weight: 1, primary: \"max\", schedule: false)",
              "compare",
              "The comparative loss of a [batch, c+1] matrix of task losses (column 0 = full model), differentiable; see `cmp_report` for its parts.",
              example: "let l = tensor([[0.9, 0.7, 1.2]], requires_grad: true)\nbackward(cmp_loss(l))\nl.grad") { a in
            TensorBuiltins.wrap(try ComparativeLoss.loss(try TensorBuiltins.tensor(a, "losses"), config: try config(a)).value)
        }
        r.add("cmp_report(losses, data: nil, ablate: nil, mode: \"comparative\", target: \"ultra\", ranking: \"pairwise\", temp: 1, weight: 1, primary: \"max\", schedule: false, batch: 64, tokenizer: nil, max_len: 128, seed: 0)",
              "compare",
              "The parts of the comparative loss of a [batch, c+1] loss matrix, or of a trained model on data under an ablation (`cmp_report(m, dev, cmpdrop(2))`, its matrix from `variant_losses`): total, ranking and primary terms, per-example values, violations of the comparison principle, gradient.",
              example: "cmp_report(tensor([[0.9, 0.7, 1.2]]))") { a in
            let t: Tensor
            if case .object(let v) = try a.value("losses"), v is ModelValue {
                guard try a.optional("data") != nil, try a.optional("ablate") != nil else {
                    throw CMCLError("a model needs data and an ablation: cmp_report(m, dev, cmpdrop(2))", argument: .label("losses"))
                }
                t = try AblationCurve.lossMatrix(a, op: "cmp_report", model: "losses")
            } else {
                t = try TensorBuiltins.tensor(a, "losses")
            }
            let out = try ComparativeLoss.loss(t.detach(), config: try config(a))
            let r = out.result
            return .record([("loss", .number(r.loss)), ("ranking", .number(r.rankingTerm)), ("primary", .number(r.primaryTerm)),
                            ("per_example", .list(r.perExample.map { .number($0) })),
                            ("violations", .number(Double(r.violations))), ("pairs", .number(Double(r.pairsPerExample * r.rows))),
                            ("gradient", TensorBuiltins.wrap(try Tensor(doubles: r.gradient, shape: [r.rows, r.columns])))])
        }
        r.add("rdrop(task, alpha: 1, reduction: \"sum\")", "compare",
              "The R-Drop baseline: task loss on two dropout passes plus alpha × their symmetric KL divergence, summed over the batch as in the R-Drop code (or \"mean\").",
              example: "let loss = rdrop(ce, alpha: 0.25)") { a in
            let name = try a.string("reduction")
            guard let reduction = RDrop.Reduction(rawValue: name) else {
                throw CMCLError("unknown reduction \"\(name)\"", hint: "use \"sum\" or \"mean\"", argument: .label("reduction"))
            }
            let objective = try RDropObjective(alpha: try a.number("alpha"), reduction: reduction,
                                               taskLoss: try exampleLoss(try a.value("task")))
            return .object(LossValue(name: "rdrop(alpha: \(Display.number(try a.number("alpha"))), \(name))",
                                     recipe: .rdrop(objective), function: objective.lossFunction))
        }
        r.add("plain(task)", "compare", "The plain baseline: the task loss with ordinary dropout.",
              example: "let loss = plain(ce)") { a in
            .object(LossValue.task("plain", try exampleLoss(try a.value("task"))))
        }
    }

    static func registerAnalysis(_ r: BuiltinRegistry) {
        func view(_ a: Arguments) throws -> AblatedModel {
            let v = try a.value("model")
            if case .object(let m as ModelValue) = v { return AblatedModel(m.module) }
            if case .object(let m as AblatedModelValue) = v { return m.view }
            throw a.typeError("model", "a model", v)
        }
        func ints(_ v: Value, _ name: String) throws -> [Int] { try TensorBuiltins.shape([v], what: name) }
        r.add("mask_neurons(model, site, units)", "compare", "The model with the given units of a site zeroed (weights shared).",
              example: "mask_neurons(net, \"mlp.1\", [0, 1, 2])") { a in
            .object(AblatedModelValue(try view(a).maskNeurons(site: try a.string("site"), units: try ints(try a.value("units"), "unit"))))
        }
        r.add("mask_heads(model, layer, heads)", "compare", "The model with attention heads of a layer disabled (weights shared).",
              example: "mask_heads(net, 0, [1])") { a in
            .object(AblatedModelValue(try view(a).maskHeads(layer: try a.int("layer"), heads: try ints(try a.value("heads"), "head"))))
        }
        r.add("skip_layers(model, layers)", "compare", "The model with transformer layers replaced by the identity (weights shared).",
              example: "skip_layers(net, [1])") { a in
            .object(AblatedModelValue(try view(a).skipLayers(try ints(try a.value("layers"), "layer"))))
        }
        r.add("prune(model, ratio, scope: \"global\")", "compare",
              "Magnitude pruning: the smallest `ratio` of weights set to zero, as a view sharing the weights (\"global\" or \"layer\" scope).",
              example: "prune(net, 0.3)") { a in
            let scope = try a.choice("scope", in: AblatedModel.PruneScope.allCases.map { ($0.rawValue, $0) }, what: "scope")
            return .object(AblatedModelValue(try view(a).prune(ratio: try a.number("ratio"), scope: scope)))
        }
        r.add("ablation_curve(model, data, ablate, metric: \"accuracy\", batch: 64, tokenizer: nil, max_len: 128, seed: 0, precision: nil)", "compare",
              "The metric of every nested variant k = 0…c of a model under an ablation (no training): how fast performance falls as neurons are ablated.",
              example: "ablation_curve(net, dev, cmpdrop(4, p: 0.1))") { a in
            try AblationCurve.compute(a)
        }
        r.add("variant_losses(model, data, ablate, batch: 64, tokenizer: nil, max_len: 128, seed: 0)", "compare",
              "The task loss of every example (rows) under every nested variant k = 0…c (columns; 0 = full model) of a model under an ablation, without training: the matrix the comparative loss ranks.",
              example: "variant_losses(net, dev, cmpdrop(2))") { a in
            TensorBuiltins.wrap(try AblationCurve.lossMatrix(a))
        }
        r.add("violations(model, data, ablate, batch: 64, tokenizer: nil, max_len: 128, seed: 0)", "compare",
              "How often a more ablated CmpDrop variant has a lower task loss than a less ablated one on the data: violations of the comparison principle.",
              example: "violations(net, dev, cmpdrop(3, p: 0.2))") { a in
            try AblationCurve.violations(a)
        }
    }
}
