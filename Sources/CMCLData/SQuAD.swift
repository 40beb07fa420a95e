/// One SQuAD v1.1 question with its context and gold answers.
public struct SQuADExample: Sendable, Equatable {
    /// A gold answer: its text and character start in the context (Unicode scalars, as in the JSON).
    public struct Answer: Sendable, Equatable {
        /// The answer text.
        public var text: String
        /// Its start in the context, in Unicode scalars.
        public var start: Int
        /// Creates an answer.
        public init(text: String, start: Int) { self.text = text; self.start = start }
    }
    /// The question id.
    public var id: String
    /// The article title.
    public var title: String
    /// The question text.
    public var question: String
    /// The paragraph the answers come from.
    public var context: String
    /// Gold answers (one in train, usually three in dev).
    public var answers: [Answer]

    /// Creates an example.
    public init(id: String, title: String = "", question: String, context: String, answers: [Answer]) {
        self.id = id; self.title = title; self.question = question; self.context = context; self.answers = answers
    }
}

/// A window of a SQuAD example turned into model input: `[CLS] question [SEP] context-window [SEP]`.
public struct SQuADFeature: Sendable, Equatable {
    /// Index of the example in the dataset the features were made from.
    public var exampleIndex: Int
    /// The encoding; context tokens have `sequenceIDs == 1` and offsets into the context.
    public var encoding: Encoding
    /// Answer token positions for training (both 0, the `[CLS]` position, when the answer is
    /// not inside this window or the example has no answer).
    public var startPosition: Int32
    /// Inclusive end position.
    public var endPosition: Int32

    /// Creates a feature.
    public init(exampleIndex: Int, encoding: Encoding, startPosition: Int32 = 0, endPosition: Int32 = 0) {
        self.exampleIndex = exampleIndex; self.encoding = encoding
        self.startPosition = startPosition; self.endPosition = endPosition
    }
}

/// A predicted answer span.
public struct SpanPrediction: Sendable, Equatable {
    /// The answer text, cut from the original context.
    public var text: String
    /// `startLogit + endLogit`.
    public var score: Float
    /// Character span in the context.
    public var offset: Range<Int>

    /// Creates a prediction.
    public init(text: String, score: Float, offset: Range<Int>) {
        self.text = text; self.score = score; self.offset = offset
    }
}

/// SQuAD v1.1 reading, feature making (max length, document stride) and answer decoding.
///
/// ```swift
/// let dev = try SQuAD.load(path: "dev-v1.1.json")
/// let features = try SQuAD.features(dev, tokenizer: tok, maxLength: 384, docStride: 128)
/// let best = SQuAD.predict(dev, features: features, startLogits: s, endLogits: e)
/// ```
public enum SQuAD {
    /// The start and end logits paired in decoding (the reference's `n_best_size`).
    public static let nBest = 20
    /// The longest decodable answer, in tokens (the reference's `max_answer_length`).
    public static let maxAnswerLength = 30

