import Foundation
import Testing
@testable import CMCLData

/// SQuAD questions among distractor paragraphs of other articles (the long-input task of
/// docs/results.md, claim 3), on the committed three-article sample and on the shared subset.
@Suite struct SQuADDistractorTests {
    static let sample = try? SQuAD.load(path: Paths.fixture("squad-dev-sample.json"))

    static func check(_ long: Dataset<HotpotExample>, from questions: Dataset<SQuADExample>, k: Int, words: Int) {
        #expect(long.count == questions.count)
        for (e, q) in zip(long, questions) {
            let gold = e.paragraphs.filter(\.isGold)
            #expect(gold.count == 1, "\(q.id): one gold paragraph")
            #expect(gold.first?.title == q.title && gold.first?.supporting == [0])
            #expect(e.paragraphs.filter { !$0.isGold }.allSatisfy { $0.title != q.title }, "\(q.id): distractors from other articles")
            #expect(e.paragraphs.count == k + 1, "\(q.id): \(e.paragraphs.count) paragraphs")
            #expect(e.answer == q.answers.first?.text && e.question == q.question && e.id == q.id)
            let text = gold.first?.sentences.joined() ?? ""
            #expect(text.contains(e.answer), "\(q.id): the gold excerpt keeps the answer \(e.answer)")
            #expect(q.context.contains(text), "\(q.id): an excerpt is a piece of the paragraph")
            for p in e.paragraphs where !p.isGold {
                #expect(p.sentences.joined().split(whereSeparator: \.isWhitespace).count <= words)
            }
        }
    }

    @Test func sampleQuestionsAmongOtherArticles() throws {
        let dev = try #require(Self.sample)
        for k in [0, 2, 4] {
            Self.check(HotpotQA.distractorSetting(dev, distractors: k, words: 20, seed: 3), from: dev, k: k, words: 20)
        }
    }

    /// A larger k only adds paragraphs: the distractors of k = 2 are among those of k = 4, in the
    /// same order; the same seed gives the same draw, another seed another one.
    @Test func drawsAreNestedAndSeeded() throws {
        let dev = try #require(Self.sample)
        let two = HotpotQA.distractorSetting(dev, distractors: 2, seed: 5)
        let four = HotpotQA.distractorSetting(dev, distractors: 4, seed: 5)
        for (a, b) in zip(two, four) {
            let small = a.paragraphs.filter { !$0.isGold }, large = b.paragraphs.filter { !$0.isGold }
            #expect(Array(large.prefix(2)) == small)
        }
        #expect(HotpotQA.distractorSetting(dev, distractors: 2, seed: 5).elements == two.elements)
        #expect(HotpotQA.distractorSetting(dev, distractors: 2, seed: 6).elements != two.elements)
        // Where the gold paragraph goes is drawn too: not always first.
        #expect(Set(four.map { $0.paragraphs.firstIndex(where: \.isGold) ?? -1 }).count > 1)
    }

    /// More distractors than other articles' paragraphs: all of them, no repeats; the gold
    /// paragraph of an answer deep in a long paragraph still keeps the answer.
    @Test func fewParagraphsAndLongOnes() throws {
        let dev = try #require(Self.sample)
        let others = Set(dev.filter { $0.title != dev[0].title }.map(\.context)).count
        let all = HotpotQA.distractorSetting(dev.take(1), distractors: 100, pool: dev, seed: 1)
        #expect(all[0].paragraphs.count == others + 1)
        let context = (0..<80).map { "word\($0)" }.joined(separator: " ") + ". The answer is here at last."
        let q = SQuADExample(id: "x", title: "T", question: "where?", context: context,
                             answers: [.init(text: "here at last", start: context.unicodeScalars.count - 13)])
        #expect(HotpotQA.excerpt(context, answer: q.answers[0], words: 10) == "The answer is here at last.")
        let long = (0..<80).map { "w\($0)" }.joined(separator: " ")
        let deep = SQuADExample.Answer(text: "w70 w71", start: long.range(of: "w70")!.lowerBound.utf16Offset(in: long))
        let cut = HotpotQA.excerpt(long, answer: deep, words: 10)
        #expect(cut.contains("w70 w71") && cut.split(separator: " ").count == 10)
    }

    @Test(.enabled(if: DataFiles.squad, "SQuAD: \(DataFiles.absent)"))
    func sharedQuestionsKeepTheirAnswers() throws {
        let all = try SQuAD.load(path: Paths.dataFile("squad/dev-v1.1.json"))
        let dev = all.shuffled(seed: 0).take(500)
        let long = HotpotQA.distractorSetting(dev, distractors: 8, pool: all, seed: 0)
        Self.check(long, from: dev, k: 8, words: 32)
        let tok = try #require(Shared.bert)
        let inputs = HotpotInput.prepare(long, tokenizer: tok)
        #expect(inputs.allSatisfy { !$0.positions.isEmpty }, "every answer is found in its gold paragraph")
    }
}
