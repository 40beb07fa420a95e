import CMCLData
import CMCLLang
import CMCLNN
import CMCLTasks
import CMCLTensor
import Foundation

/// Readers, tokenizers, datasets, batches, metrics and synthetic tasks, bound to cmcl names.
enum DataBuiltins {
    /// Runs a data reader; a missing file says where the data root is and how to set it.
    static func locatingData<T>(_ read: () throws -> T) throws -> T {
        do {
            return try read()
        } catch DataError.unreadable(let path, let reason) where !FileManager.default.fileExists(atPath: path) {
            let env = ProcessInfo.processInfo.environment["CMCL_DATA"].map { "CMCL_DATA=\($0)" } ?? "CMCL_DATA is not set"
            throw CMCLError("cannot read \(path): \(reason)",
                            hint: "the data root is \(DataRoot.path) (\(env)); set CMCL_DATA to the folder holding glue/, squad/ and hotpot/, "
                                + "or run scripts/fetch-data")
        }
    }

    static func register(into r: BuiltinRegistry) {
        r.category("data", title: "Data")
        r.category("metrics", title: "Metrics")
        registerReaders(r)
        registerTokenizers(r)
        registerDatasets(r)
        registerMetrics(r)
        registerSynthetic(r)
    }

    static func text(_ d: Dataset<TextExample>) -> Value {
        .object(DatasetValue(TypedDataset(d)))
    }

    static func dataset(_ a: Arguments, _ name: String) throws -> DatasetValue {
        try a.object(name, as: DatasetValue.self, described: "a dataset")
    }

    static func tokenizer(_ a: Arguments, _ name: String) throws -> any TextTokenizer {
        if case .object(let m as ModelValue) = try a.value(name), let t = m.tokenizer { return t }
        return try a.object(name, as: TokenizerValue.self, described: "a tokenizer (wordpiece(...), word_tokenizer(...) or a pretrained model)").tokenizer
    }

    // MARK: Readers

