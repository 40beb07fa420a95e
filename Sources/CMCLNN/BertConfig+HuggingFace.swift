import Foundation

extension BertConfig {
    /// A configuration read from a Hugging Face `config.json`: `model_type` (`bert`, `electra`,
    /// `roberta`; inferred from `architectures` when absent), the sizes (`vocab_size`,
    /// `hidden_size`, `num_hidden_layers`, `num_attention_heads`, `intermediate_size`), and, with
    /// Hugging Face's defaults when absent, `max_position_embeddings`, `type_vocab_size`,
    /// `embedding_size`, `pad_token_id`, `layer_norm_eps`, dropout rates and
    /// `initializer_range`.
    ///
    /// Every problem is an ``NNError/checkpoint(path:reason:)`` naming the file and the field:
    /// a missing size, a value of the wrong type, a fractional or non-positive size, a size above
    /// ``limits``, an unsupported activation or position embedding type.
    public init(huggingFaceJSON data: Data, path: String = "config.json") throws {
        func fail(_ reason: String) -> NNError { .checkpoint(path: path, reason: reason) }
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data) } catch {
            throw fail("is not valid JSON")
        }
        guard let j = object as? [String: Any] else { throw fail("is not a JSON object") }
        func describe(_ v: Any) -> String {
            if let s = v as? String { return Safetensors.jsonString(s) }
            if let n = v as? NSNumber, String(cString: n.objCType) == "c" { return n.boolValue ? "true" : "false" }
            if v is NSNull { return "null" }
            return "\(v)"
        }
        func int(_ key: String, _ fallback: Int? = nil, limitName: String? = nil) throws -> Int {
            guard let raw = j[key], !(raw is NSNull) else {
                if let fallback { return fallback }
                throw fail("lacks '\(key)' (an integer)")
            }
            guard let n = raw as? NSNumber, String(cString: n.objCType) != "c", n.doubleValue.rounded() == n.doubleValue,
                  abs(n.doubleValue) < 9e15 else {
                throw fail("'\(key)' is \(describe(raw)); it must be an integer")
            }
            let v = Int(n.doubleValue)
            if let name = limitName {
                guard v > 0 else { throw fail("'\(key)' is \(v); it must be positive") }
                if let limit = BertConfig.limits.first(where: { $0.name == name })?.limit, v > limit {
                    throw fail("'\(key)' is \(v), above the limit \(limit) (a corrupt or unsupported configuration)")
                }
            }
            return v
        }
        func number(_ key: String, _ fallback: Double) throws -> Double {
            guard let raw = j[key], !(raw is NSNull) else { return fallback }
            guard let n = raw as? NSNumber, String(cString: n.objCType) != "c", n.doubleValue.isFinite else {
                throw fail("'\(key)' is \(describe(raw)); it must be a number")
            }
            return n.doubleValue
        }
        func rate(_ key: String, _ fallback: Double) throws -> Double {
            let p = try number(key, fallback)
            guard p >= 0, p < 1 else { throw fail("'\(key)' is \(p); a dropout rate must be in [0, 1)") }
            return p
        }
        let family: EncoderFamily
        if let raw = j["model_type"] {
            guard let s = raw as? String, let f = EncoderFamily(rawValue: s) else {
                throw fail("model_type \(describe(raw)) is not supported (bert, electra or roberta)")
            }
            family = f
        } else if let arch = (j["architectures"] as? [Any])?.first as? String,
                  let f = EncoderFamily.allCases.first(where: { arch.lowercased().hasPrefix($0.rawValue) }) {
            family = f
        } else {
            throw fail("lacks 'model_type' (bert, electra or roberta)")
        }
        if let raw = j["hidden_act"] {
            guard let act = raw as? String, act == "gelu" || act == "gelu_python" else {
                throw fail("hidden_act \(describe(raw)) is not supported (only \"gelu\", the erf form)")
            }
        }
        if let raw = j["position_embedding_type"], !(raw is NSNull) {
            guard let kind = raw as? String, kind == "absolute" else {
                throw fail("position_embedding_type \(describe(raw)) is not supported (only \"absolute\")")
            }
        }
        let hidden = try int("hidden_size", limitName: "hidden")
        self.init(vocabularySize: try int("vocab_size", limitName: "vocab"), hiddenSize: hidden,
                  layers: try int("num_hidden_layers", limitName: "layers"), heads: try int("num_attention_heads", limitName: "heads"),
                  intermediateSize: try int("intermediate_size", limitName: "intermediate"),
                  maxPositions: try int("max_position_embeddings", 512, limitName: "max_positions"),
                  typeVocabularySize: try int("type_vocab_size", 2, limitName: "type_vocab"),
                  hiddenDropout: try rate("hidden_dropout_prob", 0.1), attentionDropout: try rate("attention_probs_dropout_prob", 0.1),
                  layerNormEps: try number("layer_norm_eps", 1e-12), initializerRange: try number("initializer_range", 0.02))
        self.family = family
        if family == .electra {
            let e = try int("embedding_size", hidden, limitName: "embedding_size")
            embeddingSize = e == hidden ? nil : e
        }
        padTokenID = try int("pad_token_id", family == .roberta ? 1 : 0)
        freezesPaddingRow = true
        if let raw = j["classifier_dropout"], !(raw is NSNull) { classifierDropout = try rate("classifier_dropout", 0.1) }
        guard hidden % heads == 0 else {
            throw fail("'num_attention_heads' (\(heads)) does not divide 'hidden_size' (\(hidden))")
        }
        guard layerNormEps > 0, layerNormEps < 1 else { throw fail("'layer_norm_eps' is \(layerNormEps); it must be in (0, 1)") }
        guard padTokenID >= 0, padTokenID < vocabularySize else {
            throw fail("'pad_token_id' is \(padTokenID), outside the vocabulary 0..<\(vocabularySize)")
        }
        do { try validate() } catch let NNError.invalidConfiguration(_, reason) { throw fail(reason) }
    }

    /// The Hugging Face class of this family with `head`: `BertForSequenceClassification`,
    /// `ElectraForQuestionAnswering`, …
    public func huggingFaceArchitecture(head: TaskHead) -> String {
        let base = ["bert": "Bert", "electra": "Electra", "roberta": "Roberta"][family.rawValue] ?? "Bert"
        return base + (head == .span ? "ForQuestionAnswering" : "ForSequenceClassification")
    }

    /// A `config.json` that `transformers` reads back as this configuration with `head`
    /// (`num_labels` and `problem_type` for classification and regression heads).
    public func huggingFaceJSON(head: TaskHead, labelNames: [String] = []) -> Data {
        var pairs: [(String, String)] = [
            ("architectures", "[\(Safetensors.jsonString(huggingFaceArchitecture(head: head)))]"),
            ("model_type", Safetensors.jsonString(family.rawValue)),
            ("vocab_size", "\(vocabularySize)"), ("hidden_size", "\(hiddenSize)"), ("num_hidden_layers", "\(layers)"),
            ("num_attention_heads", "\(heads)"), ("intermediate_size", "\(intermediateSize)"), ("hidden_act", "\"gelu\""),
            ("max_position_embeddings", "\(maxPositions)"), ("type_vocab_size", "\(typeVocabularySize)"),
            ("hidden_dropout_prob", Self.json(hiddenDropout)), ("attention_probs_dropout_prob", Self.json(attentionDropout)),
            ("layer_norm_eps", Self.json(layerNormEps)), ("initializer_range", Self.json(initializerRange)),
            ("pad_token_id", "\(padTokenID)"), ("position_embedding_type", "\"absolute\""),
        ]
        if family == .electra { pairs.append(("embedding_size", "\(embeddingWidth)")) }
        if family == .roberta { pairs += [("bos_token_id", "0"), ("eos_token_id", "2")] }
        if let p = classifierDropout { pairs.append(("classifier_dropout", Self.json(p))) }
        let labels: Int
        switch head {
        case let .classification(c):
            labels = c
            pairs.append(("problem_type", c == 1 ? "\"regression\"" : "\"single_label_classification\""))
        case .regression, .ranking:
            labels = 1
            pairs.append(("problem_type", "\"regression\""))
        case .span:
            labels = 2
        }
        let names = (0..<labels).map { $0 < labelNames.count ? labelNames[$0] : "LABEL_\($0)" }
        pairs.append(("id2label", "{" + names.enumerated().map { "\"\($0.offset)\": \(Safetensors.jsonString($0.element))" }
            .joined(separator: ", ") + "}"))
        pairs.append(("label2id", "{" + names.enumerated().map { "\(Safetensors.jsonString($0.element)): \($0.offset)" }
            .joined(separator: ", ") + "}"))
        let body = pairs.map { "  \(Safetensors.jsonString($0.0)): \($0.1)" }.joined(separator: ",\n")
        return Data(("{\n" + body + "\n}\n").utf8)
    }

    static func json(_ x: Double) -> String {
        x.isFinite ? "\(x)" : "null"
    }
}
