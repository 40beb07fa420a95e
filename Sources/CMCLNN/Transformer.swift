import CMCLTensor
import Foundation

/// A BERT-architecture encoder with a task head, laid out exactly as Hugging Face's
/// `BertModel` (without the `bert.` prefix) plus the head of `BertFor…`:
///
/// - `embeddings.{word,position,token_type}_embeddings.weight`, `embeddings.LayerNorm.{weight,bias}`
/// - `encoder.layer.N.attention.self.{query,key,value}.{weight,bias}`,
///   `encoder.layer.N.attention.output.{dense,LayerNorm}.*`, `encoder.layer.N.intermediate.dense.*`,
///   `encoder.layer.N.output.{dense,LayerNorm}.*`
/// - `pooler.dense.*` (tanh over the first token; absent for span heads, as in
///   `BertForQuestionAnswering`)
/// - head: `dropout` + `classifier.*` (classification, regression, ranking) or `qa_outputs.*` (span).
///
/// Post-norm layers, GELU (erf), additive mask on padded keys, Linear weights `[out, in]`.
///
/// ```swift
/// let net = try Transformer(vocabularySize: 5000, layers: 2, hidden: 128, heads: 2, classes: 2)
/// let logits = try net(batch).logits          // [batch, 2]
/// try net.load(from: URL(fileURLWithPath: "model.safetensors"), strict: false)
/// ```
public final class Transformer: TextModel, @unchecked Sendable {
    /// The sizes.
    public let config: BertConfig
    /// `embeddings`.
    public let embeddings: BertEmbeddings
    /// `encoder.layer`.
    public let layers: ModuleList
    /// `pooler.dense`, when the head reads the pooled first token.
    public let pooler: Linear?
    /// `dropout` before the head (classification, regression, ranking).
    public let headDropout: Dropout?
    /// `classifier` or `qa_outputs`.
    public let output: Linear

    /// An encoder of shape `config` with `head`, initialised as BERT (`N(0, 0.02)` weights, zero
    /// biases, unit layer norms) from `generator`.
    public init(config: BertConfig, head: TaskHead = .classification(classes: 2), generator: Generator = .default) throws {
        try config.validate()
        if case let .classification(c) = head, c < 1 {
            throw NNError.invalidConfiguration(op: "transformer", reason: "classes must be at least 1, got \(c)")
        }
        self.config = config
        embeddings = try BertEmbeddings(config, generator: generator)
        layers = ModuleList(try (0..<config.layers).map { try BertLayer(config, index: $0, generator: generator) })
        let isSpan = head == .span
        pooler = isSpan ? nil : try Linear(config.hiddenSize, config.hiddenSize, std: config.initializerRange, generator: generator)
        headDropout = isSpan ? nil : try Dropout(config.hiddenDropout)
        output = try Linear(config.hiddenSize, head.outputWidth, std: config.initializerRange, generator: generator)
        super.init(head: head)
        addChild("embeddings", embeddings)
        let encoder = Module()
        encoder.addChild("layer", layers)
        addChild("encoder", encoder)
        if let pooler {
            let p = Module()
            p.addChild("dense", pooler)
            addChild("pooler", p)
        }
        if let headDropout { addChild("dropout", headDropout) }
        addChild(isSpan ? "qa_outputs" : "classifier", output)
    }

    /// The language's `transformer(vocab:, layers:, hidden:, heads:, classes:)`.
    public convenience init(vocabularySize: Int, layers: Int = 2, hidden: Int = 128, heads: Int = 2, intermediate: Int? = nil,
                            maxPositions: Int = 512, classes: Int = 2, head: TaskHead? = nil, dropout: Double = 0.1,
                            generator: Generator = .default) throws {
        try self.init(config: BertConfig(vocabularySize: vocabularySize, hiddenSize: hidden, layers: layers, heads: heads,
                                         intermediateSize: intermediate, maxPositions: maxPositions,
                                         hiddenDropout: dropout, attentionDropout: dropout),
                      head: head ?? .classification(classes: classes), generator: generator)
    }

    public override var typeName: String { "Transformer" }

    public override var architecture: [String: String] {
        ["cmcl.model": "transformer", "head": head.code, "vocab": "\(config.vocabularySize)", "hidden": "\(config.hiddenSize)",
         "layers": "\(config.layers)", "heads": "\(config.heads)", "intermediate": "\(config.intermediateSize)",
         "max_positions": "\(config.maxPositions)", "type_vocab": "\(config.typeVocabularySize)",
         "dropout": "\(config.hiddenDropout)", "attention_dropout": "\(config.attentionDropout)",
         "layer_norm_eps": "\(config.layerNormEps)"]
    }

    public override var ignoredStateKeys: Set<String> { ["embeddings.position_ids"] }

    /// The additive attention mask `[batch, 1, 1, seq]`: 0 on real tokens, the most negative
    /// float on padding (as Hugging Face), or nil when every token is real.
    public static func extendedMask(_ batch: Batch) throws -> Tensor? {
        guard let m = batch.attentionMask else { return nil }
        let f = m.dtype == .float32 ? m : try m.to(.float32)
        return try f.rsub(1).mul(-Double(Float.greatestFiniteMagnitude)).reshape([batch.size, 1, 1, batch.length])
    }

    /// The final token states `[batch, seq, hidden]`.
    public func encode(_ batch: Batch, context: ForwardContext) throws -> Tensor {
        if let tt = batch.tokenTypes, let bad = tt.toInts().first(where: { $0 < 0 || Int($0) >= config.typeVocabularySize }) {
            throw NNError.invalidInput(op: "transformer", reason: "token type \(bad) is outside 0..<\(config.typeVocabularySize)")
        }
        if let bad = batch.ids.toInts().first(where: { $0 < 0 || Int($0) >= config.vocabularySize }) {
            throw NNError.invalidInput(op: "transformer", reason: "token id \(bad) is outside the vocabulary 0..<\(config.vocabularySize)")
        }
        let mask = try Transformer.extendedMask(batch)
        var h = try embeddings.forward(ids: batch.ids, tokenTypes: batch.tokenTypes, context: context)
        for case let layer as BertLayer in layers.items {
            h = try layer.forward(h, mask: mask, context: context)
        }
        return h
    }

    public override func forward(_ batch: Batch, context: ForwardContext) throws -> ModelOutput {
        let h = try encode(batch, context: context)
        guard let pooler, let headDropout else {
            let logits = try output(h, context: context)                       // [b, t, 2]
            return ModelOutput(logits: logits, startLogits: try batch.maskingSpanLogits(logits.select(axis: -1, index: 0)),
                               endLogits: try batch.maskingSpanLogits(logits.select(axis: -1, index: 1)), hidden: h)
        }
        let first = try h.select(axis: 1, index: 0)                             // [b, hidden]
        let pooled = try pooler.apply(first, context: context, activation: .tanh)
        var logits = try output(headDropout(pooled, context: context), context: context)
        if head == .regression || head == .ranking { logits = try logits.squeeze(-1) }
        return ModelOutput(logits: logits, pooled: pooled, hidden: h)
    }
}
