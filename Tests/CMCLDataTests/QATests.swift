import Testing
@testable import CMCLData

/// The SQuAD reader on the committed sample (two paragraphs of each of the first three dev
/// articles) and, when the data root holds them, on the dev and train files.
@Suite struct SQuADTests {
    @Test func loadsSampleQuestions() throws {
        let dev = try SQuAD.load(path: Paths.fixture("squad-dev-sample.json"))
        #expect(dev.count == 73)
        #expect(dev.reduce(0) { $0 + $1.answers.count } == 224)
        #expect(dev[0].title == "Super_Bowl_50")
        #expect(Set(dev.map(\.title).elements) == ["Super_Bowl_50", "Warsaw", "Normans"])
    }

    @Test(.enabled(if: DataFiles.squad, "SQuAD: \(DataFiles.absent)"))
    func loadsQuestions() throws {
        // The shared subset (first 5 dev and 11 train articles) or the official files.
        let dev = try SQuAD.load(path: Paths.dataFile("squad/dev-v1.1.json"))
        let answers = dev.reduce(0) { $0 + $1.answers.count }
        #expect((dev.count == 1877 && answers == 5623) || dev.count == 10570)
        #expect(dev[0].title == "Super_Bowl_50")
        let train = try SQuAD.load(path: Paths.dataFile("squad/train-v1.1.json"))
        #expect(train.count == 3807 || train.count == 87599)
    }

    @Test func badAnswerOffsetAndTruncatedFile() throws {
        let bad = Paths.temporary(#"{"data": [{"title": "t", "paragraphs": [{"context": "abc def", "qas": [{"id": "q1", "question": "?", "answers": [{"text": "def", "answer_start": 2}]}, {"id": "q2", "question": "?", "answers": [{"text": "def", "answer_start": 4}]}]}]}]}"#, name: "s.json")
        #expect(throws: DataError.self) { _ = try SQuAD.load(path: bad) }
        let skipped = try SQuAD.load(path: bad, skipBad: true)
        #expect(skipped.count == 1 && skipped.skipped == 1 && skipped[0].id == "q2")
        let truncated = Paths.temporary(#"{"data": [{"title": "t", "paragraphs": [{"context": "ab"#, name: "t.json")
        #expect(throws: DataError.self) { _ = try SQuAD.load(path: truncated) }
    }

    @Test func featuresCoverAnswersAndDecodeBackOnSample() throws {
        // 73 questions: 69 decode back exactly; the rest differ by tokenization granularity.
        try checkFeaturesDecodeBack(SQuAD.load(path: Paths.fixture("squad-dev-sample.json")), minimum: 90)
    }

    @Test(.enabled(if: DataFiles.squad, "SQuAD: \(DataFiles.absent)"))
    func featuresCoverAnswersAndDecodeBack() throws {
        try checkFeaturesDecodeBack(SQuAD.load(path: Paths.dataFile("squad/dev-v1.1.json")).take(300), minimum: 95)
    }

    func checkFeaturesDecodeBack(_ dev: Dataset<SQuADExample>, minimum: Double) throws {
        let tok = try #require(Shared.bert)
        let features = try SQuAD.features(dev, tokenizer: tok, maxLength: 128, docStride: 32)
        #expect(features.count > dev.count)  // long contexts need several windows
        #expect(features.allSatisfy { $0.encoding.count <= 128 })
        // Oracle logits: one-hot at the labelled positions. Decoding must give back the gold text
        // (up to tokenization granularity) for every example whose answer fits a window.
        var starts: [[Float]] = [], ends: [[Float]] = []
        for f in features {
            var s = [Float](repeating: 0, count: f.encoding.count), e = s
            if f.startPosition > 0 { s[Int(f.startPosition)] = 10; e[Int(f.endPosition)] = 10 }
            starts.append(s); ends.append(e)
        }
        let predictions = try SQuAD.predict(dev, features: features, startLogits: starts, endLogits: ends)
        let texts = predictions.map { $0.first?.text ?? "" }
        let (em, f1) = try Metrics.squad(texts, dev)
        let misses = zip(texts, dev).filter { Metrics.exactMatch($0.0, answers: $0.1.answers.map(\.text)) == 0 }
            .prefix(5).map { "\($0.0) vs \($0.1.answers[0].text)" }
        #expect(em > minimum, "EM \(em): \(misses)")
        #expect(f1 > minimum, "F1 \(f1)")
        #expect(throws: DataError.self) {
            _ = try SQuAD.predict(dev, features: features, startLogits: [], endLogits: [])
        }
        #expect(throws: DataError.self) { _ = try SQuAD.features(dev, tokenizer: tok, maxLength: 20, docStride: 32) }
    }

    /// The question is kept whole (the reference tokenizes with `truncation="only_second"`);
    /// `maxQueryLength` cuts it, and a question too long for the window is an error naming it.
    @Test func questionsAreNotTruncatedByDefault() throws {
        let tok = try #require(Shared.bert)
        let question = Array(repeating: "which", count: 70).joined(separator: " ") + "?"
        let context = "The Normans were in Normandy in the tenth and eleventh centuries."
        let examples = Dataset([SQuADExample(id: "long", question: question, context: context,
                                             answers: [.init(text: "Normandy", start: 20)])])
        func questionTokens(_ f: SQuADFeature) -> Int { f.encoding.sequenceIDs.filter { $0 == 0 }.count }
        let whole = try SQuAD.features(examples, tokenizer: tok, maxLength: 128, docStride: 16)
        #expect(whole.count == 1 && questionTokens(whole[0]) == 71)
        #expect(whole[0].encoding.tokens[Int(whole[0].startPosition)] == "normandy")
        let cut = try SQuAD.features(examples, tokenizer: tok, maxLength: 128, docStride: 16, maxQueryLength: 64)
        #expect(questionTokens(cut[0]) == 64)
        #expect(cut[0].encoding.tokens[Int(cut[0].startPosition)] == "normandy")
        #expect { try SQuAD.features(examples, tokenizer: tok, maxLength: 80, docStride: 16) } throws: { "\($0)".contains("question long") }
        #expect(throws: DataError.self) { _ = try SQuAD.features(examples, tokenizer: tok, maxQueryLength: 0) }
    }

    @Test func answerPositionsFromOffsets() throws {
        let tok = try #require(Shared.bert)
        let context = "The Normans were in Normandy."
        let e = tok.encode("Where?", context)
        // "Normandy" starts at scalar 20.
        let (s, t) = SQuAD.answerPositions(e, charStart: 20, charEnd: 28)
        #expect(e.tokens[Int(s)...Int(t)].joined(separator: " ") == "normandy")
        #expect(SQuAD.answerPositions(e, charStart: 100, charEnd: 104) == (0, 0))
    }
}

/// The HotpotQA reader on the committed sample (the first three dev distractor questions) and,
/// when the data root holds it, on the dev file.
@Suite struct HotpotTests {
    @Test func loadsSample() throws {
        let hotpot = try HotpotQA.load(path: Paths.fixture("hotpot-dev-sample.json"))
        #expect(hotpot.count == 3)
        #expect(hotpot.allSatisfy { $0.paragraphs.count == 10 && $0.goldParagraphs.count == 2 })
        #expect(hotpot[0].id == "5a8b57f25542995d1e6f1371")
        #expect(hotpot[0].goldParagraphs.map { hotpot[0].paragraphs[$0].title } == ["Scott Derrickson", "Ed Wood"])
        #expect(hotpot.map(\.answer).elements == ["yes", "Chief of Protocol", "Animorphs"])
    }

