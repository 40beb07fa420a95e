import CMCLTensor
import Foundation

/// Word, position and token-type embeddings, summed, layer-normalised and dropped out
/// (`embeddings.*` of Hugging Face's BertModel, ElectraModel and RobertaModel). Their width is
/// the configuration's ``BertConfig/embeddingWidth`` (ELECTRA projects it to the hidden width
/// afterwards). RoBERTa numbers positions from `padTokenID + 1` over non-padding tokens.
public final class BertEmbeddings: Module, @unchecked Sendable {
    /// `word_embeddings` `[vocab, width]`.
    public let wordEmbeddings: Embedding
    /// `position_embeddings` `[max_positions, width]`.
    public let positionEmbeddings: Embedding
    /// `token_type_embeddings` `[types, width]`.
    public let tokenTypeEmbeddings: Embedding
    /// `LayerNorm`.
    public let norm: LayerNorm
    /// `dropout`.
    public let dropout: Dropout
    /// The family (how positions are numbered).
    public let family: EncoderFamily
    /// The padding id (RoBERTa positions).
    public let padTokenID: Int32

    /// Embeddings for `config`.
    public init(_ config: BertConfig, generator: Generator) throws {
        let std = config.initializerRange, width = config.embeddingWidth
        wordEmbeddings = try Embedding(config.vocabularySize, width, std: std, generator: generator)
        if config.freezesPaddingRow { wordEmbeddings.paddingIndex = config.padTokenID }
        positionEmbeddings = try Embedding(config.maxPositions, width, std: std, generator: generator)
        tokenTypeEmbeddings = try Embedding(config.typeVocabularySize, width, std: std, generator: generator)
        norm = try LayerNorm(width, eps: config.layerNormEps)
        dropout = try Dropout(config.hiddenDropout)
        family = config.family
        padTokenID = Int32(config.padTokenID)
        super.init()
        addChild("word_embeddings", wordEmbeddings)
        addChild("position_embeddings", positionEmbeddings)
        addChild("token_type_embeddings", tokenTypeEmbeddings)
        addChild("LayerNorm", norm)
        addChild("dropout", dropout)
    }

    /// RoBERTa's position ids `[batch, seq]`: `padTokenID + k` for the k-th non-padding token
    /// (k from 1), `padTokenID` on padding.
    public static func robertaPositions(_ ids: Tensor, padTokenID: Int32) throws -> Tensor {
        let b = ids.shape[0], t = ids.shape[1]
        let values = ids.toInts()
        var out = [Int32](repeating: padTokenID, count: values.count)
        for r in 0..<b {
            var k: Int32 = 0
            for c in 0..<t where values[r * t + c] != padTokenID {
                k += 1
                out[r * t + c] = padTokenID + k
            }
        }
        return try Tensor(ints: out, shape: [b, t])
    }

    /// `[batch, seq, width]` embeddings of `ids` with optional `tokenTypes`; with a `packing`,
    /// the real tokens' rows `[tokens, width]`.
    public func forward(ids: Tensor, tokenTypes: Tensor?, packing: TokenPacking? = nil, context: ForwardContext) throws -> Tensor {
        let t = ids.shape[1]
        let needed = family == .roberta ? t + Int(padTokenID) + 1 : t
        guard needed <= positionEmbeddings.count else {
            throw NNError.invalidInput(op: "transformer", reason: "sequence length \(t) exceeds the \(positionEmbeddings.count - (needed - t)) position embeddings")
        }
        var e = try wordEmbeddings(ids, context: context)
        if let tokenTypes {
            e = try e.add(tokenTypeEmbeddings(tokenTypes, context: context))
        } else {
            e = try e.add(context.resolve(tokenTypeEmbeddings.weight).select(axis: 0, index: 0))
        }
        if family == .roberta {
            e = try e.add(positionEmbeddings(BertEmbeddings.robertaPositions(ids, padTokenID: padTokenID), context: context))
        } else {
            e = try e.add(context.resolve(positionEmbeddings.weight).slice(axis: 0, start: 0, end: t))
        }
        if let packing { e = try packing.pack(e) }
        return try dropout.forward(norm(e, context: context), packing: packing, context: context)
    }
}

/// Multi-head self-attention (`attention.self`): query/key/value projections, scaled dot
/// products with an additive mask, softmax, dropout on the probabilities, optional head mask.
public final class BertSelfAttention: Module, SiteProviding, @unchecked Sendable {
    /// Projections `[hidden, hidden]`.
    public let query: Linear, key: Linear, value: Linear
    /// Dropout on attention probabilities.
    public let dropout: Dropout
    /// Number of heads.
    public let heads: Int
    /// The index of the layer this attention belongs to.
    public let layerIndex: Int

    init(_ config: BertConfig, layerIndex: Int, generator: Generator) throws {
        let h = config.hiddenSize, std = config.initializerRange
        query = try Linear(h, h, std: std, generator: generator)
        key = try Linear(h, h, std: std, generator: generator)
        value = try Linear(h, h, std: std, generator: generator)
        dropout = try Dropout(config.attentionDropout)
        heads = config.heads
        self.layerIndex = layerIndex
        super.init()
        addChild("query", query)
        addChild("key", key)
        addChild("value", value)
        addChild("dropout", dropout)
    }

    public var ownSites: [Site] { [Site(kind: .heads, name: path, width: heads, layer: layerIndex)] }

