import CMCLData
import CMCLNN
import CMCLTensor
import Foundation

/// Pretrained Hugging Face models: loading, hidden states, saving back.
enum PretrainedBuiltins {
    static func register(into r: BuiltinRegistry) {
        r.category("pretrained", title: "Pretrained models")
        r.add("pretrained(model, head: \"classification\", classes: nil, layers: nil, seed: 0, quiet: false)", "pretrained",
              "A Hugging Face BERT, MiniLM, ELECTRA or RoBERTa directory (or a fetched model's name, e.g. \"minilm-l6\") as a model with its tokenizer; a head missing from the checkpoint is initialised and reported. `layers: k` keeps only the first k encoder layers.",
              example: "let m = pretrained(\"minilm-l6\", head: \"classification\", classes: 2)\nfit(m, train, epochs: 2, batch: 16, max_len: 64)") { a in
            try load(a)
        }
        r.add("tokenizer(model)", "pretrained",
              "The tokenizer of a Hugging Face model directory (tokenizer.json, vocab.txt, or vocab.json + merges.txt) or of a fetched model.",
              example: "let tok = tokenizer(\"minilm-l6\")\ntok.tokenize(\"Héllo, 世界!\")") { a in
            let dir = try store().directory(for: try a.string("model"))
            let tok = try TokenizerFiles.load(directory: dir.path)
            return .object(TokenizerValue(tok, kind: TokenizerValue.kind(of: tok)))
        }
        r.add("Model.hidden(self, input, layers: false, max_len: 512)", "pretrained",
              "Hidden states of a transformer: {last: [batch, seq, hidden], pooled: [batch, hidden] or nil, mask} and, with `layers: true`, every layer's output (embeddings first). Text is tokenized with the model's tokenizer.",
              example: "let h = m.hidden([\"a fine film\", \"a dull one\"], layers: true)\nh.last.shape  # [2, 5, 384]; len(h.layers) is 7") { a in
            let mv = try a.object("self", as: ModelValue.self, described: "a model")
            guard let t = mv.module as? Transformer else {
                throw CMCLError("hidden states need a transformer model, got \(mv.module.typeName)", argument: .label("self"))
            }
            let batch = try ModelBuiltins.nnBatch(try a.value("input"), tokenizer: mv.tokenizer, maxLength: try a.tokenLength("max_len"))
            let states = try Tensor.withNoGrad { try t.hiddenStates(batch) }
            var pairs: [(String, Value)] = [("last", TensorBuiltins.wrap(states.last)),
                                            ("pooled", states.pooled.map(TensorBuiltins.wrap) ?? .null),
                                            ("ids", TensorBuiltins.wrap(batch.ids)),
                                            ("mask", batch.attentionMask.map(TensorBuiltins.wrap) ?? .null)]
            if try a.bool("layers") { pairs.append(("layers", .list(states.layers.map(TensorBuiltins.wrap)))) }
            return .record(pairs)
        }
        r.add("Model.save_pretrained(self, dir, labels: nil, force: false)", "pretrained",
              "Writes a transformer as a Hugging Face directory (config.json, model.safetensors, tokenizer files) that transformers loads with AutoModelForSequenceClassification. The directory is written as a unit: it holds exactly these files afterwards; a non-empty one this session did not write is replaced only with `force: true`.",
              example: "m.save_pretrained(\"sst2-minilm\", labels: [\"negative\", \"positive\"])") { a in
            let mv = try a.object("self", as: ModelValue.self, described: "a model")
            guard let t = mv.module as? Transformer else {
                throw CMCLError("only transformer models can be saved as Hugging Face directories, got \(mv.module.typeName)",
                                argument: .label("self"))
            }
            let dir = try a.string("dir")
            let labels = try (try a.optional("labels")).map { v -> [String] in
                guard case .list(let l) = v else { throw a.typeError("labels", "a list of strings", v) }
                return try l.items.map {
                    guard case .string(let s) = $0 else { throw a.typeError("labels", "a list of strings", v) }
                    return s
                }
            } ?? []
            try FileOutput.directory(dir, argument: "dir", a) { temp in
                try t.saveHuggingFace(to: URL(fileURLWithPath: temp), labelNames: labels)
                if let tok = mv.tokenizer { try TokenizerFiles.write(tok, to: temp, maxLength: t.config.maxPositions) }
            }
            return .null
        }
    }

    static func store() -> ModelStore { ModelStore(environment: ProcessInfo.processInfo.environment) }

    static func load(_ a: Arguments) throws -> Value {
        // Spellings first: a misspelt head fails before any file is read.
        let head = try ModelBuiltins.headName(a)
        let dir = try store().directory(for: try a.string("model"))
        let seed = UInt64(max(0, try a.int("seed")))
        let keep = try a.optionalInt("layers")
        if let keep, keep < 1 { throw CMCLError("layers must be at least 1, got \(keep)", argument: .label("layers")) }
        let (model, report) = try Transformer.pretrained(directory: dir, head: head, classes: try a.optionalInt("classes"),
                                                         layers: keep, generator: Generator(seed: seed))
        let tok = try TokenizerFiles.load(directory: dir.path)
        guard tok.vocabulary.count <= model.config.vocabularySize else {
            throw CMCLError("the tokenizer of \(dir.path) has \(tok.vocabulary.count) tokens but the model only \(model.config.vocabularySize) embeddings")
        }
        let headParams = report.initialized
        let note: String
        if report.headLoaded {
            note = "\(report.head) head loaded from the checkpoint"
        } else {
            note = "\(report.head) head initialised (seed \(seed)): " + (report.headNote ?? "the checkpoint has none")
        }
        if !(try a.bool("quiet")) {
            let kept = keep == nil ? "" : " (the checkpoint's first)"
            a.interpreter.output("pretrained \(dir.lastPathComponent): \(report.family.rawValue), \(model.config.layers) layers\(kept), hidden \(model.config.hiddenSize);"
                                 + " \(report.loaded) tensors loaded; \(note)\n")
        }
        let origin: Value = .record([
            ("directory", .string(dir.path)), ("family", .string(report.family.rawValue)),
            ("loaded", .number(Double(report.loaded))), ("initialized", .list(headParams.map { .string($0) })),
            ("ignored", .list(report.ignored.map { .string($0) })), ("prefix", report.prefix.map { .string($0) } ?? .null),
            ("renamed", .number(Double(report.renamed))), ("head_loaded", .bool(report.headLoaded)),
        ])
        return .object(ModelValue(model, tokenizer: tok, origin: origin))
    }
}