    static func registerReaders(_ r: BuiltinRegistry) {
        r.add("data_dir(path: \"\")", "data",
              "The data root ($CMCL_DATA, default ../shared/data; scripts/fetch-data fills it), or `path` inside it.",
              example: "let dev = squad(data_dir(\"squad/dev-v1.1.json\"))") { a in
            .string(DataRoot.path(try a.string("path")))
        }
        r.add("glue(task, split: \"train\", dir: nil, skip_bad: false)", "data",
              "A GLUE task (sst2, cola, mrpc, rte, stsb, qnli, qqp, mnli) from a GLUE folder (`dir`, else $GLUE_DIR, else data_dir(\"glue\")).",
              example: "let dev = glue(\"sst2\", split: \"dev\")") { a in
            let dir = try a.optionalString("dir") ?? ProcessInfo.processInfo.environment["GLUE_DIR"] ?? DataRoot.path("glue")
            return text(try locatingData { try GLUE.load(try a.string("task"), split: try a.string("split"), dir: dir,
                                                         skipBadRows: try a.bool("skip_bad")) })
        }
        for (name, format) in [("read_tsv", DelimitedFormat.tsv), ("read_csv", .csv)] {
            r.add("\(name)(path, text: \"sentence\", pair: nil, label: \"label\", regression: false, skip_bad: false, rows: false)", "data",
                  "A text dataset from a \(name == "read_tsv" ? "tab-separated (no quoting, as GLUE)" : "comma-separated (RFC 4180)") file with a header row; `rows: true` reads plain records instead (numbers parsed).",
                  example: "\(name)(\"train.\(name == "read_tsv" ? "tsv" : "csv")\", text: \"sentence\", label: \"label\")") { a in
                if try a.bool("rows") {
                    let table = try Table.read(path: try a.string("path"), format: format, skipBadRows: try a.bool("skip_bad"))
                    return .list(table.rows.map { row in
                        .record(table.columns.enumerated().map { ($1, row.indices.contains($0) ? SystemBuiltins.cellValue(row[$0]) : .null) })
                    })
                }
                return text(try TextTable.read(path: try a.string("path"), text: try a.string("text"), pair: try a.optionalString("pair"),
                                        label: try a.optionalString("label"), regression: try a.bool("regression"),
                                        format: format, skipBadRows: try a.bool("skip_bad")))
            }
        }
        r.lookup("glue")?.choices["task"] = GLUE.tasks.map(\.name)
        r.add("squad(path, skip_bad: false)", "data", "SQuAD v1.1 questions (one example per question).",
              example: "let dev = squad(data_dir(\"squad/dev-v1.1.json\"))") { a in
            .object(DatasetValue(TypedDataset(try locatingData { try SQuAD.load(path: try a.string("path"), skipBad: try a.bool("skip_bad")) })))
        }
        r.add("hotpot(path, skip_bad: false)", "data",
              "HotpotQA distractor questions: ten paragraphs each, gold paragraphs marked.",
              example: "let hp = hotpot(data_dir(\"hotpotqa/hotpot_dev_distractor_v1.json\"))") { a in
            .object(DatasetValue(TypedDataset(try locatingData { try HotpotQA.load(path: try a.string("path"), skipBad: try a.bool("skip_bad")) })))
        }
        r.add("squad_distractors(data, k, pool: nil, words: 32, seed: 0)", "data",
              "SQuAD questions as long multi-paragraph inputs in the HotpotQA layout: each question's own paragraph (gold) among k paragraphs of other articles from `pool` (default `data`), every paragraph an excerpt of about `words` words; nested draws (a larger k only adds paragraphs).",
              example: "let long = squad_distractors(squad(data_dir(\"squad/dev-v1.1.json\")), 4, seed: 1)") { a in
            func questions(_ name: String) throws -> Dataset<SQuADExample> {
                guard let d = try dataset(a, name).data.examples(of: SQuADExample.self) else {
                    throw CMCLError("\(name) must be SQuAD questions (from squad(path))", argument: .label(name))
                }
                return d
            }
            let k = try a.int("k"), words = try a.int("words")
            if k < 0 { throw CMCLError("k must be >= 0, got \(k)", argument: .label("k")) }
            if words < 1 { throw CMCLError("words must be at least 1, got \(words)", argument: .label("words")) }
            let pool = try a.optional("pool") == nil ? nil : try questions("pool")
            let data = HotpotQA.distractorSetting(try questions("data"), distractors: k, pool: pool, words: words,
                                                  seed: UInt64(max(0, try a.int("seed"))))
            return .object(DatasetValue(TypedDataset(data)))
        }
    }

    // MARK: Tokenizers

