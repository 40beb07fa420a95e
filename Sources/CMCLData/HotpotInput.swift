/// A HotpotQA question tokenized once — question, every paragraph's title and text, with token
/// offsets — ready to be laid out (and re-laid out for every crop) by ``HotpotEncoder``.
///
/// Paragraph text is the paragraph's sentences concatenated as given (HotpotQA sentences carry
/// their own leading spaces). Answer positions are every occurrence of the answer in the titles
/// and texts of the supporting paragraphs (all paragraphs when none has it), or `yes` / `no`.
///
/// ```swift
/// let inputs = HotpotInput.prepare(hotpot, tokenizer: tok)
/// inputs[0].positions     // [.text(paragraph: 3, chars: 17..<29), ...]
/// ```
public struct HotpotInput: Sendable, Equatable {
    /// One context paragraph.
    public struct Paragraph: Sendable, Equatable {
        /// The title.
        public var title: String
        /// The sentences concatenated.
        public var text: String
        /// Tokens of the title (offsets into `title`).
        public var titleTokens: [Token]
        /// Tokens of the text (offsets into `text`).
        public var textTokens: [Token]
        /// Whether a supporting fact points into it (never cropped).
        public var supporting: Bool
    }

    /// Where an answer is: a yes/no answer or a character span of a title or text.
    public enum AnswerPosition: Sendable, Hashable {
        /// The answer `yes`.
        case yes
        /// The answer `no`.
        case no
        /// Characters `[start, end)` of paragraph `paragraph`'s title.
        case title(paragraph: Int, chars: Range<Int>)
        /// Characters `[start, end)` of paragraph `paragraph`'s text.
        case text(paragraph: Int, chars: Range<Int>)
    }

    /// Index of the example in the dataset it came from.
    public var exampleIndex: Int
    /// The question id.
    public var id: String
    /// The gold answer text.
    public var answer: String
    /// Tokens of the question.
    public var questionTokens: [Token]
    /// The context paragraphs in their original order.
    public var paragraphs: [Paragraph]
    /// Candidate answer positions (training picks one at random, evaluation the first).
    public var positions: [AnswerPosition]

    /// Indices of the supporting paragraphs.
    public var supporting: [Int] { paragraphs.indices.filter { paragraphs[$0].supporting } }

    /// Tokenizes every example once.
    public static func prepare(_ examples: Dataset<HotpotExample>, tokenizer: some TextTokenizer) -> Dataset<HotpotInput> {
        var out: [HotpotInput] = []
        out.reserveCapacity(examples.count)
        for (index, e) in examples.enumerated() {
            let paragraphs = e.paragraphs.map { p -> Paragraph in
                let text = p.sentences.joined()
                return Paragraph(title: p.title, text: text, titleTokens: tokenizer.tokenize(p.title),
                                 textTokens: tokenizer.tokenize(text), supporting: p.isGold)
            }
            out.append(HotpotInput(exampleIndex: index, id: e.id, answer: e.answer,
                                   questionTokens: tokenizer.tokenize(e.question.trimmingCharactersInSpaces),
                                   paragraphs: paragraphs, positions: answerPositions(e.answer, paragraphs)))
        }
        return Dataset(out, name: examples.name + " inputs")
    }

    /// The answer's positions: yes/no, else its occurrences in supporting titles and texts (in
    /// paragraph order, title first), else in any paragraph.
    static func answerPositions(_ answer: String, _ paragraphs: [Paragraph]) -> [AnswerPosition] {
        if answer == "yes" { return [.yes] }
        if answer == "no" { return [.no] }
        guard !answer.isEmpty else { return [] }
        func occurrences(_ pool: [Int]) -> [AnswerPosition] {
            var found: [AnswerPosition] = []
            let length = answer.unicodeScalars.count
            for p in pool {
                for s in paragraphs[p].title.scalarOffsets(of: answer) { found.append(.title(paragraph: p, chars: s..<(s + length))) }
                for s in paragraphs[p].text.scalarOffsets(of: answer) { found.append(.text(paragraph: p, chars: s..<(s + length))) }
            }
            return found
        }
        let gold = occurrences(paragraphs.indices.filter { paragraphs[$0].supporting })
        return gold.isEmpty ? occurrences(Array(paragraphs.indices)) : gold
    }
}

extension String {
    /// Offsets in Unicode scalars of every (possibly overlapping) occurrence of `needle`.
    func scalarOffsets(of needle: String) -> [Int] {
        let hay = Array(unicodeScalars), pat = Array(needle.unicodeScalars)
        guard !pat.isEmpty, pat.count <= hay.count else { return [] }
        var result: [Int] = []
        outer: for i in 0...(hay.count - pat.count) {
            for j in 0..<pat.count where hay[i + j] != pat[j] { continue outer }
            result.append(i)
        }
        return result
    }
}
