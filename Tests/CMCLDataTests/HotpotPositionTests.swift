import Foundation
import Testing
@testable import CMCLData

/// Gold answer positions of every shared HotpotQA dev question, in every layout the examples
/// and the campaign use: a labelled span lies inside one laid-out title or text and its tokens
/// are the answer's; an answer that does not fit is `-100`, never a span in the next paragraph.
@Suite struct HotpotPositionTests {
    static let inputs: Dataset<HotpotInput>? = {
        guard DataFiles.hotpot, let tok = Shared.bert,
              let hp = try? HotpotQA.load(path: Paths.dataFile("hotpotqa/hotpot_dev_distractor_v1.json")) else { return nil }
        return HotpotInput.prepare(hp.take(53), tokenizer: tok)
    }()

    /// The answer text as the tokens `start...end` of `feature` read it (lower-cased, no spaces),
    /// or nil when the span is not inside one piece.
    static func spanText(_ input: HotpotInput, _ f: HotpotFeature) -> String? {
        let s = Int(f.startPosition), e = Int(f.endPosition)
        guard let piece = f.pieces.first(where: { $0.tokens.contains(s) && $0.tokens.contains(e) }) else { return nil }
        let p = input.paragraphs[piece.paragraph]
        let tokens = piece.isTitle ? p.titleTokens : p.textTokens
        let scalars = Array((piece.isTitle ? p.title : p.text).unicodeScalars)
        let lo = tokens[s - piece.tokens.lowerBound].offset.lowerBound, hi = tokens[e - piece.tokens.lowerBound].offset.upperBound
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[lo..<hi])
        return Self.squeezed(String(view))
    }

    static func squeezed(_ s: String) -> String { s.lowercased().filter { !$0.isWhitespace } }

    static func check(_ input: HotpotInput, _ f: HotpotFeature, _ answer: HotpotInput.AnswerPosition?, _ what: String) -> Int {
        switch answer {
        case .yes?: #expect(f.startPosition == 1 && f.endPosition == 1, "\(input.id) \(what)")
        case .no?: #expect(f.startPosition == 2 && f.endPosition == 2, "\(input.id) \(what)")
        case nil: #expect(f.startPosition == -100 && f.endPosition == -100, "\(input.id) \(what)")
        case .title?, .text?:
            if f.startPosition == -100 { #expect(f.endPosition == -100); return 0 }
            #expect(f.startPosition <= f.endPosition && Int(f.endPosition) < f.ids.count, "\(input.id) \(what)")
            let text = spanText(input, f)
            // The tokens cover the answer (word pieces may run past it on either side).
            #expect(text?.contains(squeezed(input.answer)) == true,
                    "\(input.id) \(what): \(f.startPosition)...\(f.endPosition) reads \(text ?? "across pieces"), not \(input.answer)")
            return 1
        }
        return 0
    }

    @Test(.enabled(if: DataFiles.hotpot, "HotpotQA: \(DataFiles.absent)"),
          arguments: [(256, 48), (512, 48), (512, 256), (4096, 256)])
    func everyQuestionsPositionsPointAtItsAnswer(_ maxLength: Int, _ maxParagraph: Int) throws {
        let inputs = try #require(Self.inputs)
        #expect(inputs.count == 53)
        let tok = try #require(Shared.bert)
        let encoder = HotpotEncoder(tokenizer: tok, maxLength: maxLength, maxQuestionLength: 32, maxParagraphLength: maxParagraph)
        var labelled = 0
        for input in inputs {
            let plan = encoder.evaluationPlan(input, steps: 4)
            for (k, f) in encoder.levels(input, plan: plan, training: false).enumerated() {
                labelled += Self.check(input, f, plan.answer, "evaluation level \(k)")
            }
            // Training widens the answer's paragraph, so every answer position is labelled unless
            // the whole input is cut before it.
            for answer in input.positions {
                let f = encoder.feature(input, order: plan.order, answer: answer, training: true)
                _ = Self.check(input, f, answer, "training")
            }
        }
        #expect(labelled > 0)
    }

    /// The seven questions whose first answer ends past the 48th token of its paragraph (they were
    /// labelled on the uncut text, as the reference does: inside a following paragraph, or past
    /// the input): cut off in evaluation at 48 tokens, labelled in training (the answer's
    /// paragraph is widened).
    @Test(.enabled(if: DataFiles.hotpot, "HotpotQA: \(DataFiles.absent)"))
    func answersPastTheCutAreCutOff() throws {
        let inputs = try #require(Self.inputs)
        let tok = try #require(Shared.bert)
        let encoder = HotpotEncoder(tokenizer: tok, maxLength: 512, maxQuestionLength: 32, maxParagraphLength: 48)
        var past = 0
        for input in inputs {
            guard case let .text(p, chars)? = input.positions.first,
                  let (_, e) = HotpotEncoder.tokenSpan(input.paragraphs[p].textTokens,
                                                       charCount: input.paragraphs[p].text.unicodeScalars.count, chars: chars),
                  e >= 48 else { continue }
            past += 1
            let f = encoder.levels(input, plan: encoder.evaluationPlan(input, steps: 0), training: false)[0]
            #expect(f.startPosition == -100 && f.endPosition == -100, "\(input.id)")
            let t = encoder.feature(input, order: Array(input.paragraphs.indices), answer: input.positions[0], training: true)
            #expect(t.startPosition >= 0, "\(input.id)")
        }
        #expect(past == 7)
    }
}
