
/// The encoder families that share BERT's layers and differ in their embeddings and heads.
public enum EncoderFamily: String, Sendable, Equatable, CaseIterable {
    /// BERT (and MiniLM, which has its shape): absolute positions from 0, token types, a tanh
    /// pooler feeding the classifier.
    case bert
    /// ELECTRA discriminators: embeddings of their own width projected to the hidden width
    /// (`embeddings_project`), no pooler, a two-layer GELU classification head.
    case electra
    /// RoBERTa: positions counted from `padTokenID + 1` over non-padding tokens, one token
    /// type, a two-layer tanh classification head.
    case roberta
}

/// The sizes of a BERT-architecture encoder, with Hugging Face's defaults for the rest.
///
/// ```swift
/// let tiny = BertConfig(vocabularySize: 5000, hiddenSize: 128, layers: 2, heads: 2)   // BERT-tiny shape
/// let miniLM = try BertConfig(huggingFaceJSON: Data(contentsOf: configURL))
/// ```
public struct BertConfig: Sendable, Equatable {
    /// The family (embeddings and head layout).
    public var family: EncoderFamily = .bert
    /// Width of the embeddings (ELECTRA's `embedding_size`); equal to `hiddenSize` unless set.
    public var embeddingSize: Int? = nil
    /// The padding token id (RoBERTa's positions start after it).
    public var padTokenID: Int = 0
    /// Whether the word-embedding row of `padTokenID` is never trained, as transformers'
    /// `nn.Embedding(padding_idx=pad_token_id)` does: true for checkpoints read from a Hugging
    /// Face `config.json` (which always declares a padding id, explicitly or by default).
    public var freezesPaddingRow: Bool = false
    /// Dropout of the classification head (`classifier_dropout`); `hiddenDropout` when nil.
    public var classifierDropout: Double? = nil

    /// The width of the embedding tables.
    public var embeddingWidth: Int { embeddingSize ?? hiddenSize }
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

    /// The largest value accepted for each size: far above any real encoder, low enough that a
    /// corrupt or hostile configuration is an error before anything is allocated.
    public static let limits: [(name: String, limit: Int)] = [
        ("vocab", 10_000_000), ("hidden", 65_536), ("layers", 1_024), ("heads", 1_024), ("intermediate", 1_048_576),
        ("max_positions", 1_048_576), ("type_vocab", 65_536), ("embedding_size", 65_536),
    ]

    /// The largest number of parameters (4 G, 16 GB of float32) a configuration may describe.
    public static let maxParameters = 1 << 32

    /// The number of encoder parameters (embeddings, layers, pooler; no head), or nil when it
    /// overflows.
    public var encoderParameterCount: Int? {
        func mul(_ xs: Int...) -> Int? {
            var p = 1
            for x in xs { let (m, o) = p.multipliedReportingOverflow(by: x); if o { return nil }; p = m }
            return p
        }
        let h = hiddenSize, e = embeddingWidth, i = intermediateSize
        guard let words = mul(vocabularySize + maxPositions + typeVocabularySize, e),
              let attention = mul(4, h, h), let ffn = mul(2, h, i), let perLayer = Optional(attention + ffn + 9 * h + i),
              let layerTotal = mul(perLayer, layers), let project = mul(e == h ? 0 : 1, e + 1, h), let pooler = mul(h + 1, h)
        else { return nil }
        let (sum, o) = [words, 2 * e, layerTotal, project, pooler].reduce((0, false)) { acc, x in
            let (s, o) = acc.0.addingReportingOverflow(x)
            return (s, acc.1 || o)
        }
        return o ? nil : sum
    }

    /// Throws unless every size is positive and plausible, heads divide the hidden width and
    /// rates are in [0, 1).
    public func validate() throws {
        let sizes = [("vocab", vocabularySize), ("hidden", hiddenSize), ("layers", layers), ("heads", heads),
                     ("intermediate", intermediateSize), ("max_positions", maxPositions), ("type_vocab", typeVocabularySize),
                     ("embedding_size", embeddingWidth)]
        for (n, v) in sizes where v <= 0 {
            throw NNError.invalidConfiguration(op: "transformer", reason: "\(n) must be positive, got \(v)")
        }
        for (n, v) in sizes {
            if let limit = Self.limits.first(where: { $0.name == n })?.limit, v > limit {
                throw NNError.invalidConfiguration(op: "transformer", reason: "\(n) \(v) is above the limit \(limit)")
            }
        }
        guard let count = encoderParameterCount, count <= Self.maxParameters else {
            throw NNError.invalidConfiguration(
                op: "transformer",
                reason: "hidden \(hiddenSize), \(layers) layers, vocab \(vocabularySize) describe "
                    + (encoderParameterCount.map { "\($0) parameters" } ?? "more parameters than can be counted")
                    + ", above the limit \(Self.maxParameters)")
        }
        guard padTokenID >= 0, padTokenID < vocabularySize else {
            throw NNError.invalidConfiguration(op: "transformer", reason: "pad token id \(padTokenID) is outside the vocabulary 0..<\(vocabularySize)")
        }
        if family == .roberta, padTokenID + 2 > maxPositions {
            throw NNError.invalidConfiguration(op: "transformer", reason: "max_positions \(maxPositions) leaves no room after the padding offset \(padTokenID + 1)")
        }
        if let p = classifierDropout, !(p >= 0 && p < 1) {
            throw NNError.invalidConfiguration(op: "transformer", reason: "classifier_dropout must be in [0, 1), got \(p)")
        }
        guard layerNormEps > 0, layerNormEps < 1 else {
            throw NNError.invalidConfiguration(op: "transformer", reason: "layer_norm_eps must be in (0, 1), got \(layerNormEps)")
        }
        guard hiddenSize % heads == 0 else {
            throw NNError.invalidConfiguration(op: "transformer", reason: "heads (\(heads)) must divide hidden (\(hiddenSize))")
        }
        for (n, p) in [("dropout", hiddenDropout), ("attention_dropout", attentionDropout)] where !(p >= 0 && p < 1) {
            throw NNError.invalidConfiguration(op: "transformer", reason: "\(n) must be in [0, 1), got \(p)")
        }
    }
}
