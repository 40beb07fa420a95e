import CMCLCompare
import CMCLData
import CMCLNN
import CMCLTasks
import CMCLTensor
import Foundation

/// `export_torch(...)`: the experiment `fit` would run, written as a PyTorch project (train.py
/// for torchrun/DDP, the model, the tokenized data with cmcl's batch order, the settings).
enum TorchExport {
    static func register(into r: BuiltinRegistry) {
        r.add("export_torch(model, data, dir, loss: nil, optimizer: nil, schedule: nil, epochs: nil, steps: nil, batch: 32, eval: nil, every: nil, keep_best: nil, metrics: [], seed: 0, tokenizer: nil, max_len: 128, clip: 1.0, dropout: true, name: \"pytorch\", force: false)",
              "train",
              "Writes the run `fit` would do (same arguments) as a PyTorch project in `dir`: train.py for `torchrun --nproc_per_node=N train.py`, the model, the data, the settings; `name` names its line in the run log. `dir` is written as a unit (afterwards it holds exactly the project); a non-empty directory this session did not write is replaced only with `force: true`.",
              example: "export_torch(net, train, \"scaled\", loss: cmp(ce, ablate: cmpdrop(2)), epochs: 3, eval: dev, keep_best: \"accuracy\")") { a in
            try export(a)
        }
    }

    static func export(_ a: Arguments) throws -> Value {
        let modelValue = try a.object("model", as: ModelValue.self, described: "a model")
        let module = modelValue.module
        guard let model = module as? Transformer else {
            throw CMCLError("a \(module.typeName) model cannot be exported to PyTorch",
                            hint: "export_torch writes a Hugging Face BERT model; build it with transformer(...)",
                            argument: .label("model"))
        }
        let head: String
        switch model.head {
        case .classification: head = "classification"
        case .regression: head = "regression"
        case .span, .ranking:
            throw CMCLError("a transformer with a \(model.head) head cannot be exported yet",
                            hint: "classification and regression heads can", argument: .label("model"))
        }
        var objective = try objectiveSpec(try a.optional("loss"), model: model)
        let optimizer = try optimizerSpec(try a.optional("optimizer"))
        let batchSize = try a.int("batch")
        guard batchSize > 0 else { throw CMCLError("batch size must be positive", argument: .label("batch")) }
        let seed = UInt64(max(0, try a.int("seed")))
        let tokenizer = try a.optional("tokenizer")
        let maxLength = try a.tokenLength("max_len")

        let train = try examples(try a.value("data"), tokenizer: tokenizer, maxLength: maxLength, argument: "data")
        guard train.examples.count > 0 else { throw CMCLError("the training data is empty", argument: .label("data")) }
        let dev = try a.optional("eval").map { try examples($0, tokenizer: tokenizer, maxLength: maxLength, argument: "eval") }
        if var crop = objective["crop"] as? [String: Any], let ids = crop["protected_ids"] as? [Int] {
            // Crops keep the tokenizer's special tokens too (the batches carry them in cmcl).
            crop["protected_ids"] = Set(ids).union(train.specialTokenIDs.map(Int.init)).sorted()
            objective["crop"] = crop
        }

        // The plan Trainer.fit runs: steps per epoch, epochs and total steps.
        let epochsArg = try a.optionalInt("epochs"), stepsArg = try a.optionalInt("steps")
        if let e = epochsArg, e <= 0 { throw CMCLError("epochs must be positive", argument: .label("epochs")) }
        if let s = stepsArg, s <= 0 { throw CMCLError("steps must be positive", argument: .label("steps")) }
        let plan = TrainingPlan(batchesPerEpoch: TrainingPlan.batches(examples: train.examples.count, batchSize: batchSize),
                                epochs: epochsArg, steps: stepsArg)
        let total = plan.totalSteps, epochs = plan.epochs
        let schedule = try scheduleSpec(try a.optional("schedule"), total: total)
        let keepBest = try a.optionalString("keep_best")
        if keepBest != nil && dev == nil {
            throw CMCLError("keep_best needs evaluation data", argument: .label("keep_best"))
        }
        let metrics = try a.list("metrics").map { v -> String in
            guard case .string(let s) = v else { throw CMCLError("metrics are names like \"accuracy\"", argument: .label("metrics")) }
            return s
        }
        let available = TaskMetrics.defaults(for: model.head)
        for m in metrics + (keepBest.map { [$0] } ?? []) where !available.contains(m.lowercased()) {
            throw CMCLError("unknown metric \"\(m)\"", hint: "the \(head) head has \(available.joined(separator: ", "))",
                            argument: .label(metrics.contains(m) ? "metrics" : "keep_best"))
        }
        let clip = try a.optionalNumber("clip")
        if let c = clip, !(c > 0 && c.isFinite) { throw CMCLError("clip must be positive", argument: .label("clip")) }
        let every = try a.optionalInt("every")
        if let n = every, n <= 0 { throw CMCLError("every must be positive", argument: .label("every")) }

        var order = [[Int]]()
        let trainPipeline = EncodedPipeline(examples: train.examples, padID: train.padID)
        for epoch in 0..<epochs {
            let groups = try trainPipeline.groups(size: batchSize, options: BatchOptions(shuffleSeed: BatchSource.epochSeed(seed, epoch)))
            order.append(groups.flatMap { $0 })
        }

        var training: [String: Any] = [
            "batch": batchSize, "epochs": epochs, "total_steps": total, "seed": Int(seed),
            "eval_batch": max(batchSize, 64), "metrics": metrics.map { $0.lowercased() },
        ]
        training["clip"] = clip ?? NSNull()
        training["every"] = every ?? NSNull()
        training["keep_best"] = keepBest ?? NSNull()
        training["higher_is_better"] = keepBest.flatMap(TaskMetrics.direction).map { $0.prefersHigher as Any } ?? NSNull()
        training["dropout"] = try a.bool("dropout")
        let headNames = Set(model.huggingFaceState().keys)
        let noDecay = model.parameters().filter { !$0.decays }.map {
            headNames.contains($0.name) ? $0.name : model.huggingFacePrefix + $0.name   // the encoder is under `bert.`, …
        }
        var modelSpec: [String: Any] = ["dir": "model", "head": head, "no_decay": noDecay]
        if case let .classification(c) = model.head { modelSpec["classes"] = c }
        var data: [String: Any] = ["train": "data/train.jsonl", "order": "data/order.json", "pad_id": Int(train.padID)]
        data["eval"] = dev == nil ? NSNull() : "data/eval.jsonl"
        let experiment: [String: Any] = [
            "format": "cmcl-torch-export", "version": 1, "name": try a.string("name"), "model": modelSpec, "data": data, "objective": objective,
            "optimizer": optimizer, "schedule": schedule, "training": training, "reference": "reference.json",
        ]

        let dir = try a.string("dir")
        let reference = try reference(model, train)
        try FileOutput.directory(dir, argument: "dir", a) { temp in
            try TorchProject(directory: URL(fileURLWithPath: temp))
                .write(experiment: experiment, model: model, tokenizer: modelValue.tokenizer, train: train.examples,
                       eval: dev?.examples, order: order, reference: reference)
        }
        let directory = URL(fileURLWithPath: dir)
        return .record([("dir", .string(directory.path)), ("steps", .number(Double(total))),
                        ("epochs", .number(Double(epochs))),
                        ("command", .string("torchrun --nproc_per_node=N \(directory.path)/train.py"))])
    }

