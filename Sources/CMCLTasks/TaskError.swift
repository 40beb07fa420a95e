/// What can go wrong between a dataset and a model: typed, so that the runtime renders each
/// case as a diagnostic with its own message and hint.
public enum TaskError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A dataset of raw text was batched without a tokenizer.
    case needsTokenizer
    /// A dataset whose examples have no batch layout (raw SQuAD or HotpotQA questions, ranking
    /// lists) was batched; `kind` names its examples.
    case notBatchable(kind: String)
    /// Answer metrics were asked of a model without a span head.
    case needsSpanHead
    /// A span model returned no start/end logits.
    case missingSpanLogits
    /// Answer metrics were asked of an empty dataset.
    case emptyDataset
    /// A metric the model's head does not have; `head` describes the head.
    case unknownMetric(name: String, head: String, available: [String])
    /// Metrics were asked of a model without a task head.
    case needsTextModel
    /// An accuracy curve was asked of a regression head.
    case noAccuracy
    /// A span model's accuracy was asked of data without answer positions.
    case needsAnswerPositions
    /// Accuracy was asked of data without labels (or of a model without class logits).
    case needsLabels

    public var description: String {
        switch self {
        case .needsTokenizer: return "a text dataset needs `tokenizer:` to make batches"
        case .notBatchable(let kind): return "cannot make batches of \(kind) examples directly"
        case .needsSpanHead: return "answer metrics need a model with a span head"
        case .missingSpanLogits: return "the model returned no span logits"
        case .emptyDataset: return "the dataset is empty"
        case let .unknownMetric(name, head, _): return "unknown metric \"\(name)\" for a \(head) head"
        case .needsTextModel: return "evaluate needs a text model with a task head"
        case .noAccuracy: return "a regression head has no accuracy"
        case .needsAnswerPositions: return "answer positions are needed for a span head"
        case .needsLabels: return "a classification, regression or span model and labelled data are needed"
        }
    }
}
