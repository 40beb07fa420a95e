import Foundation

/// Byte-level BPE as GPT-2 and RoBERTa use it, compatible with Hugging Face `tokenizers`
/// (`ByteLevel` pre-tokenizer with its regular expression, `BPE` model, `RobertaProcessing`):
/// the text is split into words (contractions, letter runs, number runs, other runs, each
/// with an optional leading space; whitespace runs), each word's UTF-8 bytes are mapped to
/// printable characters, and adjacent symbols are merged by rank until no merge applies.
/// Special tokens (`<s>`, `<mask>`…) are recognised whole in raw text.
///
/// ```swift
/// let tok = try BytePairTokenizer(vocabPath: "vocab.json", mergesPath: "merges.txt")
/// tok.encode("Hello world").tokens   // ["<s>", "Hello", "Ġworld", "</s>"]
/// ```
public struct BytePairTokenizer: TextTokenizer {
    public let vocabulary: Vocabulary
    /// Merge ranks: `"a b"` → rank (lower merges first).
    let ranks: [String: Int]
    /// The merges in rank order (for writing `merges.txt` back).
    public let merges: [(String, String)]
    /// Whether a space is added before the text (so its first word is treated like the others).
    public let addPrefixSpace: Bool
    /// Whether token offsets exclude the leading space of a word (Hugging Face `trim_offsets`).
    public let trimOffsets: Bool
    public let clsID: Int32, sepID: Int32, padID: Int32, unknownID: Int32
    public let template: SpecialTokenTemplate
    /// Special tokens recognised in raw text, longest first, with whether spaces on their left
    /// are absorbed (`<mask>`'s `lstrip`).
    let specials: [(scalars: [Unicode.Scalar], id: Int32, text: String, lstrip: Bool)]

    /// GPT-2's map from bytes to printable characters and its inverse.
    static let byteToScalar: [Unicode.Scalar] = {
        var printable = Array(33...126) + Array(161...172) + Array(174...255)
        var codes = printable
        var n = 0
        for b in 0..<256 where !printable.contains(b) {
            printable.append(b)
            codes.append(256 + n)
            n += 1
        }
        var table = [Unicode.Scalar](repeating: " ", count: 256)
        for (b, c) in zip(printable, codes) { table[b] = Unicode.Scalar(UInt32(c)) ?? " " }
        return table
    }()
    static let scalarToByte: [Unicode.Scalar: UInt8] = {
        var m: [Unicode.Scalar: UInt8] = [:]
        for (b, s) in byteToScalar.enumerated() { m[s] = UInt8(b) }
        return m
    }()

    /// A tokenizer over `vocabulary` with `merges` in rank order; the special tokens must be in
    /// the vocabulary. `lstripSpecials` are specials that absorb the spaces before them.
    public init(vocabulary: Vocabulary, merges: [(String, String)], addPrefixSpace: Bool = false, trimOffsets: Bool = true,
                cls: String = "<s>", sep: String = "</s>", pad: String = "<pad>", unknown: String = "<unk>",
                extraSpecials: [String] = ["<mask>"], lstripSpecials: Set<String> = ["<mask>"]) throws {
        func id(_ token: String) throws -> Int32 {
            guard let id = vocabulary[token] else {
                throw DataError.missing(file: "vocabulary", what: "special token \(token)", available: [])
            }
            return id
        }
        self.vocabulary = vocabulary
        self.merges = merges
        var ranks: [String: Int] = [:]
        for (i, m) in merges.enumerated() where ranks[m.0 + " " + m.1] == nil { ranks[m.0 + " " + m.1] = i }
        self.ranks = ranks
        self.addPrefixSpace = addPrefixSpace
        self.trimOffsets = trimOffsets
        clsID = try id(cls); sepID = try id(sep); padID = try id(pad); unknownID = try id(unknown)
        template = SpecialTokenTemplate(clsID: clsID, clsToken: cls, sepID: sepID, sepToken: sep, pairSeparators: 2, pairTypeID: 0,
                                        padToken: pad)
        var specials: [(scalars: [Unicode.Scalar], id: Int32, text: String, lstrip: Bool)] = []
        for token in [cls, sep, pad, unknown] + extraSpecials where !token.isEmpty && !specials.contains(where: { $0.text == token }) {
            if let id = vocabulary[token] { specials.append((Array(token.unicodeScalars), id, token, lstripSpecials.contains(token))) }
        }
        self.specials = specials.sorted { $0.scalars.count > $1.scalars.count }
    }