    /// The attention context `[batch, seq, hidden]` for states `x` and additive mask `[batch, 1, 1, seq]`.
    /// With a `packing`, `x` and the result are packed token rows `[tokens, hidden]`; the scores
    /// and probabilities keep the padded layout.
    public func forward(_ x: Tensor, mask: Tensor?, packing: TokenPacking? = nil, context: ForwardContext) throws -> Tensor {
        let b = packing?.batch ?? x.shape[0], t = packing?.length ?? x.shape[1], hidden = x.shape[x.rank - 1], d = hidden / heads
        func split(_ y: Tensor) throws -> Tensor {
            try (packing.map { try $0.unpack(y) } ?? y).reshape([b, t, heads, d]).permute([0, 2, 1, 3])
        }
        let q = try split(query(x, context: context))
        let k = try split(key(x, context: context))
        let v = try split(value(x, context: context))
        let scores = try q.matmul(k.transpose(), precision: context.precision)    // [b, heads, t, t]
        var probs = try scores.maskedSoftmax(mask: mask, scale: 1 / Foundation.sqrt(Double(d)))
        probs = try dropout(probs, context: context)
        if let hm = context.headMasks[layerIndex] {
            let shaped: Tensor
            if hm.shape == [heads] { shaped = try hm.reshape([1, heads, 1, 1]) }
            else if hm.shape == [b, heads] { shaped = try hm.reshape([b, heads, 1, 1]) }
            else { throw NNError.shapeMismatch(op: "head mask", name: path, expected: [heads], found: hm.shape) }
            probs = try probs.mul(shaped.dtype == probs.dtype ? shaped : shaped.to(probs.dtype))
        }
        let ctx = try probs.matmul(v, precision: context.precision)               // [b, heads, t, d]
        let merged = try ctx.permute([0, 2, 1, 3]).reshape([b, t, hidden])
        return try packing.map { try $0.pack(merged) } ?? merged
    }
}

/// A dense projection, dropout, residual add and layer norm (`attention.output` and `output`).
public final class BertResidualOutput: Module, @unchecked Sendable {
    /// `dense`.
    public let dense: Linear
    /// `LayerNorm`.
    public let norm: LayerNorm
    /// `dropout`.
    public let dropout: Dropout

    init(input: Int, _ config: BertConfig, generator: Generator) throws {
        dense = try Linear(input, config.hiddenSize, std: config.initializerRange, generator: generator)
        norm = try LayerNorm(config.hiddenSize, eps: config.layerNormEps)
        dropout = try Dropout(config.hiddenDropout)
        super.init()
        addChild("dense", dense)
        addChild("LayerNorm", norm)
        addChild("dropout", dropout)
    }

    /// `LayerNorm(dropout(dense(x)) + residual)` (on packed token rows with a `packing`).
    public func forward(_ x: Tensor, residual: Tensor, packing: TokenPacking? = nil, context: ForwardContext) throws -> Tensor {
        let y = try dropout.forward(dense(x, context: context), packing: packing, context: context)
        return try norm(y, residual: residual, context: context)
    }
}

/// Self-attention plus its output block (`attention`).
public final class BertAttention: Module, @unchecked Sendable {
    /// `self`.
    public let selfAttention: BertSelfAttention
    /// `output`.
    public let output: BertResidualOutput

    init(_ config: BertConfig, layerIndex: Int, generator: Generator) throws {
        selfAttention = try BertSelfAttention(config, layerIndex: layerIndex, generator: generator)
        output = try BertResidualOutput(input: config.hiddenSize, config, generator: generator)
        super.init()
        addChild("self", selfAttention)
        addChild("output", output)
    }
}

/// The feed-forward expansion with GELU (`intermediate`): a neuron-mask site over its units.
public final class BertIntermediate: Module, SiteProviding, @unchecked Sendable {
    /// `dense` `[intermediate, hidden]`.
    public let dense: Linear

    init(_ config: BertConfig, generator: Generator) throws {
        dense = try Linear(config.hiddenSize, config.intermediateSize, std: config.initializerRange, generator: generator)
        super.init()
        addChild("dense", dense)
    }

    public var ownSites: [Site] { [Site(kind: .neurons, name: path, width: dense.outputWidth)] }

    public override func forward(_ x: Tensor, context: ForwardContext) throws -> Tensor {
        try dense.apply(x, context: context, activation: .gelu)
    }
}

/// One post-norm transformer layer (`encoder.layer.N`): a layer site that can be skipped.
public final class BertLayer: Module, SiteProviding, @unchecked Sendable {
    /// `attention`.
    public let attention: BertAttention
    /// `intermediate`.
    public let intermediate: BertIntermediate
    /// `output`.
    public let output: BertResidualOutput
    /// The layer's index in the encoder.
    public let index: Int

    init(_ config: BertConfig, index: Int, generator: Generator) throws {
        self.index = index
        attention = try BertAttention(config, layerIndex: index, generator: generator)
        intermediate = try BertIntermediate(config, generator: generator)
        output = try BertResidualOutput(input: config.intermediateSize, config, generator: generator)
        super.init()
        addChild("attention", attention)
        addChild("intermediate", intermediate)
        addChild("output", output)
    }

    public var ownSites: [Site] { [Site(kind: .layer, name: path, layer: index)] }

    /// The layer's output for states `x` (identity when skipped in `context`); `x` is packed token
    /// rows when a `packing` is given.
    public func forward(_ x: Tensor, mask: Tensor?, packing: TokenPacking? = nil, context: ForwardContext) throws -> Tensor {
        if context.skippedLayers.contains(index) { return x }
        let attended = try attention.selfAttention.forward(x, mask: mask, packing: packing, context: context)
        let a = try attention.output.forward(attended, residual: x, packing: packing, context: context)
        let i = try intermediate(a, context: context)
        return try output.forward(i, residual: a, packing: packing, context: context)
    }
}
