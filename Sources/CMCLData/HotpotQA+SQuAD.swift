import CMCLBase

extension HotpotQA {
    /// SQuAD questions as a long-input, multi-paragraph task in the HotpotQA distractor layout:
    /// each question's own paragraph (the gold paragraph, marked supporting) hidden among
    /// `distractors` paragraphs of *other* articles drawn from `pool`.
    ///
    /// Every paragraph is an excerpt of about `words` whitespace-separated words, so that all of
    /// them look alike and k = 8 still fits a 512-token encoder: a distractor keeps its first
    /// `words` words; the gold paragraph starts at the sentence that holds the first gold answer
    /// (earlier when that sentence is too long to keep the answer) and always keeps the whole
    /// answer. The draws are per question (seeded by `seed` and the question's index) and nested:
    /// the distractors of k are the first k of one random order of the other articles'
    /// paragraphs, so a larger k only adds paragraphs; the gold paragraph's place among them is
    /// drawn after. The answer is the first gold answer's text.
    ///
    /// ```swift
    /// let long = HotpotQA.distractorSetting(squadDev, distractors: 4, seed: 1)
    /// long[0].paragraphs.count      // 5, one of them gold
    /// ```
    public static func distractorSetting(_ questions: Dataset<SQuADExample>, distractors k: Int, pool: Dataset<SQuADExample>? = nil,
                                         words: Int = 32, seed: UInt64 = 0) -> Dataset<HotpotExample> {
        let source = pool ?? questions
        var seen = Set<String>(), paragraphs: [(title: String, context: String)] = []
        for e in source where seen.insert(e.title + "\u{1}" + e.context).inserted {
            paragraphs.append((e.title, e.context))
        }
        let width = Swift.max(1, words)
        var out: [HotpotExample] = []
        out.reserveCapacity(questions.count)
        for (index, e) in questions.enumerated() {
            guard let answer = e.answers.first else { continue }
            var rng = SplitMix64(seed: seed &+ 0x9E37_79B9_7F4A_7C15 &* UInt64(index + 1))
            let others = paragraphs.indices.filter { paragraphs[$0].title != e.title }
            let order = rng.permutation(others.count).map { others[$0] }
            var context = order.prefix(Swift.max(0, k)).map {
                HotpotExample.Paragraph(title: paragraphs[$0].title, sentences: [excerpt(paragraphs[$0].context, answer: nil, words: width)])
            }
            let gold = HotpotExample.Paragraph(title: e.title, sentences: [excerpt(e.context, answer: answer, words: width)],
                                               isGold: true, supporting: [0])
            context.insert(gold, at: rng.uniformIndex(below: context.count + 1))
            out.append(HotpotExample(id: e.id, question: e.question, answer: answer.text, type: "squad",
                                     level: "k=\(context.count - 1)", paragraphs: context))
        }
        return Dataset(out, name: questions.name + " with \(k) distractors")
    }

    /// About `words` words of `text` (see ``distractorSetting(_:distractors:pool:words:seed:)``).
    static func excerpt(_ text: String, answer: SQuADExample.Answer?, words: Int) -> String {
        let scalars = Array(text.unicodeScalars)
        var spans: [Range<Int>] = []          // words as scalar ranges
        var i = 0
        while i < scalars.count {
            while i < scalars.count, scalars[i].properties.isWhitespace { i += 1 }
            let start = i
            while i < scalars.count, !scalars[i].properties.isWhitespace { i += 1 }
            if i > start { spans.append(start..<i) }
        }
        guard !spans.isEmpty else { return text }
        var first = 0, last = Swift.min(spans.count, words) - 1
        if let answer {
            let a = answer.start, b = answer.start + Swift.max(1, answer.text.unicodeScalars.count)
            let ws = spans.firstIndex { $0.upperBound > a } ?? spans.count - 1
            let we = Swift.max(ws, (spans.lastIndex { $0.lowerBound < b } ?? ws))
            var sentence = ws
            while sentence > 0, let end = scalars[spans[sentence - 1]].last, !".!?".unicodeScalars.contains(end) { sentence -= 1 }
            first = we - sentence < words ? sentence : Swift.max(0, Swift.min(ws, we - words + 1))
            last = Swift.max(we, Swift.min(spans.count, first + words) - 1)
        }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[spans[first].lowerBound..<spans[last].upperBound])
        return String(view)
    }
}
