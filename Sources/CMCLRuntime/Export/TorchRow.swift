/// One row of `data/*.jsonl`: a tokenized example or SQuAD window.
struct TorchRow: Encodable, Equatable {
    /// A class index or a regression target.
    enum Label: Encodable, Equatable {
        case index(Int)
        case score(Double)

        func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case .index(let i): try c.encode(i)
            case .score(let s): try c.encode(s)
            }
        }
    }

    var inputIDs: [Int32]
    /// Left out when every type id is 0.
    var tokenTypeIDs: [Int32]?
    var label: Label?
    var start: Int32?
    var end: Int32?
    /// SQuAD evaluation windows: the index of the question in `data/questions.jsonl`.
    var question: Int?
    /// SQuAD evaluation windows: each token's character range in the context (unicode
    /// scalars), null for tokens outside the context.
    var offsets: [[Int]?]?

    enum CodingKeys: String, CodingKey {
        case label, start, end, question, offsets
        case inputIDs = "input_ids", tokenTypeIDs = "token_type_ids"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(inputIDs, forKey: .inputIDs)
        try c.encodeIfPresent(tokenTypeIDs, forKey: .tokenTypeIDs)
        try c.encodeIfPresent(label, forKey: .label)
        try c.encodeIfPresent(start, forKey: .start)
        try c.encodeIfPresent(end, forKey: .end)
        try c.encodeIfPresent(question, forKey: .question)
        if let offsets {
            // null for tokens outside the context (a synthesized encoding would drop the nils).
            var list = c.nestedUnkeyedContainer(forKey: .offsets)
            for o in offsets {
                if let o { try list.encode(o) } else { try list.encodeNil() }
            }
        }
    }
}

/// One SQuAD question of `data/questions.jsonl`: what decoding and scoring need.
struct TorchQuestion: Encodable, Equatable {
    var id: String
    var context: String
    var answers: [String]
}
