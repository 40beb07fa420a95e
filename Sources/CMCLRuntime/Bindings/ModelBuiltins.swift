import CMCLBase
import CMCLData
import CMCLLang
import CMCLNN
import CMCLTasks
import CMCLTensor
import Foundation

/// Layers, models, optimizers, schedules, losses, training and evaluation, bound to cmcl names.
enum ModelBuiltins {
    static func register(into r: BuiltinRegistry) {
        r.category("model", title: "Models and layers")
        r.category("train", title: "Training")
        registerModels(r)
        registerModelMethods(r)
        registerOptimizers(r)
        registerTraining(r)
    }

    static func model(_ a: Arguments, _ name: String) throws -> Module {
        try a.object(name, as: ModelValue.self, described: "a model").module
    }

    static func head(_ a: Arguments) throws -> TaskHead {
        try TaskHead(name: try headName(a), classes: try a.int("classes"))
    }

    /// The `head:` argument checked against the task heads' spellings.
    static func headName(_ a: Arguments) throws -> String {
        try a.choice("head", in: TaskHead.spellings, what: "task head", offering: ["classification", "regression", "span", "ranking"])
    }

    static func wrap(_ m: Module) -> Value { .object(ModelValue(m)) }

    /// The checkpoint metadata key naming the directory of a model's tokenizer.
    static let tokenizerKey = "cmcl.tokenizer_directory"

    /// The directory a model value's tokenizer was read from (a pretrained model's), if any.
    static func tokenizerDirectory(_ v: Value) -> String? {
        guard case .object(let m as ModelValue) = v, m.tokenizer != nil, case .record(let r)? = m.origin,
              case .string(let dir)? = r["directory"] else { return nil }
        return URL(fileURLWithPath: dir).standardizedFileURL.path
    }

    /// The `tokenizer:` argument, or the tokenizer that came with the model argument.
    static func tokenizerArgument(_ a: Arguments, model name: String = "model") throws -> Value? {
        if let t = try a.optional("tokenizer") {
            if case .object(let m as ModelValue) = t, let tok = m.tokenizer {
                return .object(TokenizerValue(tok, kind: TokenizerValue.kind(of: tok)))
            }
            return t
        }
        guard case .object(let m as ModelValue) = try a.value(name), let tok = m.tokenizer else { return nil }
        return .object(TokenizerValue(tok, kind: TokenizerValue.kind(of: tok)))
    }

    // MARK: Batches

    /// A model input: a batch value, or a tensor of token ids [batch, seq]; with a tokenizer,
    /// also a string or a list of strings (padded into one batch).
    static func nnBatch(_ v: Value, tokenizer: (any TextTokenizer)? = nil, maxLength: Int = 512) throws -> Batch {
        if let tokenizer {
            var texts: [String]?
            if case .string(let s) = v { texts = [s] }
            if case .list(let l) = v, !l.items.isEmpty, l.items.allSatisfy({ if case .string = $0 { return true }; return false }) {
                texts = l.items.compactMap { if case .string(let s) = $0 { return s }; return nil }
            }
            if let texts {
                do {
                    return try Batch(texts: texts, tokenizer: tokenizer, maxLength: maxLength)
                } catch TaskError.emptyDataset {
                    throw CMCLError("no text to encode")
                }
            }
        }
        switch v {
        case .string:
            throw CMCLError("a model without a tokenizer takes a batch or token ids, not text",
                            hint: "encode the text first (tok.encode(text).ids), or use a pretrained(...) model")
        case .object(let b as BatchValue):
            return b.batch
        case .object(let t as TensorValue):
            let ids = t.tensor.rank == 1 ? try t.tensor.unsqueeze(0) : t.tensor
            return try Batch(ids: try ids.to(.int32))
        case .list:
            return try Batch(ids: try Tensor(nested: try TensorBuiltins.nested(v), dtype: .int32))
        default:
            throw CMCLError("a model input is a batch or a tensor of token ids, got \(Display.describe(v))")
        }
    }

