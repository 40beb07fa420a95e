/// `reference.json`: cmcl's evaluation-mode outputs on the first training rows, and for SQuAD
/// evaluation its decoded answers on the first questions, which train.py checks before training.
struct TorchReference: Encodable, Equatable {
    /// A `[rows, width]` output or a `[rows]` one.
    enum Values: Encodable, Equatable {
        case matrix([[Double]])
        case vector([Double])

        func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case .matrix(let m): try c.encode(m)
            case .vector(let v): try c.encode(v)
            }
        }
    }

    /// cmcl's answers to the first `questions` evaluation questions.
    struct Answers: Encodable, Equatable {
        var questions: Int
        var texts: [String]
        var exactMatch: Double
        var f1: Double

        enum CodingKeys: String, CodingKey { case questions, texts, f1, exactMatch = "exact_match" }
    }

    var rows: [Int]
    /// `logits` (classification, regression) or `start` and `end` (span).
    var outputs: [String: Values]
    var answers: Answers?
}