    /// Reads a SQuAD v1.1 JSON file; one example per question. An answer whose text does not
    /// match the context at its `answer_start` is an error naming the file and question id
    /// (or, with `skipBad`, the question is dropped and counted in `skipped`).
    public static func load(path: String, skipBad: Bool = false) throws -> Dataset<SQuADExample> {
        let root = try JSONValue.read(path: path)
        guard let articles = root["data"]?.array else {
            throw DataError.missing(file: path, what: "top-level \"data\" array", available: root.object.map { Array($0.keys) } ?? [])
        }
        var examples: [SQuADExample] = []
        var skipped = 0
        for (a, article) in articles.enumerated() {
            let title = article["title"]?.string ?? ""
            guard let paragraphs = article["paragraphs"]?.array else {
                if skipBad { skipped += 1; continue }
                throw DataError.missing(file: path, what: "\"paragraphs\" array in data[\(a)]", available: article.object.map { Array($0.keys) } ?? [])
            }
            for (p, paragraph) in paragraphs.enumerated() {
                guard let context = paragraph["context"]?.string else {
                    if skipBad { skipped += 1; continue }
                    throw DataError.missing(file: path, what: "context in data[\(a)].paragraphs[\(p)]", available: [])
                }
                let scalars = Array(context.unicodeScalars)
                guard let qas = paragraph["qas"]?.array else {
                    if skipBad { skipped += 1; continue }
                    throw DataError.missing(file: path, what: "\"qas\" array in data[\(a)].paragraphs[\(p)]", available: [])
                }
                for (q, qa) in qas.enumerated() {
                    let id = qa["id"]?.string ?? "data[\(a)].paragraphs[\(p)].qas[\(q)]"
                    do {
                        guard let question = qa["question"]?.string else {
                            throw DataError.missing(file: path, what: "question in \(id)", available: [])
                        }
                        var answers: [SQuADExample.Answer] = []
                        guard let answerList = qa["answers"]?.array else {
                            throw DataError.missing(file: path, what: "\"answers\" array in \(id)", available: [])
                        }
                        for answer in answerList {
                            guard let text = answer["text"]?.string, let start = answer["answer_start"]?.int else {
                                throw DataError.missing(file: path, what: "answer text/answer_start in \(id)", available: [])
                            }
                            let length = text.unicodeScalars.count
                            guard start >= 0, start + length <= scalars.count,
                                  scalars[start..<(start + length)].elementsEqual(text.unicodeScalars) else {
                                throw DataError.invalidArgument(operation: "squad(\(path))",
                                    problem: "question \(id): answer \"\(text)\" not found at offset \(start) of its context")
                            }
                            answers.append(.init(text: text, start: start))
                        }
                        examples.append(SQuADExample(id: id, title: title, question: question, context: context,
                                                     answers: answers))
                    } catch {
                        if !skipBad { throw error }
                        skipped += 1
                    }
                }
            }
        }
        return Dataset(examples, name: path, skipped: skipped)
    }

    /// Splits every example into windows of at most `maxLength` tokens. Consecutive windows
    /// share `docStride` context tokens (Hugging Face `stride`). The question is kept whole, as
    /// in the reference and in Hugging Face's `run_qa` (only the context is truncated);
    /// `maxQueryLength` cuts it to that many tokens, like the original BERT `run_squad`'s
    /// `max_query_length`. Training positions follow the first gold answer.
    public static func features(_ examples: Dataset<SQuADExample>, tokenizer: some TextTokenizer,
                                maxLength: Int = 384, docStride: Int = 128,
                                maxQueryLength: Int? = nil) throws -> Dataset<SQuADFeature> {
        if let m = maxQueryLength, m < 1 {
            throw DataError.invalidArgument(operation: "squad features(maxQueryLength: \(m))", problem: "must be at least 1")
        }
        var features: [SQuADFeature] = []
        var lastContext = "", lastTokens: [Token] = []  // questions of a paragraph are adjacent
        for (index, example) in examples.enumerated() {
            let whole = tokenizer.tokenize(example.question)
            let question = maxQueryLength.map { Array(whole.prefix($0)) } ?? whole
            if example.context != lastContext || index == 0 {
                lastContext = example.context
                lastTokens = tokenizer.tokenize(example.context)
            }
            let context = lastTokens
            let window = maxLength - question.count - 3
            guard window > 0, docStride >= 0, docStride < window else {
                throw DataError.invalidArgument(operation: "squad features(maxLength: \(maxLength), docStride: \(docStride))",
                    problem: "question \(example.id): window of \(window) context tokens after a \(question.count)-token question must exceed the stride"
                        + (maxQueryLength == nil ? " (a longer max length, a smaller stride or a question limit would do)" : ""))
            }
            var start = 0
            repeat {
                let end = Swift.min(start + window, context.count)
                let encoding = tokenizer.encode(tokens: question, pair: Array(context[start..<end]))
                var startPosition: Int32 = 0, endPosition: Int32 = 0
                if let answer = example.answers.first {
                    (startPosition, endPosition) = answerPositions(encoding, charStart: answer.start,
                                                                   charEnd: answer.start + answer.text.unicodeScalars.count)
                }
                features.append(SQuADFeature(exampleIndex: index, encoding: encoding,
                                             startPosition: startPosition, endPosition: endPosition))
                if end >= context.count { break }
                start = end - docStride
            } while true
        }
        return Dataset(features, name: examples.name + " features")
    }

