import CMCLTensor

/// A text model that averages token embeddings over the attention mask and feeds the mean to an
/// MLP: trains in seconds on a CPU, and gives the comparative loss dropout and hidden-unit sites.
///
/// Parameters: `embedding.weight` `[vocab, dim]`, then the MLP `mlp.0.weight`, `mlp.0.bias`, ….
/// Sites: `dropout` (on the pooled vector), `mlp.N` (hidden activations, neuron masks),
/// `mlp.N` dropouts.
///
/// ```swift
/// let net = try BagOfEmbeddingsClassifier(vocabularySize: 5000, embeddingWidth: 64,
///                                         hidden: [64], head: .classification(classes: 2),
///                                         dropout: 0.1, generator: Generator(seed: 0))
/// let logits = try net(batch).logits
/// ```
public final class BagOfEmbeddingsClassifier: TextModel, @unchecked Sendable {
    /// The token table.
    public let embedding: Embedding
    /// Dropout on the pooled vector.
    public let dropout: Dropout
    /// The MLP from the pooled vector to the head outputs.
    public let mlp: MLP
    /// The hidden activation.
    public let activation: Activation

    /// A classifier with `vocabularySize` tokens of width `embeddingWidth`, hidden layer widths
    /// `hidden`, and `head` (span heads are not supported: the model has no token outputs).
    public init(vocabularySize: Int, embeddingWidth: Int = 64, hidden: [Int] = [64], head: TaskHead = .classification(classes: 2),
                activation: Activation = .relu, dropout: Double = 0.1, generator: Generator) throws {
        if case .span = head {
            throw NNError.invalidConfiguration(op: "bag_of_embeddings", reason: "a bag-of-embeddings model cannot predict spans; use a transformer")
        }
        if case let .classification(c) = head, c < 1 {
            throw NNError.invalidConfiguration(op: "bag_of_embeddings", reason: "classes must be at least 1, got \(c)")
        }
        self.activation = activation
        embedding = try Embedding(vocabularySize, embeddingWidth, std: 0.1, generator: generator)
        self.dropout = try Dropout(dropout)
        mlp = try MLP([embeddingWidth] + hidden + [head.outputWidth], activation: activation, dropout: dropout, generator: generator)
        super.init(head: head)
        addChild("embedding", embedding)
        addChild("dropout", self.dropout)
        addChild("mlp", mlp)
    }

    /// Each row is pooled and classified on its own; dropout sees `[batch, width]`.
    public override var rowsAreIndependent: Bool { true }

    public override var architecture: [String: String] {
        ["cmcl.model": "bag_of_embeddings", "head": head.code, "vocab": "\(embedding.count)", "width": "\(embedding.dimension)",
         "hidden_widths": mlp.widths.dropFirst().dropLast().map(String.init).joined(separator: ","),
         "activation": activation.rawValue, "dropout": "\(dropout.rate)"]
    }

    public override func forward(_ batch: Batch, context: ForwardContext) throws -> ModelOutput {
        let e = try embedding(batch.ids, context: context)                   // [B, T, D]
        let m = try TextModel.floatMask(batch).unsqueeze(-1)                  // [B, T, 1]
        let total = try e.mul(m).sum(axes: [1])                               // [B, D]
        let counts = try m.sum(axes: [1]).clamp(min: 1)                       // [B, 1]
        let pooled = try total.div(counts)
        let h = try dropout(pooled, context: context)
        var logits = try mlp(h, context: context)
        switch head {
        case .regression, .ranking: logits = try logits.squeeze(-1)
        case .classification, .span: break
        }
        return ModelOutput(logits: logits, pooled: pooled)
    }
}