    /// Batches from a dataset (encoded, or text with `tokenizer:`) or a list of batch values.
    static func batches(_ v: Value, size: Int, tokenizer: Value?, maxLength: Int, shuffleSeed: UInt64?, cropSteps: Int = 0) throws -> [Batch] {
        if case .list(let l) = v {
            // A list of texts goes through the tokenizer (the model's), `size` at a time.
            if case .object(let t as TokenizerValue)? = tokenizer, !l.items.isEmpty,
               l.items.allSatisfy({ if case .string = $0 { return true }; return false }) {
                return try stride(from: 0, to: l.items.count, by: max(1, size)).map { i in
                    try nnBatch(.list(Array(l.items[i..<min(i + max(1, size), l.items.count)])), tokenizer: t.tokenizer, maxLength: maxLength)
                }
            }
            return try l.items.map { try nnBatch($0) }
        }
        return try pipeline(v, tokenizer: tokenizer, maxLength: maxLength, cropSteps: cropSteps).batches(size: size, shuffleSeed: shuffleSeed)
    }

    /// The batch pipeline of a dataset argument (text needs `tokenizer`), its batches marked
    /// with the special ids of the tokenizer that made them. `cropSteps`: data that re-encodes
    /// its crops (HotpotQA) makes that many levels per batch.
    static func pipeline(_ v: Value, tokenizer: Value?, maxLength: Int, cropSteps: Int = 0) throws -> any BatchPipeline {
        guard case .object(let d as DatasetValue) = v else {
            throw CMCLError("training data must be a dataset or a list of batches, got \(Display.describe(v))")
        }
        var argumentTokenizer: (any TextTokenizer)?
        if case .object(let tv as TokenizerValue)? = tokenizer { argumentTokenizer = tv.tokenizer }
        let made: (any BatchPipeline)?
        do {
            // Encoded data pads with its own tokenizer's id; raw text is tokenized with the argument.
            made = try d.data.pipeline(PipelineOptions(tokenizer: d.tokenizer ?? argumentTokenizer, padID: d.tokenizer?.padID ?? 0,
                                                       maxLength: maxLength, cropSteps: cropSteps))
        } catch TaskError.needsTokenizer {
            throw CMCLError("a text dataset needs `tokenizer:` to make batches", hint: "or encode it first: encode(data, tok)")
        }
        guard let made else { throw CMCLError("cannot make batches of \(d.data.kind) examples directly") }
        guard let specials = (d.tokenizer ?? argumentTokenizer)?.specialTokenIDs else { return made }
        return MarkedPipeline(made, specialTokenIDs: specials)
    }

    /// The answer-text pipeline of a SQuAD or HotpotQA dataset made by `encode`; nil for other values.
    static func answerText(_ v: Value) throws -> (any AnswerTextPipeline)? {
        guard case .object(let d as DatasetValue) = v else { return nil }
        return (try? d.data.pipeline(PipelineOptions(padID: d.tokenizer?.padID ?? 0)))??.answerText
    }

    /// The decoded answers of a QA pipeline; a model without a span head is an error with a hint.
    static func answers(_ qa: any AnswerTextPipeline, _ m: Module, batchSize: Int, precision: Precision) throws -> AnswerPredictions {
        do {
            return try qa.predictions(m, batchSize: batchSize, precision: precision)
        } catch TaskError.needsSpanHead {
            throw CMCLError("answer metrics need a model with a span head", hint: "transformer(..., head: \"span\")")
        }
    }

    /// The `metrics:` argument: a list of names.
    static func metricNames(_ a: Arguments) throws -> [String] {
        try a.list("metrics").map { v -> String in
            guard case .string(let s) = v else { throw CMCLError("metrics are names like \"accuracy\"") }
            return s
        }
    }

    /// `metrics` checked against the model's head here, before anything runs (the head's
    /// defaults when empty); an unknown name has the caret on `metrics:` (on `keep_best:` when
    /// it is `keepBest` and not among the metrics asked).
    static func resolvedMetrics(_ m: Module, _ metrics: [String], keepBest: String? = nil) throws -> [String] {
        guard let model = m as? TextModel else { throw CMCLError("evaluate needs a text model with a task head") }
        do {
            return try TaskMetrics.resolve(metrics, for: model.head)
        } catch let TaskError.unknownMetric(name, head, available) {
            let close = Suggestion.choices(for: name, among: available).first.map { "did you mean `\($0)`? " } ?? ""
            throw CMCLError("unknown metric \"\(name)\" for a \(head) head", hint: "\(close)available: \(available.joined(separator: ", "))",
                            argument: .label(name == keepBest && !metrics.contains(name) ? "keep_best" : "metrics"))
        }
    }

