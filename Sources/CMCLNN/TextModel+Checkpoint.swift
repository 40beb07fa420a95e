import CMCLTensor
import Foundation

extension TaskHead {
    /// The head as a metadata string: `classification:3`, `regression`, `span`, `ranking`.
    public var code: String {
        switch self {
        case let .classification(c): return "classification:\(c)"
        case .regression: return "regression"
        case .span: return "span"
        case .ranking: return "ranking"
        }
    }

    /// The head described by ``code``.
    public init(code: String) throws {
        let parts = code.split(separator: ":")
        if parts.count == 2, parts[0] == "classification", let c = Int(parts[1]), c >= 1 {
            self = .classification(classes: c)
        } else if parts.count == 1, parts[0] != "classification" {
            self = try TaskHead(name: code)
        } else {
            throw NNError.invalidConfiguration(op: "head", reason: "invalid head description '\(code)'")
        }
    }
}

extension TextModel {
    /// Rebuilds a model saved by ``Module/save(to:metadata:)`` from its architecture metadata and
    /// loads its weights: the language's `load("ckpt.safetensors")`.
    ///
    /// ```swift
    /// try net.save(to: url)
    /// let copy = try TextModel.load(from: url)
    /// ```
    public static func load(from url: URL) throws -> TextModel {
        let file = try SafetensorsFile(url)
        let meta = file.header.metadata
        func fail(_ reason: String) -> NNError { .checkpoint(path: url.path, reason: reason) }
        func int(_ k: String) throws -> Int {
            guard let s = meta[k], let v = Int(s) else { throw fail("metadata lacks integer '\(k)'") }
            return v
        }
        func dbl(_ k: String) throws -> Double {
            guard let s = meta[k], let v = Double(s) else { throw fail("metadata lacks number '\(k)'") }
            return v
        }
        guard let kind = meta["cmcl.model"] else { throw NNError.weightsOnly(path: url.path) }
        // The file must hold every parameter the metadata describes: compare before allocating.
        let stored = file.header.entries.values.reduce(0) { $0 &+ $1.count }
        func checkSize(_ count: Int?, _ what: String) throws {
            guard let count, count <= stored else {
                throw fail("the metadata describes \(what) with \(count.map(String.init) ?? "an uncountable number of") parameters,"
                           + " but the file holds \(stored) values")
            }
        }
        let head = try TaskHead(code: meta["head"] ?? "")
        let model: TextModel
        // Initial values for the weights the checkpoint then replaces (the load below is strict).
        let placeholder = Generator(seed: 0)
        switch kind {
        case "transformer":
            let config = BertConfig(vocabularySize: try int("vocab"), hiddenSize: try int("hidden"), layers: try int("layers"),
                                    heads: try int("heads"), intermediateSize: try int("intermediate"),
                                    maxPositions: try int("max_positions"), typeVocabularySize: try int("type_vocab"),
                                    hiddenDropout: try dbl("dropout"), attentionDropout: try dbl("attention_dropout"),
                                    layerNormEps: try dbl("layer_norm_eps"))
            var c = config
            if let f = meta["family"] {
                guard let family = EncoderFamily(rawValue: f) else { throw fail("unknown family '\(f)'") }
                c.family = family
            }
            if meta["embedding_size"] != nil { c.embeddingSize = try int("embedding_size") }
            if meta["pad_token_id"] != nil { c.padTokenID = try int("pad_token_id") }
            c.freezesPaddingRow = meta["padding_row"] == "frozen"
            if meta["classifier_dropout"] != nil { c.classifierDropout = try dbl("classifier_dropout") }
            do { try c.validate() } catch let NNError.invalidConfiguration(_, reason) { throw fail("metadata: " + reason) }
            // (The count includes a pooler, which span heads lack.)
            try checkSize(c.encoderParameterCount.map { $0 - (c.hiddenSize + 1) * c.hiddenSize }, "a transformer of hidden \(c.hiddenSize), \(c.layers) layers, vocab \(c.vocabularySize)")
            model = try Transformer(config: c, head: head, pooler: meta["pooler"] == "true" ? true : nil, generator: placeholder)
        case "bag_of_embeddings":
            let hidden = try (meta["hidden_widths"] ?? "").split(separator: ",").map { s -> Int in
                guard let v = Int(s) else { throw fail("invalid hidden_widths '\(meta["hidden_widths"] ?? "")'") }
                return v
            }
            guard let act = Activation(rawValue: meta["activation"] ?? "") else { throw fail("invalid activation metadata") }
            let vocab = try int("vocab"), width = try int("width")
            var count: Int? = vocab.multipliedReportingOverflow(by: width).overflow ? nil : vocab * width
            var previous = width
            for w in hidden + [1] {
                let (m, o) = previous.multipliedReportingOverflow(by: w)
                if o { count = nil } else { count = count.map { $0 &+ m } }
                previous = w
            }
            try checkSize(vocab < 0 || width < 0 ? 0 : count, "a bag of embeddings of vocab \(vocab), width \(width)")
            model = try BagOfEmbeddingsClassifier(vocabularySize: try int("vocab"), embeddingWidth: try int("width"), hidden: hidden,
                                                  head: head, activation: act, dropout: try dbl("dropout"), generator: placeholder)
        default:
            throw fail("unknown model kind '\(kind)'")
        }
        var tensors: [String: Tensor] = [:]
        for name in file.header.entries.keys { tensors[name] = try file.tensor(name) }
        do {
            try model.load(stateDictionary: tensors)
        } catch let NNError.stateMismatch(_, m, u, s) {
            throw NNError.stateMismatch(op: "load \(url.lastPathComponent)", missing: m, unexpected: u, shapeMismatches: s)
        }
        return model
    }
}
