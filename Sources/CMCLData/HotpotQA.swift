/// One HotpotQA (distractor setting) question with its ten paragraphs.
public struct HotpotExample: Sendable, Equatable {
    /// A titled paragraph of sentences; `isGold` when a supporting fact points into it.
    public struct Paragraph: Sendable, Equatable {
        /// The Wikipedia title.
        public var title: String
        /// The sentences, in order.
        public var sentences: [String]
        /// Whether a supporting fact points into this paragraph.
        public var isGold: Bool
        /// Indices of the supporting sentences.
        public var supporting: Set<Int>

        /// Creates a paragraph.
        public init(title: String, sentences: [String], isGold: Bool = false, supporting: Set<Int> = []) {
            self.title = title; self.sentences = sentences; self.isGold = isGold; self.supporting = supporting
        }
    }
    /// The `_id`.
    public var id: String
    /// The question text.
    public var question: String
    /// The answer text (`yes`/`no` for some comparison questions).
    public var answer: String
    /// `bridge` or `comparison`.
    public var type: String
    /// `easy`, `medium` or `hard`.
    public var level: String
    /// The context paragraphs (ten in the distractor setting).
    public var paragraphs: [Paragraph]

    /// Creates an example.
    public init(id: String, question: String, answer: String, type: String = "", level: String = "",
                paragraphs: [Paragraph]) {
        self.id = id; self.question = question; self.answer = answer; self.type = type; self.level = level
        self.paragraphs = paragraphs
    }

    /// Indices of the gold paragraphs.
    public var goldParagraphs: [Int] { paragraphs.indices.filter { paragraphs[$0].isGold } }
}

/// HotpotQA distractor JSON reading (the one layout of its questions for a model is
/// ``HotpotEncoder``, over inputs tokenized once by ``HotpotInput/prepare(_:tokenizer:)``).
///
/// ```swift
/// let hotpot = try HotpotQA.load(path: "hotpot_dev_distractor_v1.json")
/// let inputs = HotpotInput.prepare(hotpot, tokenizer: tok)
/// let feature = HotpotEncoder(tokenizer: tok, maxLength: 512).feature(inputs[0], order: [0, 1, 2], answer: inputs[0].positions.first, training: false)
/// ```
public enum HotpotQA {
    /// Reads the official HotpotQA JSON (a list of records with `_id`, `question`, `answer`,
    /// `supporting_facts`, `context`). A supporting fact naming a missing title or sentence is
    /// an error naming the file and `_id` (or, with `skipBad`, the record is dropped and counted).
    public static func load(path: String, skipBad: Bool = false) throws -> Dataset<HotpotExample> {
        let root = try JSONValue.read(path: path)
        guard let records = root.array else {
            throw DataError.malformed(file: path, line: 1, column: 1, problem: "expected a JSON array of records")
        }
        var examples: [HotpotExample] = []
        var skipped = 0
        for (r, record) in records.enumerated() {
            do { examples.append(try example(record, index: r, path: path)) } catch {
                if !skipBad { throw error }
                skipped += 1
            }
        }
        return Dataset(examples, name: path, skipped: skipped)
    }

    static func example(_ record: JSONValue, index: Int, path: String) throws -> HotpotExample {
        let id = record["_id"]?.string ?? "record \(index)"
        func fail(_ problem: String) -> DataError {
            DataError.invalidArgument(operation: "hotpot(\(path))", problem: "\(id): \(problem)")
        }
        guard let question = record["question"]?.string else { throw fail("missing \"question\"") }
        guard let answer = record["answer"]?.string else { throw fail("missing \"answer\"") }
        guard let context = record["context"]?.array else { throw fail("missing \"context\" list") }
        var paragraphs: [HotpotExample.Paragraph] = []
        for item in context {
            guard let title = item[0]?.string, let sentences = item[1]?.array else {
                throw fail("context entries must be [title, [sentences]]")
            }
            paragraphs.append(.init(title: title, sentences: sentences.map { $0.string ?? "" }, isGold: false,
                                    supporting: []))
        }
        for fact in record["supporting_facts"]?.array ?? [] {
            guard let title = fact[0]?.string, let sentence = fact[1]?.int else {
                throw fail("supporting facts must be [title, sentence index]")
            }
            guard let p = paragraphs.firstIndex(where: { $0.title == title }) else {
                throw fail("supporting fact names unknown paragraph \"\(title)\"")
            }
            paragraphs[p].isGold = true
            if paragraphs[p].sentences.indices.contains(sentence) { paragraphs[p].supporting.insert(sentence) }
        }
        return HotpotExample(id: id, question: question, answer: answer, type: record["type"]?.string ?? "",
                             level: record["level"]?.string ?? "", paragraphs: paragraphs)
    }
}

extension String {
    var trimmingCharactersInSpaces: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[first...last])
    }
}