    // MARK: Models and layers

    static func registerModels(_ r: BuiltinRegistry) {
        r.add("linear(inputs, outputs, bias: true)", "model", "A fully connected layer y = x Wᵀ + b (PyTorch layout).",
              example: "let layer = linear(4, 2)\nlayer(randn(3, 4)).shape   # [3, 2]") { a in
            wrap(try Linear(try a.int("inputs"), try a.int("outputs"), bias: try a.bool("bias"), generator: a.interpreter.random))
        }
        r.add("mlp(widths, act: \"relu\", dropout: 0)", "model", "A multi-layer perceptron [in, hidden…, out].",
              example: "let net = mlp([4, 16, 2], act: \"gelu\")") { a in
            let widths = try TensorBuiltins.shape([try a.value("widths")], what: "width")
            let act = try a.choice("act", in: Activation.allCases.map { ($0.rawValue, $0) }, what: "activation")
            return wrap(try MLP(widths, activation: act, dropout: try a.number("dropout"), generator: a.interpreter.random))
        }
        r.add("sequential(layers...)", "model", "Layers applied in order.",
              example: "sequential(linear(4, 8), activation(\"relu\"), linear(8, 2))") { a in
            wrap(Sequential(try a.rest.map { v -> Module in
                guard case .object(let m as ModelValue) = v else { throw CMCLError("sequential takes layers, got \(Display.describe(v))") }
                return m.module
            }))
        }
        r.add("activation(name)", "model", "An activation layer: relu, gelu, tanh, sigmoid or identity.",
              example: "activation(\"gelu\")") { a in
            wrap(ActivationLayer(try a.choice("name", in: Activation.allCases.map { ($0.rawValue, $0) }, what: "activation")))
        }
        r.add("bag_of_embeddings(vocab, dim: 64, hidden: [64], classes: 2, head: \"classification\", dropout: 0.1, seed: nil)", "model",
              "A text classifier: mean-pooled word embeddings, then an MLP. Trains in seconds on a CPU.",
              example: "let net = bag_of_embeddings(vocab: 1000, dim: 32, classes: 2)") { a in
            let g = try a.optionalInt("seed").map { Generator(seed: UInt64(max(0, $0))) } ?? a.interpreter.random
            let hidden = try TensorBuiltins.shape([try a.value("hidden")], what: "hidden width")
            return wrap(try BagOfEmbeddingsClassifier(vocabularySize: try a.int("vocab"), embeddingWidth: try a.int("dim"),
                                                      hidden: hidden, head: try head(a), dropout: try a.number("dropout"),
                                                      generator: g))
        }
        r.add("transformer(vocab, layers: 2, hidden: 128, heads: 2, intermediate: nil, classes: 2, head: \"classification\", max_len: 512, dropout: 0.1, seed: nil)",
              "model",
              "A BERT-architecture encoder (post-norm, GELU, tanh pooler) with a task head: classification, regression, span or ranking.",
              example: "let net = transformer(vocab: 5000, layers: 2, hidden: 128, heads: 2, classes: 2)") { a in
            let g = try a.optionalInt("seed").map { Generator(seed: UInt64(max(0, $0))) } ?? a.interpreter.random
            let d = try a.number("dropout")
            let config = BertConfig(vocabularySize: try a.int("vocab"), hiddenSize: try a.int("hidden"), layers: try a.int("layers"),
                                    heads: try a.int("heads"), intermediateSize: try a.optionalInt("intermediate"),
                                    maxPositions: try a.tokenLength("max_len"), hiddenDropout: d, attentionDropout: d)
            try config.validate()
            return wrap(try Transformer(config: config, head: try head(a), generator: g))
        }
    }

