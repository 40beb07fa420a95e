import CMCLTensor
import Foundation

/// A BERT-architecture encoder with a task head, laid out exactly as Hugging Face's
/// `BertModel` / `ElectraModel` / `RobertaModel` (without the `bert.`, `electra.` or `roberta.`
/// prefix) plus the head of the matching `…ForSequenceClassification` or
/// `…ForQuestionAnswering`:
///
/// - `embeddings.{word,position,token_type}_embeddings.weight`, `embeddings.LayerNorm.{weight,bias}`
/// - ELECTRA with an embedding width other than the hidden width: `embeddings_project.*`
/// - `encoder.layer.N.attention.self.{query,key,value}.{weight,bias}`,
///   `encoder.layer.N.attention.output.{dense,LayerNorm}.*`, `encoder.layer.N.intermediate.dense.*`,
///   `encoder.layer.N.output.{dense,LayerNorm}.*`
/// - `pooler.dense.*`: BERT with a classification, regression or ranking head (tanh over the
///   first token); RoBERTa only when asked for (its sequence classifier does not use it)
/// - head: BERT `dropout` + `classifier.*`; ELECTRA and RoBERTa `classifier.dense.*` +
///   `classifier.out_proj.*` (GELU or tanh between them); span heads `qa_outputs.*`.
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
    /// `embeddings_project` (ELECTRA with an embedding width other than the hidden width).
    public let embeddingsProject: Linear?
    /// `encoder.layer`.
    public let layers: ModuleList
    /// `pooler.dense`, when the model has a pooler.
    public let pooler: Linear?
    /// Dropout before the head's first projection (`dropout` for BERT, `classifier.dropout` for
    /// ELECTRA and RoBERTa); nil for span heads.
    public let headDropout: Dropout?
    /// ELECTRA and RoBERTa: `classifier.dense`, and the dropout after its activation.
    public let headDense: Linear?, headDenseDropout: Dropout?
    /// The head's last projection: `classifier`, `classifier.out_proj` or `qa_outputs`.
    public let output: Linear

    /// An encoder of shape `config` with `head`, initialised as BERT (`N(0, 0.02)` weights, zero
    /// biases, unit layer norms) from `generator`. `pooler` overrides whether the model has a
    /// pooler (BERT's classifiers always read one).
    public init(config: BertConfig, head: TaskHead = .classification(classes: 2), pooler withPooler: Bool? = nil,
                generator: Generator) throws {
        try config.validate()
        if case let .classification(c) = head, c < 1 {
            throw NNError.invalidConfiguration(op: "transformer", reason: "classes must be at least 1, got \(c)")
        }
        self.config = config
        let h = config.hiddenSize, std = config.initializerRange
        let isSpan = head == .span
        let twoLayerHead = !isSpan && config.family != .bert
        let hasPooler = (config.family == .bert && !isSpan) || (config.family != .electra && withPooler == true)
        embeddings = try BertEmbeddings(config, generator: generator)
        embeddingsProject = config.embeddingWidth == h ? nil : try Linear(config.embeddingWidth, h, std: std, generator: generator)
        layers = ModuleList(try (0..<config.layers).map { try BertLayer(config, index: $0, generator: generator) })
        pooler = hasPooler ? try Linear(h, h, std: std, generator: generator) : nil
        let headRate = config.classifierDropout ?? config.hiddenDropout
        headDropout = isSpan ? nil : try Dropout(headRate)
        headDense = twoLayerHead ? try Linear(h, h, std: std, generator: generator) : nil
        headDenseDropout = twoLayerHead ? try Dropout(headRate) : nil
        output = try Linear(h, head.outputWidth, std: std, generator: generator)
        super.init(head: head)
        addChild("embeddings", embeddings)
        if let embeddingsProject { addChild("embeddings_project", embeddingsProject) }
        let encoder = Module()
        encoder.addChild("layer", layers)
        addChild("encoder", encoder)
        if let pooler {
            let p = Module()
            p.addChild("dense", pooler)
            addChild("pooler", p)
        }
        if isSpan {
            addChild("qa_outputs", output)
        } else if let headDense, let headDropout, let headDenseDropout {
            let c = Module()
            c.addChild("dropout", headDropout)
            c.addChild("dense", headDense)
            c.addChild("dense_dropout", headDenseDropout)
            c.addChild("out_proj", output)
            addChild("classifier", c)
        } else {
            if let headDropout { addChild("dropout", headDropout) }
            addChild("classifier", output)
        }
    }

    /// The language's `transformer(vocab:, layers:, hidden:, heads:, classes:)`.
    public convenience init(vocabularySize: Int, layers: Int = 2, hidden: Int = 128, heads: Int = 2, intermediate: Int? = nil,
                            maxPositions: Int = 512, classes: Int = 2, head: TaskHead? = nil, dropout: Double = 0.1,
                            generator: Generator) throws {
        try self.init(config: BertConfig(vocabularySize: vocabularySize, hiddenSize: hidden, layers: layers, heads: heads,
                                         intermediateSize: intermediate, maxPositions: maxPositions,
                                         hiddenDropout: dropout, attentionDropout: dropout),
                      head: head ?? .classification(classes: classes), generator: generator)
    }

    public override var typeName: String { "Transformer" }

    /// Attention mixes tokens within a row only; every dropout site leads with the batch axis.
    public override var rowsAreIndependent: Bool { true }

    public override var architecture: [String: String] {
        var a = ["cmcl.model": "transformer", "head": head.code, "vocab": "\(config.vocabularySize)", "hidden": "\(config.hiddenSize)",
                 "layers": "\(config.layers)", "heads": "\(config.heads)", "intermediate": "\(config.intermediateSize)",
                 "max_positions": "\(config.maxPositions)", "type_vocab": "\(config.typeVocabularySize)",
                 "dropout": "\(config.hiddenDropout)", "attention_dropout": "\(config.attentionDropout)",
                 "layer_norm_eps": "\(config.layerNormEps)"]
        if config.family != .bert { a["family"] = config.family.rawValue }
        if let e = config.embeddingSize { a["embedding_size"] = "\(e)" }
        if config.padTokenID != 0 { a["pad_token_id"] = "\(config.padTokenID)" }
        if config.freezesPaddingRow { a["padding_row"] = "frozen" }
        if let p = config.classifierDropout { a["classifier_dropout"] = "\(p)" }
        if pooler != nil && config.family == .roberta { a["pooler"] = "true" }
        return a
    }

    public override var ignoredStateKeys: Set<String> { ["embeddings.position_ids", "embeddings.token_type_ids"] }

    /// The additive attention mask `[batch, 1, 1, seq]`: 0 on real tokens, the most negative
    /// float on padding (as Hugging Face), or nil when every token is real.
    public static func extendedMask(_ batch: Batch) throws -> Tensor? {
        guard let m = batch.attentionMask else { return nil }
        let f = m.dtype == .float32 ? m : try m.to(.float32)
        return try f.rsub(1).mul(-Double(Float.greatestFiniteMagnitude)).reshape([batch.size, 1, 1, batch.length])
    }

    /// The final token states `[batch, seq, hidden]`.
    public func encode(_ batch: Batch, context: ForwardContext) throws -> Tensor {
        try encode(batch, context: context, everyLayer: nil)
    }

    /// The final token states; when `everyLayer` is given, it receives the input of the first
    /// layer and every layer's output in order (Hugging Face's `hidden_states`).
    func encode(_ batch: Batch, context: ForwardContext, packing: TokenPacking? = nil, everyLayer: ((Tensor) -> Void)?) throws -> Tensor {
        if let tt = batch.tokenTypes, let bad = tt.toInts().first(where: { $0 < 0 || Int($0) >= config.typeVocabularySize }) {
            throw NNError.invalidInput(op: "transformer", reason: "token type \(bad) is outside 0..<\(config.typeVocabularySize)")
        }
        if let bad = batch.ids.toInts().first(where: { $0 < 0 || Int($0) >= config.vocabularySize }) {
            throw NNError.invalidInput(op: "transformer", reason: "token id \(bad) is outside the vocabulary 0..<\(config.vocabularySize)")
        }
        let mask = try Transformer.extendedMask(batch)
        var h = try embeddings.forward(ids: batch.ids, tokenTypes: batch.tokenTypes, packing: packing, context: context)
        if let embeddingsProject { h = try embeddingsProject(h, context: context) }
        everyLayer?(h)
        for case let layer as BertLayer in layers.items {
            h = try layer.forward(h, mask: mask, packing: packing, context: context)
            everyLayer?(h)
        }
        return h
    }

    /// The hidden states of `batch`: the output of the embeddings and of every layer
    /// (`layers.count + 1` tensors `[batch, seq, hidden]`), the last of them, and the pooler's
    /// output `[batch, hidden]` when the model has a pooler.
    public func hiddenStates(_ batch: Batch, context: ForwardContext = ForwardContext()) throws
        -> (layers: [Tensor], last: Tensor, pooled: Tensor?) {
        var all: [Tensor] = []
        let h = try encode(batch, context: context) { all.append($0) }
        let pooled = try pooler.map { try $0.apply(h.select(axis: 1, index: 0), context: context, activation: .tanh) }
        return (all, h, pooled)
    }

    /// Whether heads that read the first token only (classification, regression, ranking) run
    /// the encoder on the real tokens alone (``TokenPacking``) when a batch has enough padding.
    /// The results are the padded computation's up to the order of float additions in weight
    /// gradients; off, every position is computed as Hugging Face does.
    public var packsTokens = true

    public override func forward(_ batch: Batch, context: ForwardContext) throws -> ModelOutput {
        if let headDropout, packsTokens, context.neuronMasks.isEmpty, let packing = try TokenPacking(batch) {
            let h = try encode(batch, context: context, packing: packing, everyLayer: nil)
            let first = try h.indexSelect(axis: 0, indices: packing.firstRows)      // [b, hidden]
            return try classify(first, headDropout: headDropout, hidden: packing.unpack(h), context: context)
        }
        let h = try encode(batch, context: context)
        guard let headDropout else {
            let logits = try output(h, context: context)                       // [b, t, 2]
            return ModelOutput(logits: logits, startLogits: try batch.maskingSpanLogits(logits.select(axis: -1, index: 0)),
                               endLogits: try batch.maskingSpanLogits(logits.select(axis: -1, index: 1)), hidden: h)
        }
        return try classify(h.select(axis: 1, index: 0), headDropout: headDropout, hidden: h, context: context)
    }

    /// The classification, regression or ranking head on the first token's states `first` `[b, hidden]`.
    private func classify(_ first: Tensor, headDropout: Dropout, hidden h: Tensor, context: ForwardContext) throws -> ModelOutput {
        var logits: Tensor, pooled: Tensor
        if let headDense, let headDenseDropout {
            let act: Activation = config.family == .electra ? .gelu : .tanh
            pooled = try headDense.apply(headDropout(first, context: context), context: context, activation: act)
            logits = try output(headDenseDropout(pooled, context: context), context: context)
        } else if let pooler {
            pooled = try pooler.apply(first, context: context, activation: .tanh)
            logits = try output(headDropout(pooled, context: context), context: context)
        } else {
            throw NNError.invalidConfiguration(op: "transformer", reason: "a BERT classification head needs a pooler")
        }
        if head == .regression || head == .ranking { logits = try logits.squeeze(-1) }
        return ModelOutput(logits: logits, pooled: pooled, hidden: h)
    }
}
