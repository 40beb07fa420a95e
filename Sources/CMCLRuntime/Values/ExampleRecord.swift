import CMCLData
import CMCLTasks

/// An example type as cmcl shows it: the name of its kind and a record per example.
protocol ExampleRecord: TaskExample where Encoded: ExampleRecord {
    /// The kind shown by a dataset of these examples (`<Dataset …: 10 text examples>`).
    static var kind: String { get }
    /// The example as a record.
    var record: Value { get }
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