    static func registerModelMethods(_ r: BuiltinRegistry) {
        r.add("Model.summary(self)", "model", "The model's parameters as a table, with the total count.",
              example: "print(net.summary())") { a in
            .string(try model(a, "self").summary())
        }
        r.add("Model.params(self)", "model", "The parameters as a record from dotted name to tensor.",
              example: "keys(net.params())") { a in
            .record(try model(a, "self").parameters().map { ($0.name, TensorBuiltins.wrap($0.value)) })
        }
        r.add("Model.count(self)", "model", "The number of parameters.", example: "net.count()") { a in
            .number(Double(try model(a, "self").parameterCount))
        }
        r.add("Model.sites(self)", "model", "Dropout and maskable sites (the places ablations act on).",
              example: "net.sites()") { a in
            .list(try model(a, "self").sites().map { site in
                var pairs: [(String, Value)] = [("name", .string(site.name)), ("kind", .string("\(site.kind)"))]
                if let rate = site.rate { pairs.append(("rate", .number(rate))) }
                if let w = site.width { pairs.append(("width", .number(Double(w)))) }
                if let l = site.layer { pairs.append(("layer", .number(Double(l)))) }
                return .record(pairs)
            })
        }
        r.add("Model.save(self, path, force: false)", "model",
              "Writes the weights as a safetensors file; a pretrained model's file names the directory of its tokenizer, which `load(path)` takes back. An existing file this session did not write is replaced only with `force: true`.",
              example: "net.save(\"ckpt.safetensors\")") { a in
            let path = try a.string("path")
            var metadata: [String: String] = [:]
            if let dir = tokenizerDirectory(try a.value("self")) { metadata[tokenizerKey] = dir }
            do {
                // Checked before it becomes a URL, which would read "" as the current directory.
                try WritePolicy.validate(path)
                try model(a, "self").save(to: URL(fileURLWithPath: path), metadata: metadata, policy: try FileOutput.policy(a))
            } catch let e as FileWriteError {
                throw FileOutput.error(e, argument: "path")
            }
            return .null
        }
        r.add("Model.load(self, path, strict: true, prefix: nil)", "model",
              "Reads weights from a safetensors file into the model; reports missing and unexpected names. A known prefix (bert., electra., roberta.) and legacy gamma/beta names are handled; a warning says why when fewer than half the tensors were found.",
              example: "net.load(\"ckpt.safetensors\")") { a in
            let report = try model(a, "self").load(from: URL(fileURLWithPath: try a.string("path")), strict: try a.bool("strict"),
                                                   stripPrefix: try a.optionalString("prefix"))
            if let w = report.warning { a.interpreter.output("warning: \(w)\n") }
            return .record([("loaded", .number(Double(report.loaded))), ("missing", .list(report.missing.map { .string($0) })),
                            ("unexpected", .list(report.unexpected.map { .string($0) })),
                            ("prefix", report.prefix.map { .string($0) } ?? .null), ("renamed", .number(Double(report.renamed)))])
        }
        r.add("load(path)", "model",
              "A model saved with `net.save(path)`: its architecture is read from the file's metadata, then its weights.",
              example: "let net2 = load(\"ckpt.safetensors\")") { a in
            do {
                let url = URL(fileURLWithPath: try a.string("path"))
                let model = try TextModel.load(from: url)
                // The tokenizer comes back from the directory the file names, if it is still there.
                guard let dir = try SafetensorsFile(url).header.metadata[tokenizerKey] else { return wrap(model) }
                guard FileManager.default.fileExists(atPath: dir), let tok = try? TokenizerFiles.load(directory: dir) else {
                    a.interpreter.errorOutput("warning: the tokenizer was lost: the model was saved with the tokenizer of \(dir), "
                                              + "which cannot be read now; give text inputs a `tokenizer:`\n")
                    return wrap(model)
                }
                return .object(ModelValue(model, tokenizer: tok, origin: .record([("directory", .string(dir))])))
            } catch let e as NNError {
                guard case .weightsOnly = e else { throw e }
                var error = CMCLError(engine: e)
                error.hint = "a Hugging Face directory loads with pretrained(dir); other weights load into a model of the same shape with net.load(path, strict: false)"
                throw error
            }
        }
        r.add("read_safetensors(path)", "model", "The tensors of a safetensors file, by name.",
              example: "let w = read_safetensors(\"ckpt.safetensors\")") { a in
            let tensors = try Safetensors.read(from: URL(fileURLWithPath: try a.string("path")))
            return .record(tensors.sorted { $0.key < $1.key }.map { ($0.key, TensorBuiltins.wrap($0.value)) })
        }
        r.add("Model.train(self)", "model", "Training mode (dropout on).", example: "net.train()") { a in
            try model(a, "self").train()
            return try a.value("self")
        }
        r.add("Model.eval(self)", "model", "Evaluation mode (dropout off).", example: "net.eval()") { a in
            try model(a, "self").eval()
            return try a.value("self")
        }
    }

