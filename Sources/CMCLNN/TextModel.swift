import CMCLTensor

/// What a text model's head predicts.
public enum TaskHead: Sendable, Equatable, CustomStringConvertible {
    /// `classes` logits per example; cross-entropy loss, accuracy.
    case classification(classes: Int)
    /// One real value per example; mean squared error.
    case regression
    /// Start and end logits over tokens; cross-entropy on each, averaged (SQuAD-style).
    case span
    /// One relevance score per example, compared within groups of candidates (listwise softmax).
    case ranking

    /// The number of head outputs per example (per token for `span`).
    public var outputWidth: Int {
        switch self {
        case let .classification(c): return c
        case .regression, .ranking: return 1
        case .span: return 2
        }
    }

    /// Every spelling ``init(name:classes:)`` accepts (case-insensitive).
    public static let spellings = ["classification", "classify", "classifier", "regression", "regress", "span", "qa", "extractive",
                                   "ranking", "rank", "score"]

    /// Parses `classification`/`classify`, `regression`, `span`/`qa`, `ranking`/`score`.
    public init(name: String, classes: Int = 2) throws {
        switch name.lowercased() {
        case "classification", "classify", "classifier": self = .classification(classes: classes)
        case "regression", "regress": self = .regression
        case "span", "qa", "extractive": self = .span
        case "ranking", "rank", "score": self = .ranking
        default:
            throw NNError.invalidConfiguration(op: "head", reason: "unknown task head '\(name)' (use classification, regression, span or ranking)")
        }
    }

    public var description: String {
        switch self {
        case let .classification(c): return "classification (\(c) classes)"
        case .regression: return "regression"
        case .span: return "span"
        case .ranking: return "ranking"
        }
    }
}

/// The output of a text model.
public struct ModelOutput: @unchecked Sendable {
    /// Classification `[batch, classes]`; regression and ranking `[batch]`; span `[batch, seq, 2]`.
    public var logits: Tensor
    /// Span heads: start logits `[batch, seq]` (raw, as Hugging Face: padding is not masked).
    public var startLogits: Tensor?
    /// Span heads: end logits `[batch, seq]` (raw).
    public var endLogits: Tensor?
    /// The pooled representation the head read, `[batch, hidden]`, when there is one.
    public var pooled: Tensor?
    /// The final token states `[batch, seq, hidden]` of a transformer (zero on padding when the
    /// encoder ran on the real tokens only, see ``TokenPacking``).
    public var hidden: Tensor?

    /// An output.
    public init(logits: Tensor, startLogits: Tensor? = nil, endLogits: Tensor? = nil, pooled: Tensor? = nil, hidden: Tensor? = nil) {
        self.logits = logits
        self.startLogits = startLogits
        self.endLogits = endLogits
        self.pooled = pooled
        self.hidden = hidden
    }
}

/// A model over token ids with a task head: the bag-of-embeddings classifier and the BERT
/// encoder derive from it.
///
/// ```swift
/// let out = try net(batch, context: ctx)     // ModelOutput
/// let logits = try net(ids)                  // mask inferred as all real tokens
/// ```
open class TextModel: Module, @unchecked Sendable {
    /// The head's task.
    public let head: TaskHead

    /// A model with `head`.
    public init(head: TaskHead) {
        self.head = head
        super.init()
    }

    /// Whether the model computes every row of a batch from that row alone and every dropout
    /// site sees an input that leads with the batch axis: then the variants of a comparative step
    /// may run stacked along the batch in one pass. False unless a model declares it.
    open var rowsAreIndependent: Bool { false }

    /// Metadata describing the architecture (`cmcl.model` plus sizes) written into checkpoints so
    /// ``TextModel/load(from:)`` can rebuild the model; empty for models that cannot be rebuilt.
    open var architecture: [String: String] { [:] }

    /// The model's output for `batch`. Subclasses override.
    open func forward(_ batch: Batch, context: ForwardContext) throws -> ModelOutput {
        throw NNError.invalidInput(op: typeName, reason: "forward(batch:) is not implemented")
    }

    /// Runs the model on `batch` with `context` (default: evaluation, or training after `train()`).
    public func callAsFunction(_ batch: Batch, context: ForwardContext? = nil) throws -> ModelOutput {
        try forward(batch, context: context ?? ForwardContext(training: isTraining))
    }

    /// Treats `x` as int32 ids `[batch, seq]` (all tokens real) and returns the main logits.
    open override func forward(_ x: Tensor, context: ForwardContext) throws -> Tensor {
        let ids = x.rank == 1 ? try x.unsqueeze(0) : x
        return try forward(Batch(ids: ids), context: context).logits
    }

    /// The attention mask of `batch` as a float `[batch, seq]` 0/1 tensor.
    static func floatMask(_ batch: Batch) throws -> Tensor {
        if let m = batch.attentionMask {
            return m.dtype == .float32 ? m : try m.to(.float32)
        }
        return try Tensor.ones(batch.ids.shape)
    }
}