    /// Token positions of the character span `[charStart, charEnd)` among the context tokens
    /// of `encoding`, or `(0, 0)` when the span is not entirely inside.
    public static func answerPositions(_ encoding: Encoding, charStart: Int, charEnd: Int) -> (Int32, Int32) {
        guard let first = encoding.sequenceIDs.firstIndex(of: 1),
              let last = encoding.sequenceIDs.lastIndex(of: 1) else { return (0, 0) }
        let offsets = encoding.offsets
        guard offsets[first].lowerBound <= charStart, offsets[last].upperBound >= charEnd else { return (0, 0) }
        var s = first
        while s <= last && offsets[s].lowerBound <= charStart { s += 1 }
        var e = last
        while e >= first && offsets[e].upperBound >= charEnd { e -= 1 }
        return (Int32(s - 1), Int32(e + 1))
    }

    /// Decodes model outputs into the best answer per example: over every feature of the
    /// example, the `nBest` highest start and end logits are paired; spans outside the context,
    /// reversed, or longer than `maxAnswerLength` tokens are discarded; the highest
    /// `start + end` wins. `startLogits[f]` and `endLogits[f]` belong to `features[f]`.
    /// Returns one list per example, best first (empty when no valid span exists).
    public static func predict(_ examples: Dataset<SQuADExample>, features: Dataset<SQuADFeature>,
                               startLogits: [[Float]], endLogits: [[Float]], nBest: Int = SQuAD.nBest,
                               maxAnswerLength: Int = SQuAD.maxAnswerLength) throws -> [[SpanPrediction]] {
        guard startLogits.count == features.count, endLogits.count == features.count else {
            throw DataError.invalidArgument(operation: "squad predict",
                problem: "\(features.count) features but \(startLogits.count) start and \(endLogits.count) end logit rows")
        }
        var candidates = Array(repeating: [SpanPrediction](), count: examples.count)
        var contexts: [Int: [Unicode.Scalar]] = [:]
        for (f, feature) in features.enumerated() {
            let e = feature.encoding
            let starts = startLogits[f], ends = endLogits[f]
            guard starts.count >= e.count, ends.count >= e.count else {
                throw DataError.invalidArgument(operation: "squad predict",
                    problem: "feature \(f) has \(e.count) tokens but \(starts.count)/\(ends.count) logits")
            }
            guard examples.indices.contains(feature.exampleIndex) else {
                throw DataError.invalidArgument(operation: "squad predict",
                    problem: "feature \(f) refers to example \(feature.exampleIndex) of \(examples.count)")
            }
            let topStarts = topIndices(starts.prefix(e.count), nBest)
            let topEnds = topIndices(ends.prefix(e.count), nBest)
            let context: [Unicode.Scalar]
            if let cached = contexts[feature.exampleIndex] { context = cached } else {
                context = Array(examples[feature.exampleIndex].context.unicodeScalars)
                contexts[feature.exampleIndex] = context
            }
            for s in topStarts where e.sequenceIDs[s] == 1 {
                for t in topEnds where e.sequenceIDs[t] == 1 && t >= s && t - s + 1 <= maxAnswerLength {
                    let span = e.offsets[s].lowerBound..<e.offsets[t].upperBound
                    guard span.upperBound <= context.count else { continue }
                    var text = String.UnicodeScalarView()
                    text.append(contentsOf: context[span])
                    candidates[feature.exampleIndex].append(
                        SpanPrediction(text: String(text), score: starts[s] + ends[t], offset: span))
                }
            }
        }
        return candidates.map { list in
            Array(list.sorted { $0.score > $1.score }.prefix(Swift.max(1, nBest)))
        }
    }

    /// Indices of the `k` largest values, largest first (ties: lower index first).
    static func topIndices(_ values: ArraySlice<Float>, _ k: Int) -> [Int] {
        let base = values.startIndex
        return values.indices.sorted { values[$0] != values[$1] ? values[$0] > values[$1] : $0 < $1 }
            .prefix(k).map { $0 - base }
    }
}