    /// The tokenized examples of a dataset argument.
    static func examples(_ v: Value, tokenizer: Value?, maxLength: Int, argument: String)
        throws -> (examples: Dataset<EncodedExample>, padID: Int32, specialTokenIDs: Set<Int32>) {
        if case .list = v {
            throw CMCLError("a list of batches cannot be exported", hint: "pass the dataset itself", argument: .label(argument))
        }
        let pipeline = try ModelBuiltins.pipeline(v, tokenizer: tokenizer, maxLength: maxLength)
        guard let encoded = pipeline.encoded else {
            throw CMCLError("question-answering data cannot be exported yet", argument: .label(argument))
        }
        return (encoded.examples, encoded.padID, pipeline.specialTokenIDs)
    }

    /// The objective section of experiment.json; what train.py cannot reproduce is an error.
    static func objectiveSpec(_ v: Value?, model: Transformer) throws -> [String: Any] {
        guard let v else { return ["kind": "plain", "task": try taskName(.automatic, model: model)] }
        guard case .object(let loss as LossValue) = v else {
            throw CMCLError("\(Display.describe(v)) cannot be exported as a loss",
                            hint: "train.py reproduces task losses (ce, task_loss()), plain(...), rdrop(...) and cmp(...)",
                            argument: .label("loss"))
        }
        guard let recipe = loss.recipe else {
            throw CMCLError("the loss \(loss.name) cannot be exported", argument: .label("loss"))
        }
        switch recipe {
        case .plain(let task):
            return ["kind": "plain", "task": try taskName(task, model: model)]
        case .rdrop(let r):
            return ["kind": "rdrop", "task": try taskName(r.taskLoss, model: model), "alpha": r.alpha,
                    "reduction": r.reduction.rawValue]
        case .comparative(let c):
            var spec: [String: Any] = [
                "kind": "cmp", "task": try taskName(c.taskLoss, model: model), "mode": c.config.mode.rawValue,
                "target": c.config.target.rawValue, "ranking": c.config.ranking.rawValue,
                "temperature": c.config.temperature, "weight": c.config.weight,
                "primary": c.config.primary.rawValue, "cr_schedule": c.config.schedule,
            ]
            spec["drop"] = c.drop.map { d -> [String: Any] in ["steps": d.steps, "p": d.rate ?? NSNull()] } ?? NSNull()
            spec["crop"] = c.crop.map { crop -> [String: Any] in
                ["steps": crop.steps, "ratio": crop.ratio, "style": crop.style.rawValue,
                 "protected_ids": crop.protectedTokenIDs.sorted().map(Int.init), "pad_id": Int(crop.padID)]
            } ?? NSNull()
            return spec
        }
    }