    // MARK: Optimizers and schedules

    static func registerOptimizers(_ r: BuiltinRegistry) {
        r.add("sgd(lr: 0.01, momentum: 0, weight_decay: 0)", "train", "Stochastic gradient descent with momentum.",
              example: "sgd(lr: 0.1, momentum: 0.9)") { a in
            let lr = try a.number("lr"), m = try a.number("momentum"), wd = try a.number("weight_decay")
            _ = try SGD(learningRate: lr, momentum: m, weightDecay: wd)
            return .object(OptimizerValue(name: "sgd", settings: [("lr", lr), ("momentum", m), ("weight_decay", wd)]) {
                try SGD(learningRate: lr, momentum: m, weightDecay: wd)
            })
        }
        r.add("adam(lr: 0.001, beta1: 0.9, beta2: 0.999, eps: 1e-8)", "train", "Adam.", example: "adam(lr: 1e-3)") { a in
            let lr = try a.number("lr"), b1 = try a.number("beta1"), b2 = try a.number("beta2"), eps = try a.number("eps")
            _ = try Adam(learningRate: lr, beta1: b1, beta2: b2, eps: eps)
            return .object(OptimizerValue(name: "adam", settings: [("lr", lr)],
                                          hyperparameters: ["beta1": b1, "beta2": b2, "eps": eps, "weight_decay": 0]) {
                try Adam(learningRate: lr, beta1: b1, beta2: b2, eps: eps)
            })
        }
        r.add("adamw(lr: 0.001, weight_decay: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8)", "train",
              "AdamW: Adam with decoupled weight decay (none on biases and layer-norm weights).",
              example: "adamw(lr: 2e-5, weight_decay: 0.01)") { a in
            .object(try OptimizerValue.adamw(lr: try a.number("lr"), weightDecay: try a.number("weight_decay"),
                                             beta1: try a.number("beta1"), beta2: try a.number("beta2"), eps: try a.number("eps")))
        }
        r.add("constant()", "train", "A constant learning rate.", example: "constant()") { _ in
            .object(ScheduleValue(.flat, text: "constant()"))
        }
        r.add("warmup_linear(ratio: nil, steps: nil)", "train",
              "Linear warm-up (a fraction `ratio` of training, or `steps`), then linear decay to zero.",
              example: "warmup_linear(ratio: 0.06)") { a in
            let ratio = try a.optionalNumber("ratio"), steps = try a.optionalInt("steps")
            return .object(ScheduleValue(try .warmupLinear(ratio: ratio ?? (steps == nil ? 0.06 : nil), steps: steps),
                                         text: "warmup_linear(\(ratio.map { "ratio: \(Display.number($0))" } ?? steps.map { "steps: \($0)" } ?? "ratio: 0.06"))"))
        }
        r.add("cosine(ratio: 0, steps: nil)", "train", "Optional linear warm-up, then cosine decay.",
              example: "cosine(ratio: 0.1)") { a in
            let ratio = try a.optionalNumber("ratio"), steps = try a.optionalInt("steps")
            return .object(ScheduleValue(try .warmupCosine(ratio: steps == nil ? ratio : nil, steps: steps), text: "cosine()"))
        }
    }

    // MARK: Training

