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
}

struct TypedDataset<Element: Sendable>: ErasedDataset {
    var data: Dataset<Element>
    let kind: String
    let toRecord: (Element) -> Value
    /// How the examples batch (set for `Batchable` examples).
    var makePipeline: ((Dataset<Element>, PipelineOptions) throws -> any BatchPipeline)?

    init(data: Dataset<Element>, kind: String, toRecord: @escaping (Element) -> Value) {
        self.data = data
        self.kind = kind
        self.toRecord = toRecord
    }

    var count: Int { data.count }
    var name: String { data.name }
    var labelNames: [String] { data.labelNames }
    var skipped: Int { data.skipped }
    func record(_ i: Int) -> Value { toRecord(data[i]) }
    func with(_ d: Dataset<Element>) -> TypedDataset {
        var copy = self
        copy.data = d
        return copy
    }
    func subset(_ indices: [Int]) -> any ErasedDataset {
        var d = data
        d.elements = indices.map { data.elements[$0] }
        return with(d)
    }
    func shuffled(seed: UInt64) -> any ErasedDataset { with(data.shuffled(seed: seed)) }
    func pipeline(_ options: PipelineOptions) throws -> (any BatchPipeline)? { try makePipeline?(data, options) }
}

extension TypedDataset where Element: Batchable {
    /// A dataset of examples that know their batch layout.
    init(data: Dataset<Element>, kind: String, toRecord: @escaping (Element) -> Value) {
        self.data = data
        self.kind = kind
        self.toRecord = toRecord
        makePipeline = { try Element.pipeline($0, $1) }
    }
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

    static func text(_ e: TextExample) -> Value {
        var pairs: [(String, Value)] = [("text", .string(e.text))]
        if let p = e.pair { pairs.append(("pair", .string(p))) }
        pairs.append(("label", label(e.label)))
        if !e.id.isEmpty { pairs.append(("id", .string(e.id))) }
        return .record(pairs)
    }

    static func ints(_ xs: [Int32]) -> Value { .list(xs.map { .number(Double($0)) }) }

    static func encoded(_ e: EncodedExample) -> Value {
        var pairs: [(String, Value)] = [("ids", ints(e.encoding.ids)), ("tokens", .list(e.encoding.tokens.map { .string($0) })),
                                        ("label", label(e.label))]
        if let s = e.startPosition, let t = e.endPosition {
            pairs += [("start", .number(Double(s))), ("end", .number(Double(t)))]
        }
        return .record(pairs)
    }

    static func squad(_ e: SQuADExample) -> Value {
        .record([("id", .string(e.id)), ("question", .string(e.question)), ("context", .string(e.context)),
                 ("answers", .list(e.answers.map { .record([("text", .string($0.text)), ("start", .number(Double($0.start)))]) }))])
    }

    static func hotpot(_ e: HotpotExample) -> Value {
        .record([("id", .string(e.id)), ("question", .string(e.question)), ("answer", .string(e.answer)),
                 ("paragraphs", .list(e.paragraphs.map {
                     .record([("title", .string($0.title)), ("gold", .bool($0.isGold)),
                              ("sentences", .list($0.sentences.map { .string($0) }))])
                 }))])
    }

    static func syntheticQA(_ e: SyntheticQAExample) -> Value {
        .record([("question", .string(e.question.joined(separator: " "))),
                 ("paragraphs", .list(e.paragraphs.map { .string($0.joined(separator: " ")) })),
                 ("gold", .list(e.gold.map { .number(Double($0)) })),
                 ("answer", .string(e.paragraphs[e.answerParagraph][e.answerStart...e.answerEnd].joined(separator: " ")))])
    }

    static func squadItem(_ item: SQuADItem) -> Value {
        .record([("id", .string(item.example.id)), ("ids", ints(item.feature.encoding.ids)),
                 ("tokens", .list(item.feature.encoding.tokens.map { .string($0) })),
                 ("start", .number(Double(item.feature.startPosition))), ("end", .number(Double(item.feature.endPosition))),
                 ("answers", .list(item.example.answers.map { .string($0.text) }))])
    }

    static func hotpotItem(_ item: HotpotItem) -> Value {
        let f = item.evaluationFeature
        return .record([("id", .string(item.input.id)), ("ids", ints(f.ids)),
                        ("start", .number(Double(f.startPosition))), ("end", .number(Double(f.endPosition))),
                        ("paragraphs", .list(f.paragraphs.map { .string(item.input.paragraphs[$0].title) })),
                        ("answer", .string(item.input.answer))])
    }

    static func qaFeature(_ f: QAFeature) -> Value {
        .record([("ids", ints(f.ids)), ("start", .number(Double(f.start))), ("end", .number(Double(f.end))),
                 ("segments", .list(f.segments.map {
                     .record([("title", .string($0.title)), ("from", .number(Double($0.tokens.lowerBound))),
                              ("to", .number(Double($0.tokens.upperBound))), ("keep", .bool($0.mustKeep))])
                 }))])
    }

    static func ranking(_ e: RankingExample) -> Value {
        .record([("query", .string(e.query.joined(separator: " "))),
                 ("candidates", .list(e.candidates.map { .string($0.joined(separator: " ")) })),
                 ("relevance", ints(e.relevance))])
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
