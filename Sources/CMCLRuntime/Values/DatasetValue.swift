import CMCLData
import CMCLLang
import CMCLTasks

/// A dataset of any task format, as a cmcl value: `len`, indexing (a record per example),
/// `shuffle`, `split`, `take`, `filter`, `map`, `batches`.
public final class DatasetValue: NativeObject {
    let data: any ErasedDataset
    /// For encoded datasets: the tokenizer that produced them (its pad id batches them).
    let tokenizer: (any TextTokenizer)?

    init(_ data: any ErasedDataset, tokenizer: (any TextTokenizer)? = nil) {
        self.data = data
        self.tokenizer = tokenizer
    }

    public var typeName: String { "Dataset" }
    public var length: Int? { data.count }
    public var isTruthy: Bool { data.count > 0 }

    public func display(_ style: DisplayStyle) -> String {
        var out = "<Dataset \(data.name): \(data.count) \(data.kind) examples"
        if !data.labelNames.isEmpty { out += ", labels \(data.labelNames)" }
        if data.skipped > 0 { out += ", \(data.skipped) bad rows skipped" }
        return out + ">"
    }

    public func index(_ items: [IndexValue]) throws -> Value? {
        guard items.count == 1 else { throw CMCLError("a dataset takes one index") }
        switch items[0] {
        case .single(.number(let n)):
            guard n.rounded() == n, abs(n) < 9e15 else { throw CMCLError("dataset index must be a whole number") }
            var i = Int(n)
            if i < 0 { i += data.count }
            guard i >= 0, i < data.count else {
                throw CMCLError("index \(Int(n)) is out of range for a dataset of \(data.count)")
            }
            return data.record(i)
        case .slice(let a, let b, let step):
            let idx = Interpreter.sliceIndices(count: data.count, start: a, stop: b, step: step)
            return .object(DatasetValue(data.subset(idx), tokenizer: tokenizer))
        default:
            throw CMCLError("a dataset is indexed by a number or a slice")
        }
    }

    public func elements() throws -> [Value]? {
        (0..<data.count).map { data.record($0) }
    }
}

/// Type-erased operations over `Dataset<Element>`.
protocol ErasedDataset {
    var count: Int { get }
    var name: String { get }
    var kind: String { get }
    var labelNames: [String] { get }
    var skipped: Int { get }
    func record(_ i: Int) -> Value
    func subset(_ indices: [Int]) -> any ErasedDataset
    func shuffled(seed: UInt64) -> any ErasedDataset
    /// The batch pipeline of the examples; nil when they have no batch layout.
    func pipeline(_ options: PipelineOptions) throws -> (any BatchPipeline)?
    /// The examples tokenized; nil when they do not tokenize.
    func encoded(tokenizer: any TextTokenizer, options: EncodeOptions) throws -> (any ErasedDataset)?
    /// The texts a word-level vocabulary is built from; nil for examples without raw text.
    var vocabularyTexts: [String]? { get }
    /// The examples, when they are of type `E`.
    func examples<E>(of type: E.Type) -> Dataset<E>?
}

struct TypedDataset<Element: ExampleRecord>: ErasedDataset {
    var data: Dataset<Element>

    init(_ data: Dataset<Element>) { self.data = data }

    var count: Int { data.count }
    var name: String { data.name }
    var kind: String { Element.kind }
    var labelNames: [String] { data.labelNames }
    var skipped: Int { data.skipped }
    func record(_ i: Int) -> Value { data[i].record }
    func subset(_ indices: [Int]) -> any ErasedDataset {
        var d = data
        d.elements = indices.map { data.elements[$0] }
        return TypedDataset(d)
    }
    func shuffled(seed: UInt64) -> any ErasedDataset { TypedDataset(data.shuffled(seed: seed)) }
    func pipeline(_ options: PipelineOptions) throws -> (any BatchPipeline)? { try Element.pipeline(data, options) }
    func encoded(tokenizer: any TextTokenizer, options: EncodeOptions) throws -> (any ErasedDataset)? {
        try Element.encode(data, tokenizer: tokenizer, options: options).map { TypedDataset<Element.Encoded>($0) }
    }
    var vocabularyTexts: [String]? { Element.vocabularyTexts(data) }
    func examples<E>(of type: E.Type) -> Dataset<E>? { data as? Dataset<E> }
}