    static func registerTokenizers(_ r: BuiltinRegistry) {
        r.add("wordpiece(vocab, lower: true)", "data",
              "BERT's WordPiece tokenizer from a vocab.txt (identical to Hugging Face's).",
              example: "let tok = wordpiece(\"vocab.txt\", lower: true)") { a in
            .object(TokenizerValue(try WordPieceTokenizer(vocabPath: try a.string("vocab"), lowercase: try a.bool("lower")),
                                   kind: "wordpiece"))
        }
        r.add("word_tokenizer(texts, min_freq: 1, max_size: nil, lower: true, pattern: nil)", "data",
              "A word-level tokenizer whose vocabulary is built from a text dataset or a list of strings; `pattern` (a regular expression) defines the tokens.",
              example: "let tok = word_tokenizer(synth.sentiment(n: 100))") { a in
            let v = try a.value("texts")
            var texts: [String] = []
            if case .object(let o as DatasetValue) = v, let t = o.data.vocabularyTexts {
                texts = t
            } else if case .list(let l) = v {
                texts = try l.items.map {
                    guard case .string(let s) = $0 else { throw CMCLError("word_tokenizer needs strings") }
                    return s
                }
            } else {
                throw a.typeError("texts", "a text dataset or a list of strings", v)
            }
            if let pattern = try a.optionalString("pattern") {
                // Matching stops at Ctrl-C (a pattern can backtrack for ages), here and in every later use.
                let tok = try WordTokenizer.build(from: texts, pattern: pattern, minFrequency: try a.int("min_freq"),
                                                  maxSize: try a.optionalInt("max_size"), lowercase: try a.bool("lower"),
                                                  shouldStop: { Interrupt.isRequested })
                return .object(TokenizerValue(tok, kind: "regex"))
            }
            let tok = WordTokenizer.build(from: texts, minFrequency: try a.int("min_freq"),
                                          maxSize: try a.optionalInt("max_size"), lowercase: try a.bool("lower"))
            return .object(TokenizerValue(tok, kind: "word"))
        }
        r.add("Tokenizer.encode(self, text, pair: nil, max_len: nil)", "data",
              "Token ids, tokens, type ids, attention mask and character offsets of a text (or pair).",
              example: "tok.encode(\"a movie\", \"a film\", max_len: 16)") { a in
            let t = try tokenizer(a, "self")
            let e = t.encode(try a.string("text"), try a.optionalString("pair"), maxLength: try a.optionalTokenLength("max_len"))
            return .record([("ids", ExampleRecords.ints(e.ids)), ("tokens", .list(e.tokens.map { .string($0) })),
                            ("type_ids", ExampleRecords.ints(e.typeIDs)), ("attention_mask", ExampleRecords.ints(e.attentionMask)),
                            ("offsets", .list(e.offsets.map { .list([.number(Double($0.lowerBound)), .number(Double($0.upperBound))]) }))])
        }
        r.add("Tokenizer.tokenize(self, text)", "data", "The tokens of a text, without special tokens.",
              example: "tok.tokenize(\"unaffable\")") { a in
            .list(try tokenizer(a, "self").tokenize(try a.string("text")).map { .string($0.text) })
        }
        r.add("Tokenizer.decode(self, ids)", "data", "Text from token ids (each must be in the vocabulary).",
              example: "tok.decode([101, 2023, 102])") { a in
            let tok = try tokenizer(a, "self")
            let size = tok.vocabulary.count
            let ids = try a.list("ids").map { v -> Int32 in
                Int32(try WholeNumber.int(v, argument: "ids", from: 0, to: size - 1, what: "token ids (vocabulary of \(size))"))
            }
            return .string(tok.decode(ids))
        }
    }

    // MARK: Datasets and batches

