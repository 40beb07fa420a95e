import CMCLBase
import Foundation
import Testing
@testable import CMCLData

/// cmcl's HotpotQA layout and CmpCrop re-encoding against the reference data code's own output
/// (scripts/gen_qa_fixtures.py ran zycdev/CmpLoss `MultiDocQADataset` on hotpot_mini.json), except
/// for answers past a text's cut, which the reference labels on the uncut text.
@Suite struct HotpotCropFixtureTests {
    struct Level: Decodable {
        var paragraphs: [Int]
        var input_ids: [Int32]
        var token_type_ids: [Int32]
        var answer_mask: [Int]
        var start: Int32
        var end: Int32
    }
    struct Plan: Decodable {
        var order: [Int]
        var answer: [Position]
        var distractor_order: [Int]
        var kept_counts: [Int]
    }
    enum Position: Decodable, Equatable {
        case text(String), number(Int)
        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let n = try? c.decode(Int.self) { self = .number(n) } else { self = .text(try c.decode(String.self)) }
        }
    }
    struct Case: Decodable {
        var example: Int
        var mode: String
        var max_len: Int
        var max_question: Int
        var max_paragraph: Int
        var crops: Int
        var positions: [[Position]]
        var plan: Plan?
        var levels: [Level]
    }
    struct File: Decodable { var cases: [Case] }

    static let cases: [Case] = {
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: Paths.fixture("hotpot_crops.json"))) else { return [] }
        return (try? JSONDecoder().decode(File.self, from: data).cases) ?? []
    }()

    static let inputs: Dataset<HotpotInput>? = {
        guard let tok = Shared.bert, let hp = try? HotpotQA.load(path: Paths.fixture("hotpot_mini.json")) else { return nil }
        return HotpotInput.prepare(hp, tokenizer: tok)
    }()

    /// A reference answer position `[title, 0|1, start, end]` or `["012Q", -1, k, k]`.
    static func position(_ p: [Position], _ input: HotpotInput) -> HotpotInput.AnswerPosition? {
        guard p.count == 4, case let .text(title) = p[0], case let .number(kind) = p[1],
              case let .number(s) = p[2], case let .number(e) = p[3] else { return nil }
        if title == "012Q" && kind == -1 { return s == 0 ? .yes : .no }
        guard let index = input.paragraphs.firstIndex(where: { $0.title == title }) else { return nil }
        return kind == 0 ? .title(paragraph: index, chars: s..<e) : .text(paragraph: index, chars: s..<e)
    }

    @Test func fixtureIsComplete() {
        #expect(Self.cases.count == 16)
        #expect(Self.inputs?.count == 4)
    }

    @Test(arguments: 0..<16)
    func levelsMatchTheReference(_ index: Int) throws {
        try #require(index < Self.cases.count)
        let c = Self.cases[index]
        let input = try #require(Self.inputs?[c.example])
        #expect(input.positions == c.positions.compactMap { Self.position($0, input) }, "answer positions")
        let tok = try #require(Shared.bert)
        let encoder = HotpotEncoder(tokenizer: tok, maxLength: c.max_len, maxQuestionLength: c.max_question,
                                    maxParagraphLength: c.max_paragraph)
        let training = c.mode == "train"
        let plan: HotpotEncoder.CropPlan
        if let p = c.plan {
            plan = HotpotEncoder.CropPlan(order: p.order, answer: Self.position(p.answer, input),
                                          distractorOrder: p.distractor_order, keptCounts: p.kept_counts)
        } else {
            plan = encoder.evaluationPlan(input, steps: c.crops)
        }
        let levels = encoder.levels(input, plan: plan, training: training)
        #expect(levels.count == c.levels.count)
        for (k, (got, want)) in zip(levels, c.levels).enumerated() {
            #expect(got.paragraphs == want.paragraphs, "case \(index) level \(k): kept paragraphs")
            #expect(got.ids == want.input_ids, "case \(index) level \(k): ids")
            #expect(got.typeIDs == want.token_type_ids, "case \(index) level \(k): token types")
            #expect(got.answerMask.map { Int($0) } == want.answer_mask, "case \(index) level \(k): answer mask")
            // One deliberate difference: the reference labels a text answer on the uncut text, so
            // an answer past the text's cut points past that text (into the next paragraph);
            // cmcl marks it cut off (-100).
            let inside = want.start < 4 || got.pieces.contains { piece in
                let ofAnswer: Bool
                switch plan.answer {
                case let .text(p, _)?: ofAnswer = piece.paragraph == p && !piece.isTitle
                case let .title(p, _)?: ofAnswer = piece.paragraph == p && piece.isTitle
                default: ofAnswer = false
                }
                return ofAnswer && piece.tokens.contains(Int(want.start)) && piece.tokens.contains(Int(want.end))
            }
            let expected = inside ? (want.start, want.end) : (-100, -100)
            #expect(got.startPosition == expected.0 && got.endPosition == expected.1,
                    "case \(index) level \(k): answer \(got.startPosition)-\(got.endPosition) vs \(expected.0)-\(expected.1) (reference \(want.start)-\(want.end))")
        }
    }

    /// The random plan keeps supporting paragraphs at every level and nests the crops; with room
    /// for everything the laid-out paragraphs are the plan's.
    @Test func trainingPlansAreNested() throws {
        let input = try #require(Self.inputs?[1])
        let tok = try #require(Shared.bert)
        let encoder = HotpotEncoder(tokenizer: tok, maxLength: 100_000)
        var rng = SplitMix64(seed: 5)
        for _ in 0..<20 {
            let plan = encoder.trainingPlan(input, steps: 3, using: &rng)
            #expect(plan.order.sorted() == Array(input.paragraphs.indices))
            #expect(plan.keptCounts == plan.keptCounts.sorted(by: >) && Set(plan.keptCounts).count == 3)
            let levels = encoder.levels(input, plan: plan, training: true)
            #expect(levels[0].paragraphs == plan.order)
            for k in 1..<levels.count {
                #expect(Set(levels[k].paragraphs).isSubset(of: Set(levels[k - 1].paragraphs)))
                #expect(Set(input.supporting).isSubset(of: Set(levels[k].paragraphs)))
                #expect(levels[k].paragraphs.count == input.supporting.count + plan.keptCounts[k - 1])
            }
        }
    }
}
