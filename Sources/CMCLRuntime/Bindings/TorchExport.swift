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
        let run = try FitArguments(a)
        let module = run.model.module
        guard let model = module as? Transformer else {
            throw CMCLError("a \(module.typeName) model cannot be exported to PyTorch",
                            hint: "export_torch writes a Hugging Face BERT, ELECTRA or RoBERTa model; build it with transformer(...) or pretrained(...)",
                            argument: .label("model"))
        }
        let head: String
        switch model.head {
        case .classification: head = "classification"
        case .regression: head = "regression"
        case .span: head = "span"
        case .ranking:
            throw CMCLError("a transformer with a ranking head cannot be exported yet",
                            hint: "classification, regression and span heads can", argument: .label("model"))
        }
        var objective = try objectiveSpec(run.loss, model: model)
        let train = try rows(run.data, run, head: head, evaluation: false, argument: "data")
        guard train.rows.count > 0 else { throw CMCLError("the training data is empty", argument: .label("data")) }
        let dev = try run.eval.map { try rows($0, run, head: head, evaluation: true, argument: "eval") }
        if var crop = objective.crop {
            // Crops keep the tokenizer's special tokens too (the batches carry them in cmcl).
            crop.protectedIDs = Set(crop.protectedIDs).union(train.specialTokenIDs.map(Int.init)).sorted()
            objective.crop = crop
        }

        // The plan Trainer.fit runs: steps per epoch, epochs and total steps; its batch order.
        let plan = run.plan(batchesPerEpoch: TrainingPlan.batches(examples: train.rows.count, batchSize: run.batchSize))
        if run.keepBest != nil && dev == nil {
            throw CMCLError("keep_best needs evaluation data", argument: .label("keep_best"))
        }
        // SQuAD evaluation reports the official answer metrics, as fit's; other data the head's.
        let answers = dev?.questions != nil
        let available = answers ? ["exact_match", "f1"] : TaskMetrics.defaults(for: model.head)
        let metrics = answers ? available : run.metrics.map { $0.lowercased() }
        for m in (answers ? [] : run.metrics) + (run.keepBest.map { [$0] } ?? []) where !available.contains(m.lowercased()) {
            throw CMCLError("unknown metric \"\(m)\"",
                            hint: "the \(head) head\(answers ? " on SQuAD windows" : "") has \(available.joined(separator: ", "))",
                            argument: .label(run.metrics.contains(m) ? "metrics" : "keep_best"))
        }
        var order = [[Int]]()
        for epoch in 0..<plan.epochs {
            let options = BatchOptions(shuffleSeed: BatchSource.epochSeed(run.seed, epoch))
            order.append(try BatchOrder.groups(count: train.rows.count, size: run.batchSize, options: options).flatMap { $0 })
        }

        let headNames = Set(model.huggingFaceState().keys)
        let noDecay = model.parameters().filter { !$0.decays }.map {
            headNames.contains($0.name) ? $0.name : model.huggingFacePrefix + $0.name   // the encoder is under `bert.`, …
        }
        var classes: Int?
        if case let .classification(c) = model.head { classes = c }
        let training = TorchExportSpec.Training(
            batch: run.batchSize, epochs: plan.epochs, totalSteps: plan.totalSteps, seed: run.seed,
            evalBatch: answers ? max(run.batchSize, 16) : max(run.batchSize, 64), metrics: metrics, clip: run.clip,
            every: run.every, keepBest: run.keepBest, higherIsBetter: run.keepBest.map { _ in run.keepBestPrefersHigher },
            dropout: run.dropout,
            answers: answers ? .init(nBest: SQuAD.nBest, maxAnswerLength: SQuAD.maxAnswerLength) : nil)
        let experiment = TorchExportSpec(
            name: try a.string("name"),
            model: .init(head: head, classes: classes, noDecay: noDecay, paddingRow: model.config.freezesPaddingRow ? "frozen" : "trained"),
            data: .init(padID: Int(train.padID), eval: dev == nil ? nil : "data/eval.jsonl",
                        questions: answers ? "data/questions.jsonl" : nil),
            objective: objective, optimizer: optimizerSpec(run.optimizer),
            schedule: scheduleSpec(run.schedule, total: plan.totalSteps), training: training)

        let dir = try a.string("dir")
        let reference = try reference(model, train, dev)
        try FileOutput.directory(dir, argument: "dir", a) { temp in
            try TorchProject(directory: URL(fileURLWithPath: temp))
                .write(experiment: experiment, model: model, tokenizer: run.model.tokenizer, train: train.rows,
                       eval: dev?.rows, questions: dev?.questions, order: order, reference: reference)
        }
        let directory = URL(fileURLWithPath: dir)
        return .record([("dir", .string(directory.path)), ("steps", .number(Double(plan.totalSteps))),
                        ("epochs", .number(Double(plan.epochs))),
                        ("command", .string("torchrun --nproc_per_node=N \(directory.path)/train.py"))])
    }

    /// A dataset argument as export rows, with what batching it in cmcl needs.
    struct Rows {
        var rows: [TorchRow]
        var padID: Int32
        var specialTokenIDs: Set<Int32>
        /// cmcl's pipeline over the same rows (the reference outputs come from its batches).
        var pipeline: any BatchPipeline
        /// SQuAD evaluation: the questions the windows belong to.
        var questions: [TorchQuestion]?
        /// SQuAD: the windows.
        var squad: SQuADPipeline?
    }

    /// The rows of a dataset argument: tokenized examples, or SQuAD windows (for a span head;
    /// evaluation windows carry their question and context offsets).
    static func rows(_ v: Value, _ run: FitArguments, head: String, evaluation: Bool, argument: String) throws -> Rows {
        if case .list = v {
            throw CMCLError("a list of batches cannot be exported", hint: "pass the dataset itself", argument: .label(argument))
        }
        let pipeline = try ModelBuiltins.pipeline(v, tokenizer: run.tokenizer, maxLength: run.maxLength)
        if let encoded = pipeline.encoded {
            guard head != "span" else {
                throw CMCLError("a span head is exported with SQuAD windows", hint: "encode(squad(...), tokenizer, max_len: …, stride: …)",
                                argument: .label(argument))
            }
            let rows = encoded.examples.elements.map { e -> TorchRow in
                var row = TorchRow(inputIDs: e.encoding.ids)
                if e.encoding.typeIDs.contains(where: { $0 != 0 }) { row.tokenTypeIDs = e.encoding.typeIDs }
                switch e.label {
                case .index(let i): row.label = .index(Int(i))
                case .score(let s): row.label = .score(Double(s))
                case .none: break
                }
                return row
            }
            return Rows(rows: rows, padID: encoded.padID, specialTokenIDs: pipeline.specialTokenIDs, pipeline: pipeline)
        }
        guard let squad = pipeline.answerText as? SQuADPipeline else {
            throw CMCLError("HotpotQA and multi-paragraph QA data cannot be exported yet", hint: "SQuAD windows and text datasets can",
                            argument: .label(argument))
        }
        guard head == "span" else {
            throw CMCLError("SQuAD windows need a model with a span head", hint: "transformer(..., head: \"span\")",
                            argument: .label(argument))
        }
        var questions: [TorchQuestion] = [], index: [String: Int] = [:]
        let rows = squad.items.elements.map { item -> TorchRow in
            let e = item.feature.encoding
            var row = TorchRow(inputIDs: e.ids, start: item.feature.startPosition, end: item.feature.endPosition)
            if e.typeIDs.contains(where: { $0 != 0 }) { row.tokenTypeIDs = e.typeIDs }
            if evaluation {
                let q: Int
                if let known = index[item.example.id] { q = known } else {
                    q = questions.count
                    index[item.example.id] = q
                    questions.append(TorchQuestion(id: item.example.id, context: item.example.context,
                                                   answers: item.example.answers.map(\.text)))
                }
                row.question = q
                row.offsets = (0..<e.count).map { e.sequenceIDs[$0] == 1 ? [e.offsets[$0].lowerBound, e.offsets[$0].upperBound] : nil }
            }
            return row
        }
        return Rows(rows: rows, padID: squad.padID, specialTokenIDs: pipeline.specialTokenIDs, pipeline: pipeline,
                    questions: evaluation ? questions : nil, squad: squad)
    }

    /// The objective section of experiment.json; what train.py cannot reproduce is an error.
    static func objectiveSpec(_ loss: LossValue?, model: Transformer) throws -> TorchExportSpec.Objective {
        guard let loss else { return .init(kind: "plain", task: try taskName(.automatic, model: model)) }
        guard let recipe = loss.recipe else {
            throw CMCLError("the loss \(loss.name) cannot be exported",
                            hint: "train.py reproduces task losses (ce, mse_loss, span_ce, task_loss()), rdrop(...) and cmp(...)",
                            argument: .label("loss"))
        }
        switch recipe {
        case .plain(let task):
            return .init(kind: "plain", task: try taskName(task, model: model))
        case .rdrop(let r):
            return .init(kind: "rdrop", task: try taskName(r.taskLoss, model: model), alpha: r.alpha, reduction: r.reduction.rawValue)
        case .comparative(let c):
            return .init(kind: "cmp", task: try taskName(c.taskLoss, model: model), mode: c.config.mode.rawValue,
                         target: c.config.target.rawValue, ranking: c.config.ranking.rawValue, temperature: c.config.temperature,
                         weight: c.config.weight, primary: c.config.primary.rawValue, crSchedule: c.config.schedule,
                         drop: c.drop.map { .init(steps: $0.steps, p: $0.rate) },
                         crop: c.crop.map { .init(steps: $0.steps, ratio: $0.ratio, style: $0.style.rawValue,
                                                  protectedIDs: $0.protectedTokenIDs.sorted().map(Int.init), padID: Int($0.padID)) })
        }
    }

    static func taskName(_ task: TaskLoss, model: Transformer) throws -> String {
        let resolved = try task.resolved(for: model)
        let name: String
        switch resolved {
        case .classification: name = "classification"
        case .regression: name = "regression"
        case .span, .automatic: name = "span"
        }
        let head: String
        switch model.head {
        case .regression: head = "regression"
        case .span: head = "span"
        default: head = "classification"
        }
        guard name == head else {
            throw CMCLError("the loss is a \(name) loss but the model has a \(model.head) head", argument: .label("loss"))
        }
        return name
    }

    static func optimizerSpec(_ o: OptimizerValue) -> TorchExportSpec.Optimizer {
        let h = o.hyperparameters
        var spec = TorchExportSpec.Optimizer(name: o.name, lr: h["lr"] ?? 1e-3, weightDecay: h["weight_decay"] ?? 0)
        if o.name == "sgd" {
            spec.momentum = h["momentum"] ?? 0
        } else {
            spec.betas = [h["beta1"] ?? 0.9, h["beta2"] ?? 0.999]
            spec.eps = h["eps"] ?? 1e-8
        }
        return spec
    }

    static func scheduleSpec(_ s: LearningRateSchedule, total: Int) -> TorchExportSpec.Schedule {
        switch s {
        case .constant(let w): return .init(kind: "constant", warmupSteps: w.steps(total: max(total, 1)))
        case .linear(let w): return .init(kind: "linear", warmupSteps: w.steps(total: max(total, 1)))
        case let .cosine(w, minFactor): return .init(kind: "cosine", warmupSteps: w.steps(total: max(total, 1)), minFactor: minFactor)
        }
    }

    /// cmcl's evaluation-mode outputs on the first training rows, and for SQuAD evaluation its
    /// answers to the first questions, which train.py checks first.
    static func reference(_ model: Transformer, _ train: Rows, _ dev: Rows?) throws -> TorchReference {
        let rows = min(8, train.rows.count)
        var reference = TorchReference(rows: Array(0..<rows), outputs: [:])
        guard let batch = try train.pipeline.batches(size: rows, shuffleSeed: nil).first else { return reference }
        let out = try Tensor.withNoGrad { try model.forward(batch, context: ForwardContext(training: false)) }
        func matrix(_ t: Tensor) -> TorchReference.Values {
            let values = t.toDoubles(), width = t.shape[1]
            return .matrix((0..<rows).map { r in Array(values[(r * width)..<((r + 1) * width)]) })
        }
        if let start = out.startLogits, let end = out.endLogits {
            reference.outputs = ["start": matrix(start), "end": matrix(end)]
        } else {
            reference.outputs = ["logits": out.logits.rank == 2 ? matrix(out.logits) : .vector(out.logits.toDoubles())]
        }
        if let squad = dev?.squad {
            // The windows of the first questions, decoded and scored as fit's evaluation does.
            var ids = Set<String>()
            let first = squad.items.elements.prefix { item in
                if ids.contains(item.example.id) { return true }
                guard ids.count < referenceQuestions else { return false }
                ids.insert(item.example.id)
                return true
            }
            let predictions = try SQuADPipeline(items: Dataset(Array(first)), padID: squad.padID)
                .predictions(model, batchSize: 16)
            let scores = try predictions.scores()
            reference.answers = .init(questions: predictions.texts.count, texts: predictions.texts,
                                      exactMatch: scores["exact_match"] ?? 0, f1: scores["f1"] ?? 0)
        }
        return reference
    }

    /// How many evaluation questions `reference.json` holds cmcl's answers to.
    static let referenceQuestions = 32
}