    static func registerDatasets(_ r: BuiltinRegistry) {
        r.add("Dataset.shuffle(self, seed: 0)", "data", "The examples in a seeded random order.",
              example: "data.shuffle(seed: 1)") { a in
            let d = try dataset(a, "self")
            return .object(DatasetValue(d.data.shuffled(seed: UInt64(max(0, try a.int("seed")))), tokenizer: d.tokenizer))
        }
        r.add("Dataset.split(self, fraction, seed: nil)", "data",
              "Two datasets: the first `fraction` of the examples (after a seeded shuffle when `seed` is given) and the rest.",
              example: "let parts = data.split(0.8, seed: 1)\nlet train = parts[0]\nlet dev = parts[1]") { a in
            let d = try dataset(a, "self")
            let f = try a.number("fraction")
            guard f >= 0, f <= 1 else { throw CMCLError("fraction must be between 0 and 1, got \(Display.number(f))", argument: .label("fraction")) }
            var source = d.data
            if let s = try a.optionalInt("seed") { source = d.data.shuffled(seed: UInt64(max(0, s))) }
            let cut = Int((Double(source.count) * f).rounded())
            return .list([.object(DatasetValue(source.subset(Array(0..<cut)), tokenizer: d.tokenizer)),
                          .object(DatasetValue(source.subset(Array(cut..<source.count)), tokenizer: d.tokenizer))])
        }
        r.add("Dataset.take(self, n)", "data", "The first n examples.", example: "data.take(100)") { a in
            let d = try dataset(a, "self")
            return .object(DatasetValue(d.data.subset(Array(0..<min(try a.int("n", from: 0), d.data.count))), tokenizer: d.tokenizer))
        }
        r.add("Dataset.filter(self, f)", "data", "The examples whose record satisfies `f`.",
              example: "data.filter(fn(e) => e.label == 1)") { a in
            let d = try dataset(a, "self")
            let f = try a.callable("f")
            var keep: [Int] = []
            for i in 0..<d.data.count where try a.call(f, [d.data.record(i)]).isTruthy { keep.append(i) }
            return .object(DatasetValue(d.data.subset(keep), tokenizer: d.tokenizer))
        }
        r.add("Dataset.labels(self)", "data", "The label of every example (class index or score).", example: "data.labels",
              kind: .property) { a in
            let d = try dataset(a, "self").data
            return .list((0..<d.count).map { i in
                if case .record(let rec) = d.record(i), let l = rec["label"] { return l }
                return .null
            })
        }
        r.add("Dataset.label_names(self)", "data", "Names of the classes, when the task has them.", example: "data.label_names",
              kind: .property) { a in
            .list(try dataset(a, "self").data.labelNames.map { .string($0) })
        }
        r.add("encode(data, tokenizer, max_len: 128, stride: nil, max_question: nil, max_paragraph: 256, distractors: nil)", "data",
              "Tokenizes every example: text datasets; SQuAD into windows of max_len tokens overlapping by stride (default a third of max_len, the reference's 128 of 384), the question whole unless `max_question` cuts it; HotpotQA (question cut to max_question, default 128) into the reference layout (question, titled paragraphs, yes/no markers), re-laid out per epoch and per CmpCrop level in training; `distractors: k` evaluates with only the first k distractor paragraphs.",
              example: "let enc = encode(data, tok, max_len: 64)") { a in
            let tok = try tokenizer(a, "tokenizer")
            let source = try dataset(a, "data").data
            if let q = try a.optionalInt("max_question"), q < 1 {
                throw CMCLError("max_question must be at least 1, got \(q)", argument: .label("max_question"))
            }
            if let s = try a.optionalInt("stride"), s < 1 { throw CMCLError("stride must be at least 1, got \(s)", argument: .label("stride")) }
            if let k = try a.optionalInt("distractors"), k < 0 { throw CMCLError("distractors must be >= 0", argument: .label("distractors")) }
            let options = EncodeOptions(maxLength: try a.tokenLength("max_len"), stride: try a.optionalInt("stride"),
                                        maxQuestion: try a.optionalInt("max_question"), maxParagraph: try a.int("max_paragraph"),
                                        distractors: try a.optionalInt("distractors"))
            guard let encoded = try source.encoded(tokenizer: tok, options: options) else {
                throw CMCLError("`encode` needs a text dataset (GLUE, TSV, synthetic sentiment), got \(source.kind) examples",
                                argument: .label("data"))
            }
            return .object(DatasetValue(encoded, tokenizer: tok))
        }
        r.add("batches(data, size, tokenizer: nil, max_len: 128, shuffle: nil, bucket: false)", "data",
              "Padded batches with attention masks (SQuAD windows with their answer positions); `shuffle: seed` shuffles, `bucket: true` groups similar lengths (text examples).",
              example: "let bs = batches(enc, 32, shuffle: 1)") { a in
            try makeBatches(a).map { .object(BatchValue($0)) }.asList
        }
    }

    static func makeBatches(_ a: Arguments) throws -> [Batch] {
        let d = try dataset(a, "data")
        let size = try a.int("size")
        let options = BatchOptions(shuffleSeed: try a.optionalInt("shuffle").map { UInt64(max(0, $0)) },
                                   bucketByLength: try a.bool("bucket"))
        let tok = try a.optional("tokenizer") == nil ? nil : try tokenizer(a, "tokenizer")
        let pipeline: (any BatchPipeline)?
        do {
            pipeline = try d.data.pipeline(PipelineOptions(tokenizer: tok, padID: d.tokenizer?.padID ?? 0, maxLength: try a.tokenLength("max_len")))
        } catch TaskError.needsTokenizer {
            throw CMCLError("batching a text dataset needs a tokenizer", hint: "pass `tokenizer: tok`, or `encode(data, tok)` first")
        }
        // `batches` makes padded text batches and SQuAD window batches (with their answer
        // positions); the other QA layouts batch inside fit and evaluate.
        if let squad = pipeline?.answerText as? SQuADPipeline, !options.bucketByLength {
            return try squad.batches(size: size, shuffleSeed: options.shuffleSeed)
        }
        guard let encoded = pipeline?.encoded else {
            throw CMCLError("cannot batch \(d.data.kind) examples directly", argument: .label("data"))
        }
        return try EncodedPipeline(examples: encoded.examples, padID: encoded.padID).batches(size: size, options: options)
    }