    @Test(.enabled(if: DataFiles.hotpot, "HotpotQA: \(DataFiles.absent)"))
    func loadsDistractorSetting() throws {
        let hotpot = try HotpotQA.load(path: Paths.dataFile("hotpotqa/hotpot_dev_distractor_v1.json"))
        #expect(hotpot.count == 53 || hotpot.count == 7405)  // the shared subset or the official file
        let first = hotpot.take(53)
        #expect(first.filter { $0.paragraphs.count == 10 }.count == 52)
        #expect(first.allSatisfy { $0.goldParagraphs.count == 2 })
        #expect(hotpot[0].id == "5a8b57f25542995d1e6f1371")
        #expect(hotpot[0].goldParagraphs.map { hotpot[0].paragraphs[$0].title } == ["Scott Derrickson", "Ed Wood"])
    }

    @Test func segmentsMarkGoldParagraphsInSample() throws {
        try checkSegments(HotpotQA.load(path: Paths.fixture("hotpot-dev-sample.json")), minimumSpans: 2)
    }

    @Test(.enabled(if: DataFiles.hotpot, "HotpotQA: \(DataFiles.absent)"))
    func segmentsMarkGoldParagraphs() throws {
        try checkSegments(HotpotQA.load(path: Paths.dataFile("hotpotqa/hotpot_dev_distractor_v1.json")).take(53), minimumSpans: 40)
    }

    /// The one HotpotQA layout (``HotpotEncoder``): every paragraph laid out in order as a title
    /// and a text, in order and disjoint, the supporting ones the gold ones, the answer's
    /// position inside the layout pointing at the answer.
    func checkSegments(_ hotpot: Dataset<HotpotExample>, minimumSpans: Int) throws {
        let tok = try #require(Shared.bert)
        let inputs = HotpotInput.prepare(hotpot, tokenizer: tok)
        #expect(inputs.count == hotpot.count)
        let encoder = HotpotEncoder(tokenizer: tok, maxLength: 4096)
        var spans = 0
        for (input, example) in zip(inputs, hotpot) {
            let plan = encoder.evaluationPlan(input, steps: 0)
            let f = encoder.feature(input, order: plan.order, answer: plan.answer, training: false)
            #expect(f.paragraphs == Array(example.paragraphs.indices))
            #expect(input.supporting == example.goldParagraphs)
            // Titles and texts alternate, in order, disjoint, inside the input before its [SEP].
            #expect(f.pieces.map(\.isTitle) == Array(repeating: [true, false], count: example.paragraphs.count).flatMap { $0 })
            var previous = 0
            for piece in f.pieces {
                #expect(piece.tokens.lowerBound >= previous && piece.tokens.upperBound <= f.ids.count - 1)
                previous = piece.tokens.upperBound
            }
            spans += HotpotPositionTests.check(input, f, plan.answer, "full layout")
            if example.answer == "yes" || example.answer == "no" {
                #expect(f.startPosition == (example.answer == "yes" ? 1 : 2))
            }
        }
        #expect(spans >= minimumSpans)
        let short = HotpotEncoder(tokenizer: tok, maxLength: 128)
        for input in inputs.prefix(3) {
            let f = short.feature(input, order: Array(input.paragraphs.indices), answer: input.positions.first, training: false)
            #expect(f.ids.count <= 128 && f.ids.last == tok.sepID)
        }
    }

    @Test func badSupportingFact() {
        let path = Paths.temporary(#"[{"_id": "x1", "answer": "a", "question": "q?", "supporting_facts": [["Nope", 0]], "context": [["T", ["a b."]]]}]"#, name: "h.json")
        #expect(throws: DataError.self) { _ = try HotpotQA.load(path: path) }
        #expect((try? HotpotQA.load(path: path, skipBad: true))?.skipped == 1)
    }
}

import Foundation
