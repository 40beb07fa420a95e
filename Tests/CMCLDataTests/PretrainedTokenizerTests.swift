import Foundation
import Testing
@testable import CMCLData

/// Tokenizers of Hugging Face model directories against the ids `transformers` produced for
/// the same sentences (Tests/CMCLNNTests/Fixtures/pretrained, scripts/gen_pretrained_fixtures.py):
/// accents, CJK, punctuation, long words, a pair, odd whitespace and emoji.
@Suite struct PretrainedTokenizerTests {
    static let families = ["bert", "electra", "roberta"]

    static func directory(_ family: String) -> URL {
        Paths.root.appendingPathComponent("Tests/CMCLNNTests/Fixtures/pretrained").appendingPathComponent(family)
    }

    struct Case { var text: String; var pair: String?; var ids: [Int32]; var types: [Int32] }

    static func cases(_ family: String) throws -> [Case] {
        let j = try JSONValue.read(path: directory(family).appendingPathComponent("expected.json").path)
        let sentences = j["sentences"]?.array ?? []
        let ids = j["ids"]?.array ?? [], types = j["type_ids"]?.array ?? []
        return sentences.indices.map { i in
            Case(text: sentences[i]["text"]?.string ?? "", pair: sentences[i]["pair"]?.string,
                 ids: (ids[i].array ?? []).compactMap { $0.int.map(Int32.init) },
                 types: (types[i].array ?? []).compactMap { $0.int.map(Int32.init) })
        }
    }

    static func check(_ tok: any TextTokenizer, _ family: String, _ what: String) throws {
        let cases = try cases(family)
        #expect(cases.count == 6)
        for c in cases {
            let e = tok.encode(c.text, c.pair)
            #expect(e.ids == c.ids, "\(family) (\(what)): \(c.text.debugDescription)\n  got      \(e.tokens)\n  expected \(c.ids)")
            #expect(e.typeIDs == c.types, "\(family) (\(what)) type ids: \(c.text.debugDescription)")
        }
    }

    @Test(arguments: families)
    func tokenizerJSONMatchesTransformers(_ family: String) throws {
        let tok = try TokenizerFiles.load(directory: Self.directory(family).path)
        #expect(family == "roberta" ? tok is BytePairTokenizer : tok is WordPieceTokenizer)
        try Self.check(tok, family, "tokenizer.json")
    }

    /// Without tokenizer.json: vocab.txt (casing from tokenizer_config.json) or vocab.json +
    /// merges.txt give the same ids.
    @Test(arguments: families)
    func vocabularyFilesMatchTransformers(_ family: String) throws {
        let dir = try copy(Self.directory(family))
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.removeItem(at: dir.appendingPathComponent("tokenizer.json"))
        try Self.check(try TokenizerFiles.load(directory: dir.path), family, "vocabulary files")
    }

    /// Written back (vocab.txt or vocab.json + merges.txt with tokenizer_config.json), the
    /// tokenizer reads again as the same tokenizer.
    @Test(arguments: families)
    func writtenTokenizersReadBackTheSame(_ family: String) throws {
        let tok = try TokenizerFiles.load(directory: Self.directory(family).path)
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("cmcl-tok-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        try TokenizerFiles.write(tok, to: out.path)
        try Self.check(try TokenizerFiles.load(directory: out.path), family, "written back")
    }

    @Test func byteLevelPreTokenizationFollowsGPT2Pattern() {
        func words(_ s: String) -> [String] {
            let scalars = Array(s.unicodeScalars)
            return BytePairTokenizer.words(scalars).map { String(String.UnicodeScalarView(scalars[$0])) }
        }
        #expect(words("Hello world") == ["Hello", " world"])
        #expect(words("it's  they'll") == ["it", "'s", " ", " they", "'ll"])
        #expect(words("a   b") == ["a", "  ", " b"])
        #expect(words("x\n\ny ") == ["x", "\n", "\n", "y", " "])
        #expect(words("$5.00!?") == ["$", "5", ".", "00", "!?"])
        #expect(words(" 東京は") == [" 東京は"])
    }

    @Test func byteLevelDecodingRestoresText() throws {
        let tok = try TokenizerFiles.load(directory: Self.directory("roberta").path)
        for text in ["Héllo, wörld! 東京 🍕", "  spaces\tand\nnewlines"] {
            #expect(tok.decode(tok.encode(text).ids) == text)
        }
    }

    @Test func missingAndUnsupportedFilesAreErrors() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("cmcl-tok-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        #expect { try TokenizerFiles.load(directory: empty.path) } throws: { "\($0)".contains("no tokenizer files") }
        try Data(#"{"model": {"type": "Unigram", "vocab": {}}}"#.utf8).write(to: empty.appendingPathComponent("tokenizer.json"))
        #expect { try TokenizerFiles.load(directory: empty.path) } throws: { "\($0)".contains("tokenizer.json") }
        try Data(#"{"model": {"type": "Unigram", "vocab": {"a": 0}}}"#.utf8).write(to: empty.appendingPathComponent("tokenizer.json"))
        #expect { try TokenizerFiles.load(directory: empty.path) } throws: { "\($0)".contains("Unigram is not supported") }
        try Data(#"{"model": {"type": "WordPiece", "vocab": {"a": 0, "b": 0}}}"#.utf8).write(to: empty.appendingPathComponent("tokenizer.json"))
        #expect { try TokenizerFiles.load(directory: empty.path) } throws: { "\($0)".contains("share id 0") }
    }

    func copy(_ dir: URL) throws -> URL {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("cmcl-tok-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: dir, to: out)
        return out
    }
}