    // MARK: Metrics

    static func numbers(_ v: Value, _ name: String) throws -> [Double] {
        switch v {
        case .list(let l):
            return try l.items.map {
                guard case .number(let n) = $0 else { throw CMCLError("`\(name)` must hold numbers, got \(Display.describe($0))") }
                return n
            }
        case .object(let o as TensorValue): return o.tensor.toDoubles()
        default: throw CMCLError("`\(name)` must be a list of numbers or a tensor, got \(Display.describe(v))", argument: .label(name))
        }
    }

    static func classes(_ a: Arguments, _ name: String) throws -> [Int32] {
        try numbers(try a.value(name), name).map {
            Int32(try WholeNumber.int($0, argument: name, from: Int(Int32.min), to: Int(Int32.max), what: "class indices in `\(name)`"))
        }
    }

    static func average(_ a: Arguments) throws -> Metrics.Average {
        switch try a.string("average") {
        case "binary": return .binary(positive: Int32(try a.int("positive", from: Int(Int32.min), to: Int(Int32.max))))
        case "macro": return .macro
        case let other: throw CMCLError("unknown average \"\(other)\"", hint: "use \"binary\" or \"macro\"", argument: .label("average"))
        }
    }

    static func registerMetrics(_ r: BuiltinRegistry) {
        r.add("accuracy(pred, gold)", "metrics", "Fraction of predictions equal to the gold labels.",
              example: "accuracy([1, 0, 1], [1, 1, 1])") { a in
            .number(try Metrics.accuracy(try classes(a, "pred"), try classes(a, "gold")))
        }
        for (name, index, doc) in [("precision", 0, "Precision"), ("recall", 1, "Recall"), ("f1", 2, "F1")] {
            r.add("\(name)(pred, gold, average: \"binary\", positive: 1)", "metrics",
                  "\(doc) of the positive class (binary) or averaged over classes (macro).",
                  example: "\(name)([1, 0, 1], [1, 1, 0])") { a in
                let p = try Metrics.precisionRecallF1(try classes(a, "pred"), try classes(a, "gold"), average: try average(a))
                return .number([p.precision, p.recall, p.f1][index])
            }
        }
        r.add("mcc(pred, gold)", "metrics", "Matthews correlation coefficient (CoLA's metric).", example: "mcc([1, 0, 1, 0], [1, 0, 0, 0])") { a in
            .number(try Metrics.matthews(try classes(a, "pred"), try classes(a, "gold")))
        }
        r.add("pearson(x, y)", "metrics", "Pearson correlation (STS-B).", example: "pearson([1, 2, 3], [1, 2, 4])") { a in
            .number(try Metrics.pearson(try numbers(try a.value("x"), "x"), try numbers(try a.value("y"), "y")))
        }
        r.add("spearman(x, y)", "metrics", "Spearman rank correlation, ties averaged (STS-B).", example: "spearman([1, 2, 3], [1, 3, 2])") { a in
            .number(try Metrics.spearman(try numbers(try a.value("x"), "x"), try numbers(try a.value("y"), "y")))
        }
        r.add("exact_match(prediction, answers)", "metrics", "SQuAD exact match (official answer normalisation), 0 or 1.",
              example: "exact_match(\"the Eiffel Tower\", [\"Eiffel Tower\"])   # 1") { a in
            .number(Metrics.exactMatch(try a.string("prediction"), answers: try strings(a, "answers")))
        }
        r.add("squad_f1(prediction, answers)", "metrics", "SQuAD token-overlap F1 against the best answer.",
              example: "squad_f1(\"Eiffel\", [\"Eiffel Tower\"])") { a in
            .number(Metrics.squadF1(try a.string("prediction"), answers: try strings(a, "answers")))
        }
        r.add("mrr(scores, relevance)", "metrics", "Mean reciprocal rank over queries (lists of candidate scores and relevances).",
              example: "mrr([[0.9, 0.1], [0.2, 0.8]], [[0, 1], [0, 1]])") { a in
            let s = try a.list("scores").map { try numbers($0, "scores") }
            let rel = try a.list("relevance").map { try numbers($0, "relevance") }
            return .number(try Metrics.meanReciprocalRank(scores: s, relevance: rel))
        }
        r.add("ndcg(scores, relevance, k: nil)", "metrics", "Normalised discounted cumulative gain of one ranking (at k).",
              example: "ndcg([0.9, 0.5, 0.1], [2, 0, 1], k: 3)") { a in
            .number(try Metrics.ndcg(scores: try numbers(try a.value("scores"), "scores"),
                                     relevance: try numbers(try a.value("relevance"), "relevance"), k: try a.optionalInt("k")))
        }
    }