    /// Loads `vocab.json` (token → id) and `merges.txt` (one `a b` pair per line after an
    /// optional `#version` line).
    public init(vocabPath: String, mergesPath: String, addPrefixSpace: Bool = false) throws {
        let vocab = try JSONValue.read(path: vocabPath)
        guard let object = vocab.object else {
            throw DataError.malformed(file: vocabPath, line: 1, column: 1, problem: "expected an object from token to id")
        }
        try self.init(vocabulary: try Self.vocabulary(object, source: vocabPath), merges: try Self.readMerges(mergesPath),
                      addPrefixSpace: addPrefixSpace)
    }

    /// A vocabulary from a token → id object (ids must be distinct integers from 0; gaps are
    /// filled with unusable placeholders).
    static func vocabulary(_ object: JSONObject, source: String) throws -> Vocabulary {
        var byID: [Int: String] = [:]
        for (token, v) in object.pairs {
            guard let id = v.int, id >= 0, id < 10_000_000 else {
                throw DataError.malformed(file: source, line: 0, column: 0, problem: "token \(Self.quoted(token)) has id \(v), not an integer in 0..<10000000")
            }
            if let other = byID[id] {
                throw DataError.malformed(file: source, line: 0, column: 0, problem: "tokens \(Self.quoted(other)) and \(Self.quoted(token)) share id \(id)")
            }
            byID[id] = token
        }
        guard let top = byID.keys.max() else { throw DataError.malformed(file: source, line: 1, column: 1, problem: "empty vocabulary") }
        return Vocabulary(tokens: (0...top).map { byID[$0] ?? "\u{0}<unused \($0)>" })
    }

    static func quoted(_ s: String) -> String { "\"" + s + "\"" }

