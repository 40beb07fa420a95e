import Testing
@testable import CMCLData

@Suite struct WordPieceTests {
    @Test func vocabularyHasBertIDs() throws {
        let vocab = try Vocabulary.load(path: Paths.vocab)
        #expect(vocab.count == 30522)
        #expect(vocab["[CLS]"] == 101)
        #expect(vocab["[SEP]"] == 102)
        #expect(vocab["[PAD]"] == 0)
        #expect(vocab.token(100) == "[UNK]")
    }

    @Test func matchesHuggingFaceOnFixture() throws {
        let tok = try #require(Shared.bert)
        let fixture = try JSONValue.read(path: Paths.fixture("wordpiece_cases.json"))
        let cases = try #require(fixture["cases"]?.array)
        #expect(cases.count > 300)
        var mismatches: [String] = []
        for c in cases {
            let text = c["text"]?.string ?? ""
            let pair = c["pair"]?.string
            let maxLength = c["max_length"]?.int
            let pad = c["pad"] == .bool(true)
            let e = tok.encode(text, pair, maxLength: maxLength, padToMaxLength: pad)
            let ids = (c["ids"]?.array ?? []).compactMap { $0.int.map(Int32.init) }
            let types = (c["type_ids"]?.array ?? []).compactMap { $0.int.map(Int32.init) }
            let mask = (c["attention_mask"]?.array ?? []).compactMap { $0.int.map(Int32.init) }
            let offsets = (c["offsets"]?.array ?? []).map { o -> Range<Int> in
                let s = o[0]?.int ?? -1, t = o[1]?.int ?? -1
                return s..<t
            }
            if e.ids != ids || e.typeIDs != types || e.attentionMask != mask || e.offsets != offsets {
                let tokens = (c["tokens"]?.array ?? []).compactMap(\.string)
                mismatches.append("\(text.debugDescription) | \(pair.debugDescription) max=\(maxLength.map(String.init) ?? "-")\n  hf:   \(tokens) \(offsets)\n  ours: \(e.tokens) \(e.offsets)")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(cases.count) differ:\n\(mismatches.prefix(2).joined(separator: "\n"))")
    }

    @Test func pairTemplateAndTypeIDs() throws {
        let tok = try #require(Shared.bert)
        let e = tok.encode("hello", "world", maxLength: 8, padToMaxLength: true)
        #expect(e.tokens == ["[CLS]", "hello", "[SEP]", "world", "[SEP]", "[PAD]", "[PAD]", "[PAD]"])
        #expect(e.typeIDs == [0, 0, 0, 1, 1, 0, 0, 0])
        #expect(e.attentionMask == [1, 1, 1, 1, 1, 0, 0, 0])
        #expect(e.sequenceIDs == [-1, 0, -1, 1, -1, -1, -1, -1])
        #expect(tok.decode(e.ids) == "hello world")
    }

    @Test func longestFirstTruncationLengths() {
        // Worked by hand from the Hugging Face rule: shorter keeps all if it fits, else halves.
        #expect(WordPieceTokenizer.truncatedLengths(3, 10, budget: 8, isPair: true) == (3, 5))
        #expect(WordPieceTokenizer.truncatedLengths(10, 3, budget: 8, isPair: true) == (5, 3))
        #expect(WordPieceTokenizer.truncatedLengths(10, 10, budget: 7, isPair: true) == (3, 4))
        #expect(WordPieceTokenizer.truncatedLengths(12, 10, budget: 7, isPair: true) == (4, 3))
        #expect(WordPieceTokenizer.truncatedLengths(2, 2, budget: 7, isPair: true) == (2, 2))
        #expect(WordPieceTokenizer.truncatedLengths(9, 0, budget: 4, isPair: false) == (4, 0))
    }

    @Test func missingSpecialTokenIsAnError() {
        #expect(throws: DataError.self) {
            _ = try WordPieceTokenizer(vocabulary: Vocabulary(tokens: ["a", "b"]))
        }
        #expect(throws: DataError.self) { _ = try WordPieceTokenizer(vocabPath: "/nonexistent/vocab.txt") }
    }
}

@Suite struct BatchEncodingTests {
    @Test func parallelEncodingEqualsSequential() throws {
        let tok = try #require(Shared.bert)
        let dev = try GLUE.load("mrpc", split: "dev", dir: Paths.glueSample)
        let rows = dev.map { ($0.text, $0.pair) }.elements
        // Over 64 inputs, so that the batch is encoded in parallel.
        let inputs = (0..<20).flatMap { k in rows.map { ("\($0.0) \(k)", $0.1) } }
        let parallel = tok.encodeBatch(inputs, maxLength: 48)
        let sequential = inputs.map { tok.encode($0.0, $0.1, maxLength: 48) }
        #expect(parallel == sequential)
        #expect(dev.encoded(with: tok, maxLength: 48).map(\.encoding).elements == rows.map { tok.encode($0.0, $0.1, maxLength: 48) })
    }
}