    static func registerTraining(_ r: BuiltinRegistry) {
        r.add("task_loss()", "train", "The model's own task loss (cross-entropy, MSE or span CE by its head).",
              example: "fit(net, data, loss: task_loss())") { _ in
            .object(LossValue(name: "task", task: .automatic, function: TaskLoss.standard()))
        }
        r.add("fit(model, data, loss: nil, optimizer: nil, schedule: nil, epochs: nil, steps: nil, batch: 32, eval: nil, every: nil, keep_best: nil, metrics: [], seed: 0, tokenizer: nil, max_len: 128, clip: 1.0, dropout: true, on_nan: \"stop\", progress: \"auto\", precision: nil)",
              "train",
              "Trains the model; returns a History (loss and its parts per step, metrics per evaluation). `dropout: false` trains without ordinary dropout, as the reference QA script does whenever CmpDrop is off. A NaN or infinite loss stops training with an error naming the step, keeping the weights from before it (`on_nan: \"skip\"` skips such steps, `\"continue\"` trains on). Ctrl-C stops after the current step. Defaults for a pretrained model (as the Hugging Face Trainer): `optimizer: nil` is adamw(lr: 5e-5) and `schedule: nil` a linear decay to 0 without warm-up; for a model built from scratch, adamw(lr: 1e-3) at a constant rate. Warns when every evaluation prediction is one class. `precision: \"bf16\"` runs the matrix products (forward and backward) with bfloat16 inputs and float32 accumulation, as PyTorch's CPU autocast; weights, gradients, optimizer state, norms, softmax, GELU and losses stay float32 (default: the session's, \"fp32\" unless `:precision` changed it).",
              example: "let h = fit(net, train, optimizer: adamw(lr: 1e-3), epochs: 3, eval: dev, keep_best: \"accuracy\", seed: 1)") { a in
            try Training.fit(a)
        }
        r.add("evaluate(model, data, metrics: [], batch: 64, tokenizer: nil, max_len: 128, precision: nil)", "train",
              "Metrics of the model on a dataset (accuracy, f1, macro_f1, mcc, loss; pearson, spearman, mse, rmse, mae; exact_match; mrr); on SQuAD and HotpotQA data, the official answer exact_match and f1 (fractions) of n-best decoded answers.",
              example: "evaluate(net, dev, metrics: [\"accuracy\"])") { a in
            let m = try model(a, "model")
            if let qa = try answerText(try a.value("data")) {
                let result = try answers(qa, m, batchSize: try a.int("batch"), precision: try PrecisionArgument.resolve(a)).scores()
                return .record(result.sorted { $0.key < $1.key }.map { ($0.key, .number($0.value)) })
            }
            let bs = try batches(try a.value("data"), size: try a.int("batch"), tokenizer: try tokenizerArgument(a),
                                 maxLength: try a.tokenLength("max_len"), shuffleSeed: nil)
            let names = try resolvedMetrics(m, try metricNames(a))
            let vm = a.interpreter
            let result = try TaskMetrics.evaluate(m, batches: bs, metrics: names, precision: try PrecisionArgument.resolve(a)) { c in
                vm.collapses.append("\(c)")
                vm.errorOutput("warning: \(c) — the model predicts one class for everything\n")
            }
            return .record(result.sorted { $0.key < $1.key }.map { ($0.key, .number($0.value)) })
        }
        r.add("predict(model, data, batch: 64, tokenizer: nil, max_len: 128, precision: nil)", "train",
              "Predicted classes (or scores for regression) for every example, in order; answer texts for SQuAD and HotpotQA data.",
              example: "predict(net, dev)[0:5]") { a in
            let m = try model(a, "model")
            let precision = try PrecisionArgument.resolve(a)
            if let qa = try answerText(try a.value("data")) {
                return .list(try answers(qa, m, batchSize: try a.int("batch"), precision: precision).texts.map { .string($0) })
            }
            guard let tm = m as? TextModel else { throw CMCLError("predict needs a text model") }
            let bs = try batches(try a.value("data"), size: try a.int("batch"), tokenizer: try tokenizerArgument(a),
                                 maxLength: try a.tokenLength("max_len"), shuffleSeed: nil)
            return .list(try TaskMetrics.predictions(tm, batches: bs, precision: precision).map { .number($0) })
        }
    }
}