    static func taskName(_ task: ExampleLoss, model: Transformer) throws -> String {
        let resolved = try task.resolved(for: model)
        let name: String
        switch resolved {
        case .classification: name = "classification"
        case .regression: name = "regression"
        case .span, .automatic: name = "span"
        }
        let head = model.head == .regression ? "regression" : "classification"
        guard name == head else {
            throw CMCLError("the loss is a \(name) loss but the model has a \(model.head) head", argument: .label("loss"))
        }
        return name
    }

    static func optimizerSpec(_ v: Value?) throws -> [String: Any] {
        guard let v else {
            return ["name": "adamw", "lr": 1e-3, "weight_decay": 0.01, "betas": [0.9, 0.999], "eps": 1e-8]
        }
        guard case .object(let o as OptimizerValue) = v else {
            throw CMCLError("\(Display.describe(v)) cannot be exported as an optimizer", hint: "use adamw(...), adam(...) or sgd(...)",
                            argument: .label("optimizer"))
        }
        let h = o.hyperparameters
        var spec: [String: Any] = ["name": o.name, "lr": h["lr"] ?? 1e-3, "weight_decay": h["weight_decay"] ?? 0]
        if o.name == "sgd" {
            spec["momentum"] = h["momentum"] ?? 0
        } else {
            spec["betas"] = [h["beta1"] ?? 0.9, h["beta2"] ?? 0.999]
            spec["eps"] = h["eps"] ?? 1e-8
        }
        return spec
    }

    static func scheduleSpec(_ v: Value?, total: Int) throws -> [String: Any] {
        guard let v else { return ["kind": "constant", "warmup_steps": 0] }
        guard case .object(let s as ScheduleValue) = v else {
            throw CMCLError("\(Display.describe(v)) cannot be exported as a schedule", argument: .label("schedule"))
        }
        switch s.schedule {
        case .constant(let w): return ["kind": "constant", "warmup_steps": w.steps(total: max(total, 1))]
        case .linear(let w): return ["kind": "linear", "warmup_steps": w.steps(total: max(total, 1))]
        case let .cosine(w, minFactor):
            return ["kind": "cosine", "warmup_steps": w.steps(total: max(total, 1)), "min_factor": minFactor]
        }
    }

    /// cmcl's evaluation-mode logits on the first training rows, which train.py checks first.
    static func reference(_ model: Transformer, _ train: (examples: Dataset<EncodedExample>, padID: Int32, specialTokenIDs: Set<Int32>))
        throws -> [String: Any] {
        let rows = min(8, train.examples.count)
        let pipeline = EncodedPipeline(examples: train.examples, padID: train.padID)
        guard let batch = try pipeline.batches(size: rows, shuffleSeed: nil).first else { return [:] }
        let logits = try Tensor.withNoGrad { try model.forward(batch, context: ForwardContext(training: false)).logits }
        let values = logits.toDoubles()
        let width = logits.rank == 2 ? logits.shape[1] : 1
        let nested: [Any] = logits.rank == 2
            ? (0..<rows).map { r in Array(values[(r * width)..<((r + 1) * width)]) }
            : values
        return ["rows": Array(0..<rows), "outputs": ["logits": nested]]
    }
}
