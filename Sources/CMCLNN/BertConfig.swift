import Foundation

/// The sizes of a BERT-architecture encoder, with Hugging Face's defaults for the rest.
///
/// ```swift
/// let tiny = BertConfig(vocabularySize: 5000, hiddenSize: 128, layers: 2, heads: 2)   // BERT-tiny shape
/// let miniLM = try BertConfig(huggingFaceJSON: Data(contentsOf: configURL))
/// ```
public struct BertConfig: Sendable, Equatable {
    /// Word-piece vocabulary size.
    public var vocabularySize: Int
    /// Hidden width.
    public var hiddenSize: Int
    /// Number of transformer layers.
    public var layers: Int
    /// Attention heads per layer (must divide `hiddenSize`).
    public var heads: Int
    /// Feed-forward width (default 4 × hidden).
    public var intermediateSize: Int
    /// Longest sequence (position embeddings).
    public var maxPositions: Int
    /// Number of token types (segments).
    public var typeVocabularySize: Int
    /// Dropout on embeddings and sub-layer outputs.
    public var hiddenDropout: Double
    /// Dropout on attention probabilities.
    public var attentionDropout: Double
    /// Layer-norm epsilon.
    public var layerNormEps: Double
    /// Standard deviation of the normal weight initialisation.
    public var initializerRange: Double

    /// A configuration; `intermediateSize` defaults to `4 · hiddenSize`.
    public init(vocabularySize: Int, hiddenSize: Int = 128, layers: Int = 2, heads: Int = 2, intermediateSize: Int? = nil,
                maxPositions: Int = 512, typeVocabularySize: Int = 2, hiddenDropout: Double = 0.1, attentionDropout: Double = 0.1,
                layerNormEps: Double = 1e-12, initializerRange: Double = 0.02) {
        self.vocabularySize = vocabularySize
        self.hiddenSize = hiddenSize
        self.layers = layers
        self.heads = heads
        self.intermediateSize = intermediateSize ?? 4 * hiddenSize
        self.maxPositions = maxPositions
        self.typeVocabularySize = typeVocabularySize
        self.hiddenDropout = hiddenDropout
        self.attentionDropout = attentionDropout
        self.layerNormEps = layerNormEps
        self.initializerRange = initializerRange
    }

    /// A configuration read from a Hugging Face `config.json` (`vocab_size`, `hidden_size`,
    /// `num_hidden_layers`, `num_attention_heads`, `intermediate_size`, …).
    public init(huggingFaceJSON data: Data) throws {
        guard let obj = try? JSONSerialization.jsonObject(with: data), let j = obj as? [String: Any] else {
            throw NNError.invalidConfiguration(op: "bert config", reason: "config.json is not a JSON object")
        }
        func int(_ k: String) throws -> Int {
            guard let v = (j[k] as? NSNumber)?.intValue else { throw NNError.invalidConfiguration(op: "bert config", reason: "config.json lacks integer '\(k)'") }
            return v
        }
        func dbl(_ k: String, _ d: Double) -> Double { (j[k] as? NSNumber)?.doubleValue ?? d }
        if let act = j["hidden_act"] as? String, act != "gelu" {
            throw NNError.invalidConfiguration(op: "bert config", reason: "hidden_act '\(act)' is not supported (only erf gelu)")
        }
        self.init(vocabularySize: try int("vocab_size"), hiddenSize: try int("hidden_size"), layers: try int("num_hidden_layers"),
                  heads: try int("num_attention_heads"), intermediateSize: try int("intermediate_size"),
                  maxPositions: (j["max_position_embeddings"] as? NSNumber)?.intValue ?? 512,
                  typeVocabularySize: (j["type_vocab_size"] as? NSNumber)?.intValue ?? 2,
                  hiddenDropout: dbl("hidden_dropout_prob", 0.1), attentionDropout: dbl("attention_probs_dropout_prob", 0.1),
                  layerNormEps: dbl("layer_norm_eps", 1e-12), initializerRange: dbl("initializer_range", 0.02))
    }

    /// Throws unless every size is positive, heads divide the hidden width and rates are in [0, 1).
    public func validate() throws {
        let sizes = [("vocab", vocabularySize), ("hidden", hiddenSize), ("layers", layers), ("heads", heads),
                     ("intermediate", intermediateSize), ("max_positions", maxPositions), ("type_vocab", typeVocabularySize)]
        for (n, v) in sizes where v <= 0 {
            throw NNError.invalidConfiguration(op: "transformer", reason: "\(n) must be positive, got \(v)")
        }
        guard hiddenSize % heads == 0 else {
            throw NNError.invalidConfiguration(op: "transformer", reason: "heads (\(heads)) must divide hidden (\(hiddenSize))")
        }
        for (n, p) in [("dropout", hiddenDropout), ("attention_dropout", attentionDropout)] where !(p >= 0 && p < 1) {
            throw NNError.invalidConfiguration(op: "transformer", reason: "\(n) must be in [0, 1), got \(p)")
        }
    }
}
