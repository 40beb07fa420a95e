import CMCLBase
import Foundation

/// The tokenizer of a Hugging Face model directory, read from its files and written back.
///
/// Reading prefers `tokenizer.json` (a `WordPiece` model with `BertNormalizer` and
/// `BertPreTokenizer`, or a byte-level `BPE` model; special tokens from its post-processor and
/// added tokens), else `vocab.txt` (WordPiece, casing from `tokenizer_config.json`'s
/// `do_lower_case`, `strip_accents`, `tokenize_chinese_chars`), else `vocab.json` +
/// `merges.txt` (byte-level BPE, `add_prefix_space` from `tokenizer_config.json`).
///
/// ```swift
/// let tok = try TokenizerFiles.load(directory: "models/minilm-l6")
/// try TokenizerFiles.write(tok, to: "exported")     // vocab.txt, tokenizer_config.json, …
/// ```
public enum TokenizerFiles {
    /// The tokenizer stored in `directory`.
    public static func load(directory: String) throws -> any TextTokenizer {
        let dir = URL(fileURLWithPath: directory)
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
        func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: path(name)) }
        let config = exists("tokenizer_config.json") ? try JSONValue.read(path: path("tokenizer_config.json")) : .object([:])
        if exists("tokenizer.json") { return try fromTokenizerJSON(path("tokenizer.json"), config: config) }
        func special(_ key: String, _ fallback: String) -> String {
            if let s = config[key]?.string { return s }
            return config[key]?["content"]?.string ?? fallback
        }
        if exists("vocab.txt") {
            let lower = config["do_lower_case"].map { $0 == .bool(true) } ?? true
            var strip: Bool? = nil
            if case .bool(let b)? = config["strip_accents"] { strip = b }
            var chinese = true
            if case .bool(let b)? = config["tokenize_chinese_chars"] { chinese = b }
            return try WordPieceTokenizer(vocabulary: try Vocabulary.load(path: path("vocab.txt")),
                                          normalizer: BertNormalizer(lowercase: lower, stripAccents: strip, handleChineseChars: chinese),
                                          cls: special("cls_token", "[CLS]"), sep: special("sep_token", "[SEP]"),
                                          pad: special("pad_token", "[PAD]"), unknown: special("unk_token", "[UNK]"),
                                          extraSpecials: [special("mask_token", "[MASK]")])
        }
        if exists("vocab.json") && exists("merges.txt") {
            guard let object = try JSONValue.read(path: path("vocab.json")).object else {
                throw DataError.unreadable(path: path("vocab.json"), reason: "expected an object from token to id")
            }
            let mask = special("mask_token", "<mask>")
            return try BytePairTokenizer(vocabulary: try BytePairTokenizer.vocabulary(object, source: path("vocab.json")),
                                         merges: try BytePairTokenizer.readMerges(path("merges.txt")),
                                         addPrefixSpace: config["add_prefix_space"] == .bool(true),
                                         cls: special("cls_token", "<s>"), sep: special("sep_token", "</s>"),
                                         pad: special("pad_token", "<pad>"), unknown: special("unk_token", "<unk>"),
                                         extraSpecials: [mask], lstripSpecials: [mask])
        }
        throw DataError.unreadable(path: directory, reason: "no tokenizer files (tokenizer.json, vocab.txt, or vocab.json with merges.txt)")
    }

    /// A tokenizer from a `tokenizer.json` file.
    public static func fromTokenizerJSON(_ path: String, config: JSONValue = .object([:])) throws -> any TextTokenizer {
        let j = try JSONValue.read(path: path)
        func fail(_ problem: String) -> DataError { .unreadable(path: path, reason: problem) }
        guard let model = j["model"], let type = model["type"]?.string ?? (model["merges"] != nil ? "BPE" : nil) else {
            throw fail("lacks a model with a type")
        }
        guard let vocabObject = model["vocab"]?.object else { throw fail("model.vocab is not an object from token to id") }
        let vocabulary = try BytePairTokenizer.vocabulary(vocabObject, source: path)
        // Special tokens: the post-processor names cls/sep; added tokens may absorb spaces.
        var added: [(String, lstrip: Bool)] = []
        for t in j["added_tokens"]?.array ?? [] where t["special"] == .bool(true) {
            if let s = t["content"]?.string { added.append((s, t["lstrip"] == .bool(true))) }
        }
        let post = j["post_processor"]
        func pairToken(_ key: String) -> String? { post?[key]?[0]?.string }
        var cls = pairToken("cls"), sep = pairToken("sep")
        if post?["type"]?.string == "TemplateProcessing", let single = post?["single"]?.array {
            let specials = single.compactMap { $0["SpecialToken"]?["id"]?.string }
            if specials.count >= 2 { cls = specials.first; sep = specials.last }
        }
        let pad = j["padding"]?["pad_token"]?.string
        func has(_ t: String?) -> String? { t.flatMap { vocabulary[$0] != nil ? $0 : nil } }
        switch type {
        case "WordPiece":
            let norm = j["normalizer"]
            var normalizer = BertNormalizer(lowercase: false, stripAccents: false, cleanText: false, handleChineseChars: false)
            if let n = norm, n != .null {
                guard n["type"]?.string == "BertNormalizer" else {
                    throw fail("normalizer \(n["type"]?.string ?? "?") is not supported (BertNormalizer)")
                }
                let lower = n["lowercase"] != .bool(false)
                var strip: Bool? = nil
                if case .bool(let b)? = n["strip_accents"] { strip = b }
                normalizer = BertNormalizer(lowercase: lower, stripAccents: strip, cleanText: n["clean_text"] != .bool(false),
                                            handleChineseChars: n["handle_chinese_chars"] != .bool(false))
            }
            if let p = j["pre_tokenizer"], p != .null, p["type"]?.string != "BertPreTokenizer" {
                throw fail("pre_tokenizer \(p["type"]?.string ?? "?") is not supported with WordPiece (BertPreTokenizer)")
            }
            let unk = model["unk_token"]?.string ?? "[UNK]"
            return try WordPieceTokenizer(vocabulary: vocabulary,
                                          maxInputCharsPerWord: model["max_input_chars_per_word"]?.int ?? 100,
                                          continuationPrefix: model["continuing_subword_prefix"]?.string ?? "##",
                                          normalizer: normalizer, cls: cls ?? "[CLS]", sep: sep ?? "[SEP]",
                                          pad: has(pad) ?? has("[PAD]") ?? unk, unknown: unk, extraSpecials: added.map(\.0))
        case "BPE":
            if let n = j["normalizer"], n != .null { throw fail("normalizer \(n["type"]?.string ?? "?") is not supported with byte-level BPE") }
            let pre = j["pre_tokenizer"]
            guard pre?["type"]?.string == "ByteLevel" else {
                throw fail("pre_tokenizer \(pre?["type"]?.string ?? "none") is not supported with BPE (ByteLevel)")
            }
            var merges: [(String, String)] = []
            for (i, m) in (model["merges"]?.array ?? []).enumerated() {
                if let s = m.string {
                    let parts = s.split(separator: " ", omittingEmptySubsequences: false)
                    guard parts.count == 2 else { throw fail("merge \(i) \"\(s)\" is not two symbols") }
                    merges.append((String(parts[0]), String(parts[1])))
                } else if let a = m[0]?.string, let b = m[1]?.string {
                    merges.append((a, b))
                } else {
                    throw fail("merge \(i) is neither \"a b\" nor [a, b]")
                }
            }
            let unk = has(model["unk_token"]?.string) ?? has("<unk>") ?? cls ?? "<s>"
            return try BytePairTokenizer(vocabulary: vocabulary, merges: merges,
                                         addPrefixSpace: pre?["add_prefix_space"] == .bool(true),
                                         trimOffsets: pre?["trim_offsets"] != .bool(false),
                                         cls: cls ?? "<s>", sep: sep ?? "</s>", pad: has(pad) ?? has("<pad>") ?? unk, unknown: unk,
                                         extraSpecials: added.map(\.0), lstripSpecials: Set(added.filter(\.lstrip).map(\.0)))
        default:
            throw fail("model type \(type) is not supported (WordPiece or byte-level BPE)")
        }
    }

    // MARK: Writing

    /// Writes the files `transformers` reads the tokenizer from: `vocab.txt` or `vocab.json` +
    /// `merges.txt`, `tokenizer_config.json` and `special_tokens_map.json`.
    public static func write(_ tokenizer: any TextTokenizer, to directory: String, maxLength: Int = 512) throws {
        let dir = URL(fileURLWithPath: directory)
        do { try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true) } catch {
            throw DataError.unreadable(path: directory, reason: "cannot create the directory (\(error.localizedDescription))")
        }
        func save(_ name: String, _ data: Data) throws {
            let path = dir.appendingPathComponent(name).path
            do { try AtomicFile.write([UInt8](data), to: path) } catch {
                throw DataError.unreadable(path: path, reason: "cannot write (\(error.reason))")
            }
        }
        func json(_ object: [String: Any]) throws -> Data {
            do { return try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]) } catch {
                throw DataError.invalidArgument(operation: "save tokenizer", problem: "cannot encode JSON")
            }
        }
        let t = tokenizer.template
        let unk = tokenizer.vocabulary.token(tokenizer.unknownID) ?? "[UNK]"
        var specials: [String: Any] = ["cls_token": t.clsToken, "sep_token": t.sepToken, "pad_token": t.padToken, "unk_token": unk]
        var config: [String: Any] = ["model_max_length": maxLength]
        if let wp = tokenizer as? WordPieceTokenizer {
            for token in wp.vocabulary.tokens where token.contains("\n") || token.contains("\r") {
                throw DataError.invalidArgument(operation: "save tokenizer", problem: "token \(token.debugDescription) cannot be written to vocab.txt")
            }
            try save("vocab.txt", Data((wp.vocabulary.tokens.joined(separator: "\n") + "\n").utf8))
            if wp.vocabulary["[MASK]"] != nil { specials["mask_token"] = "[MASK]" }
            config["tokenizer_class"] = "BertTokenizer"
            config["do_lower_case"] = wp.normalizer.lowercase
            config["strip_accents"] = wp.normalizer.stripAccents == wp.normalizer.lowercase ? NSNull() : wp.normalizer.stripAccents as Any
            config["tokenize_chinese_chars"] = wp.normalizer.handleChineseChars
        } else if let bpe = tokenizer as? BytePairTokenizer {
            var vocab: [String: Any] = [:]
            for (i, token) in bpe.vocabulary.tokens.enumerated() where !token.hasPrefix("\u{0}<unused") { vocab[token] = i }
            try save("vocab.json", try json(vocab))
            try save("merges.txt", Data((["#version: 0.2"] + bpe.merges.map { "\($0.0) \($0.1)" }).joined(separator: "\n").utf8 + [0x0A]))
            if bpe.vocabulary["<mask>"] != nil { specials["mask_token"] = "<mask>" }
            specials["bos_token"] = t.clsToken
            specials["eos_token"] = t.sepToken
            config["tokenizer_class"] = "RobertaTokenizer"
            config["add_prefix_space"] = bpe.addPrefixSpace
            config["trim_offsets"] = bpe.trimOffsets
        } else {
            throw DataError.invalidArgument(operation: "save tokenizer",
                                            problem: "only WordPiece and byte-level BPE tokenizers have Hugging Face files")
        }
        config.merge(specials) { a, _ in a }
        try save("tokenizer_config.json", try json(config))
        try save("special_tokens_map.json", try json(specials))
    }
}