    static func readMerges(_ path: String) throws -> [(String, String)] {
        let bytes = try FileBytes.read(path)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw DataError.malformed(file: path, line: 1, column: 0, problem: "invalid UTF-8")
        }
        var out: [(String, String)] = []
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let l = line.hasSuffix("\r") ? line.dropLast() : line
            if l.isEmpty || (i == 0 && l.hasPrefix("#version")) { continue }
            let parts = l.split(separator: " ", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw DataError.malformed(file: path, line: i + 1, column: 0, problem: "a merge is two symbols separated by one space")
            }
            out.append((String(parts[0]), String(parts[1])))
        }
        return out
    }

    // MARK: Tokenizing

    public func tokenize(_ text: String) -> [Token] {
        let scalars = Array(text.unicodeScalars)
        var tokens: [Token] = []
        var start = 0, i = 0
        while i < scalars.count {
            if let s = matchSpecial(scalars, at: i) {
                var end = i
                if s.lstrip { while end > start && scalars[end - 1].properties.isWhitespace { end -= 1 } }
                tokenizeSegment(scalars, start, end, into: &tokens)
                tokens.append(Token(id: s.id, text: s.text, offset: i..<(i + s.scalars.count)))
                i += s.scalars.count
                start = i
                continue
            }
            i += 1
        }
        tokenizeSegment(scalars, start, scalars.count, into: &tokens)
        return tokens
    }

    func matchSpecial(_ scalars: [Unicode.Scalar], at i: Int) -> (scalars: [Unicode.Scalar], id: Int32, text: String, lstrip: Bool)? {
        for s in specials where i + s.scalars.count <= scalars.count && s.scalars[0] == scalars[i] {
            if scalars[i..<(i + s.scalars.count)].elementsEqual(s.scalars) { return s }
        }
        return nil
    }

    func tokenizeSegment(_ scalars: [Unicode.Scalar], _ start: Int, _ end: Int, into tokens: inout [Token]) {
        guard start < end else { return }
        var piece = Array(scalars[start..<end])
        var spans = (start..<end).map { $0..<($0 + 1) }
        if addPrefixSpace && start == 0 && !(piece.first?.properties.isWhitespace ?? true) {
            piece.insert(" ", at: 0)
            spans.insert(start..<start, at: 0)
        }
        for word in Self.words(piece) {
            encodeWord(Array(piece[word]), spans: Array(spans[word]), into: &tokens)
        }
    }

    enum Kind { case letter, number, space, other }

    static func kind(_ s: Unicode.Scalar) -> Kind {
        if s.properties.isWhitespace { return .space }
        switch s.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return .letter
        case .decimalNumber, .letterNumber, .otherNumber: return .number
        default: return .other
        }
    }

    /// The ranges of GPT-2's pre-tokenization pattern
    /// `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`.
    static func words(_ s: [Unicode.Scalar]) -> [Range<Int>] {
        var out: [Range<Int>] = []
        let n = s.count
        var i = 0
        func run(from j: Int, _ k: Kind) -> Int {
            var e = j
            while e < n && kind(s[e]) == k { e += 1 }
            return e
        }
        while i < n {
            if s[i] == "'" {
                var matched = 0
                for c in ["s", "t", "re", "ve", "m", "ll", "d"] {
                    let cs = Array(c.unicodeScalars)
                    if i + 1 + cs.count <= n && s[(i + 1)..<(i + 1 + cs.count)].elementsEqual(cs) { matched = 1 + cs.count; break }
                }
                if matched > 0 { out.append(i..<(i + matched)); i += matched; continue }
            }
            let k = kind(s[i])
            if k != .space {
                let e = run(from: i, k)
                out.append(i..<e)
                i = e
                continue
            }
            // A space followed by a letter, number or other run joins that run.
            if s[i] == " ", i + 1 < n, kind(s[i + 1]) != .space {
                let e = run(from: i + 1, kind(s[i + 1]))
                out.append(i..<e)
                i = e
                continue
            }
            let e = run(from: i, .space)
            if e == n || e - i == 1 {
                out.append(i..<e)
                i = e
            } else {
                // Leave the last whitespace for the next word (`\s+(?!\S)`).
                out.append(i..<(e - 1))
                i = e - 1
            }
        }
        return out
    }

    /// BPE over one word's byte symbols; `spans` are the original scalar span of each scalar.
    func encodeWord(_ word: [Unicode.Scalar], spans: [Range<Int>], into tokens: inout [Token]) {
        var symbols: [String] = []
        var symbolSpans: [Range<Int>] = []
        for (s, span) in zip(word, spans) {
            for b in String(s).utf8 {
                symbols.append(String(Self.byteToScalar[Int(b)]))
                symbolSpans.append(span)
            }
        }
        while symbols.count > 1 {
            var best = Int.max, at = -1
            for j in 0..<(symbols.count - 1) {
                if let r = ranks[symbols[j] + " " + symbols[j + 1]], r < best { best = r; at = j }
            }
            if at < 0 { break }
            // Merge every occurrence of the best pair, left to right.
            let (a, b) = (symbols[at], symbols[at + 1])
            var merged: [String] = [], mergedSpans: [Range<Int>] = []
            var j = 0
            while j < symbols.count {
                if j + 1 < symbols.count && symbols[j] == a && symbols[j + 1] == b {
                    merged.append(a + b)
                    let lo = Swift.min(symbolSpans[j].lowerBound, symbolSpans[j + 1].lowerBound)
                    mergedSpans.append(lo..<Swift.max(lo, symbolSpans[j + 1].upperBound))
                    j += 2
                } else {
                    merged.append(symbols[j])
                    mergedSpans.append(symbolSpans[j])
                    j += 1
                }
            }
            symbols = merged
            symbolSpans = mergedSpans
        }
        let space = Self.byteToScalar[0x20]
        for (sym, span) in zip(symbols, symbolSpans) {
            var offset = span
            // `trim_offsets`: a word's leading space is not part of its offsets.
            if trimOffsets, sym.unicodeScalars.count > 1, sym.unicodeScalars.first == space, !span.isEmpty,
               word.first == " ", spans.first?.isEmpty == false, span.lowerBound == spans.first?.lowerBound {
                offset = (span.lowerBound + 1)..<span.upperBound
            }
            tokens.append(Token(id: vocabulary[sym] ?? unknownID, text: sym, offset: offset))
        }
    }

    public func decode(_ ids: [Int32]) -> String {
        var bytes: [UInt8] = []
        let special = Set(specials.map(\.id))
        for id in ids where !special.contains(id) {
            guard let token = vocabulary.token(id) else { continue }
            for s in token.unicodeScalars { if let b = Self.scalarToByte[s] { bytes.append(b) } }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
