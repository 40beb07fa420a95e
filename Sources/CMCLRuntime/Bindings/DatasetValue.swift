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

/// An example type as cmcl shows it: the name of its kind and a record per example.
protocol ExampleRecord: TaskExample where Encoded: ExampleRecord {
    /// The kind shown by a dataset of these examples (`<Dataset …: 10 text examples>`).
    static var kind: String { get }
    /// The example as a record.
    var record: Value { get }
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

/// Records shown for each kind of example.
enum ExampleRecords {
    static func label(_ l: Label) -> Value {
        switch l {
        case .none: return .null
        case .index(let i): return .number(Double(i))
        case .score(let s): return .number(Double(s))
        }
    }

    static func ints(_ xs: [Int32]) -> Value { .list(xs.map { .number(Double($0)) }) }
}

extension TextExample: ExampleRecord {
    static var kind: String { "text" }
    var record: Value {
        var pairs: [(String, Value)] = [("text", .string(text))]
        if let p = pair { pairs.append(("pair", .string(p))) }
        pairs.append(("label", ExampleRecords.label(label)))
        if !id.isEmpty { pairs.append(("id", .string(id))) }
        return .record(pairs)
    }
}

extension EncodedExample: ExampleRecord {
    static var kind: String { "encoded" }
    var record: Value {
        var pairs: [(String, Value)] = [("ids", ExampleRecords.ints(encoding.ids)), ("tokens", .list(encoding.tokens.map { .string($0) })),
                                        ("label", ExampleRecords.label(label))]
        if let s = startPosition, let t = endPosition {
            pairs += [("start", .number(Double(s))), ("end", .number(Double(t)))]
        }
        return .record(pairs)
    }
}

extension SQuADExample: ExampleRecord {
    static var kind: String { "SQuAD" }
    var record: Value {
        .record([("id", .string(id)), ("question", .string(question)), ("context", .string(context)),
                 ("answers", .list(answers.map { .record([("text", .string($0.text)), ("start", .number(Double($0.start)))]) }))])
    }
}

extension HotpotExample: ExampleRecord {
    static var kind: String { "HotpotQA" }
    var record: Value {
        .record([("id", .string(id)), ("question", .string(question)), ("answer", .string(answer)),
                 ("paragraphs", .list(paragraphs.map {
                     .record([("title", .string($0.title)), ("gold", .bool($0.isGold)),
                              ("sentences", .list($0.sentences.map { .string($0) }))])
                 }))])
    }
}

extension SyntheticQAExample: ExampleRecord {
    static var kind: String { "multi-paragraph QA" }
    var record: Value {
        .record([("question", .string(question.joined(separator: " "))),
                 ("paragraphs", .list(paragraphs.map { .string($0.joined(separator: " ")) })),
                 ("gold", .list(gold.map { .number(Double($0)) })),
                 ("answer", .string(paragraphs[answerParagraph][answerStart...answerEnd].joined(separator: " ")))])
    }
}

extension SQuADItem: ExampleRecord {
    static var kind: String { "SQuAD feature" }
    var record: Value {
        .record([("id", .string(example.id)), ("ids", ExampleRecords.ints(feature.encoding.ids)),
                 ("tokens", .list(feature.encoding.tokens.map { .string($0) })),
                 ("start", .number(Double(feature.startPosition))), ("end", .number(Double(feature.endPosition))),
                 ("answers", .list(example.answers.map { .string($0.text) }))])
    }
}

extension HotpotItem: ExampleRecord {
    static var kind: String { "HotpotQA input" }
    var record: Value {
        let f = evaluationFeature
        return .record([("id", .string(input.id)), ("ids", ExampleRecords.ints(f.ids)),
                        ("start", .number(Double(f.startPosition))), ("end", .number(Double(f.endPosition))),
                        ("paragraphs", .list(f.paragraphs.map { .string(input.paragraphs[$0].title) })),
                        ("answer", .string(input.answer))])
    }
}

extension QAFeature: ExampleRecord {
    static var kind: String { "QA feature" }
    var record: Value {
        .record([("ids", ExampleRecords.ints(ids)), ("start", .number(Double(start))), ("end", .number(Double(end))),
                 ("segments", .list(segments.map {
                     .record([("title", .string($0.title)), ("from", .number(Double($0.tokens.lowerBound))),
                              ("to", .number(Double($0.tokens.upperBound))), ("keep", .bool($0.mustKeep))])
                 }))])
    }
}

extension RankingExample: ExampleRecord {
    static var kind: String { "ranking" }
    var record: Value {
        .record([("query", .string(query.joined(separator: " "))),
                 ("candidates", .list(candidates.map { .string($0.joined(separator: " ")) })),
                 ("relevance", ExampleRecords.ints(relevance))])
    }
}

/// A tokenizer as a cmcl value.
public final class TokenizerValue: NativeObject {
    let tokenizer: any TextTokenizer
    let kind: String
    init(_ tokenizer: any TextTokenizer, kind: String) {
        self.tokenizer = tokenizer
        self.kind = kind
    }
    public var typeName: String { "Tokenizer" }
    public var length: Int? { tokenizer.vocabulary.count }

    /// `wordpiece`, `bpe`, `word` or `regex`.
    static func kind(of tokenizer: any TextTokenizer) -> String {
        switch tokenizer {
        case is WordPieceTokenizer: return "wordpiece"
        case is BytePairTokenizer: return "bpe"
        case let w as WordTokenizer: return w.pattern == nil ? "word" : "regex"
        default: return "custom"
        }
    }
    public func display(_ style: DisplayStyle) -> String {
        "<Tokenizer \(kind), vocabulary of \(tokenizer.vocabulary.count)>"
    }
}
