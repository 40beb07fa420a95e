import CMCLBase
/// A multi-paragraph question with distractors (synthetic QA task), in tokens.
public struct SyntheticQAExample: Sendable, Equatable {
    /// Question tokens.
    public var question: [String]
    /// Paragraphs of tokens, gold and distractor mixed.
    public var paragraphs: [[String]]
    /// Indices of the one or two gold paragraphs.
    public var gold: [Int]
    /// The paragraph holding the answer and the answer's token span in it (inclusive end).
    public var answerParagraph: Int
    public var answerStart: Int
    /// Inclusive answer end (equal to `answerStart` for one-token answers).
    public var answerEnd: Int

    /// Creates an example.
    public init(question: [String], paragraphs: [[String]], gold: [Int], answerParagraph: Int,
                answerStart: Int, answerEnd: Int) {
        self.question = question; self.paragraphs = paragraphs; self.gold = gold
        self.answerParagraph = answerParagraph; self.answerStart = answerStart; self.answerEnd = answerEnd
    }
}

extension Synthetic {
    /// Multi-paragraph QA over invented facts. A one-hop question (`what <rel> of <e> ?`) has
    /// one gold paragraph stating `<e> <rel> is <answer>`; a two-hop question (`what <rel2> of
    /// <rel1> of <e> ?`, probability `twoHop`) has two: `<e> <rel1> is <bridge>` and
    /// `<bridge> <rel2> is <answer>`. Distractor paragraphs state facts about the same entity
    /// with other relations, or about other entities with the same relation, among filler words.
    public static func questionAnswering(n: Int, paragraphs: Int = 6, paragraphLength: Int = 16,
                                         twoHop: Double = 0.5, entities: Int = 200, relations: Int = 12,
                                         seed: UInt64 = 0) -> Dataset<SyntheticQAExample> {
        questionAnswering(n: n, paragraphs: paragraphs, paragraphLength: paragraphLength, twoHop: twoHop, entities: entities,
                          relations: relations, seed: seed, stop: {})
    }

    /// `questionAnswering` that calls `stop` every 256 examples; it may throw to abandon the work.
    public static func questionAnswering(n: Int, paragraphs: Int = 6, paragraphLength: Int = 16,
                                         twoHop: Double = 0.5, entities: Int = 200, relations: Int = 12,
                                         seed: UInt64 = 0, stop: () throws -> Void) rethrows -> Dataset<SyntheticQAExample> {
        var rng = SplitMix64(seed: seed ^ 0x0A9A_11CE)
        let entityCount = Swift.max(4, entities), relationCount = Swift.max(3, relations)
        let total = Swift.max(2, paragraphs), length = Swift.max(6, paragraphLength)
        func entity(_ i: Int) -> String { "e\(i)" }
        func relation(_ i: Int) -> String { "r\(i)" }
        func paragraph(_ fact: [String]) -> [String] {
            var words = (0..<(length - fact.count)).map { _ in filler(20 + rng.uniformIndex(below: 200)) }
            let at = rng.uniformIndex(below: words.count + 1)
            words.insert(contentsOf: fact, at: at)
            return words
        }
        var items: [SyntheticQAExample] = []
        for i in 0..<Swift.max(0, n) {
            if i & 255 == 0 { try stop() }
            let e = rng.uniformIndex(below: entityCount)
            let r1 = rng.uniformIndex(below: relationCount)
            var answer = rng.uniformIndex(below: entityCount)
            while answer == e { answer = rng.uniformIndex(below: entityCount) }
            let hops = rng.nextUnitDouble() < twoHop ? 2 : 1
            var gold: [[String]] = []
            var question: [String]
            var r2 = 0
            if hops == 1 {
                question = ["what", relation(r1), "of", entity(e), "?"]
                gold = [[entity(e), relation(r1), "is", entity(answer), "."]]
            } else {
                var bridge = rng.uniformIndex(below: entityCount)
                while bridge == e || bridge == answer { bridge = rng.uniformIndex(below: entityCount) }
                r2 = rng.uniformIndex(below: relationCount)
                question = ["what", relation(r2), "of", relation(r1), "of", entity(e), "?"]
                gold = [[entity(e), relation(r1), "is", entity(bridge), "."],
                        [entity(bridge), relation(r2), "is", entity(answer), "."]]
            }
            var all: [[String]] = gold.map(paragraph)
            while all.count < total {
                let sameEntity = rng.uniformIndex(below: 2) == 0
                var r = rng.uniformIndex(below: relationCount)
                var subject = e
                if sameEntity { while r == r1 || (hops == 2 && r == r2) { r = rng.uniformIndex(below: relationCount) } }
                else { while subject == e { subject = rng.uniformIndex(below: entityCount) }; r = hops == 2 ? r2 : r1 }
                var object = rng.uniformIndex(below: entityCount)
                while object == answer { object = rng.uniformIndex(below: entityCount) }
                all.append(paragraph([entity(subject), relation(r), "is", entity(object), "."]))
            }
            let order = rng.permutation(all.count)
            let shuffled = order.map { all[$0] }
            let goldIndices = (0..<gold.count).compactMap { g in order.firstIndex(of: g) }
            let answerParagraph = order.firstIndex(of: gold.count - 1) ?? 0
            let fact = gold[gold.count - 1]
            let words = shuffled[answerParagraph]
            var at = 0
            for i in 0...(words.count - fact.count) where Array(words[i..<(i + fact.count)]) == fact { at = i; break }
            items.append(SyntheticQAExample(question: question, paragraphs: shuffled, gold: goldIndices.sorted(),
                                            answerParagraph: answerParagraph, answerStart: at + 3, answerEnd: at + 3))
        }
        return Dataset(items, name: "synthetic qa")
    }
}