    static func strings(_ a: Arguments, _ name: String) throws -> [String] {
        try a.list(name).map {
            guard case .string(let s) = $0 else { throw CMCLError("`\(name)` must be a list of strings") }
            return s
        }
    }

    // MARK: Synthetic tasks

    static func registerSynthetic(_ r: BuiltinRegistry) {
        r.category("synth", title: "Synthetic tasks (synth.*)")
        r.add("synth.sentiment(self, n: 2000, noise: 0.3, length: 20, label_noise: 0, seed: 0)", "synth",
              "Noisy sentiment: a few signal words among distractor tokens; `noise` and `length` make it harder.",
              example: "let data = synth.sentiment(n: 2000, noise: 0.3)") { a in
            let n = try a.int("n", from: 0), length = max(1, try a.int("length", from: 0))
            try checkSynthetic(Double(n) * Double(length * 16 + 256), "n", "synth.sentiment")
            return text(try Synthetic.sentiment(n: n, noise: try a.number("noise"), length: length,
                                                labelNoise: try a.number("label_noise"), seed: try seed(a), stop: Interrupt.check))
        }
        r.add("synth.qa(self, n: 500, paragraphs: 6, two_hop: 0.5, seed: 0)", "synth",
              "Multi-paragraph question answering with distractor paragraphs (gold paragraphs marked).",
              example: "let qa = synth.qa(n: 200)") { a in
            let n = try a.int("n", from: 0), paragraphs = max(1, try a.int("paragraphs", from: 0))
            try checkSynthetic(Double(n) * Double(max(2, paragraphs)) * 600, n > paragraphs ? "n" : "paragraphs", "synth.qa")
            return .object(DatasetValue(TypedDataset(try Synthetic.questionAnswering(n: n, paragraphs: paragraphs,
                                                                                     twoHop: min(1, max(0, try a.number("two_hop"))),
                                                                                     seed: try seed(a), stop: Interrupt.check))))
        }
        r.add("synth.ranking(self, n: 500, candidates: 10, seed: 0)", "synth", "A small query–candidates ranking task.",
              example: "let rk = synth.ranking(n: 100)") { a in
            let n = try a.int("n", from: 0), candidates = max(1, try a.int("candidates", from: 0))
            try checkSynthetic(Double(n) * Double(candidates) * 500, n > candidates ? "n" : "candidates", "synth.ranking")
            return .object(DatasetValue(TypedDataset(try Synthetic.ranking(n: n, candidates: candidates, seed: try seed(a),
                                                                           stop: Interrupt.check))))
        }
    }

    static func seed(_ a: Arguments) throws -> UInt64 { UInt64(try a.int("seed", from: 0)) }

    /// Refuses a synthetic data set whose estimated size (`bytes`) exceeds the memory limit,
    /// before anything is allocated; the caret goes on the argument that makes it large.
    static func checkSynthetic(_ bytes: Double, _ argument: String, _ name: String) throws {
        let limit = MemoryLimit.defaultBytes()
        guard bytes <= Double(limit) else {
            throw CMCLError("\(name) would need about \(SizeLimit.size(bytes)), more than the memory limit of \(MemoryLimit.describe(limit))",
                            hint: "CMCL_MEMORY_LIMIT sets the limit", argument: .label(argument))
        }
    }
}

extension Array where Element == Value {
    var asList: Value { .list(self) }
}
