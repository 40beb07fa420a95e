/// BERT WordPiece tokenization compatible with Hugging Face `tokenizers` (`BertNormalizer`,
/// `BertPreTokenizer`, `WordPiece`, `[CLS] a [SEP] b [SEP]` template, `LongestFirst`
/// truncation): greedy longest-match-first subwords with `##` continuations, `[UNK]` for
/// words that cannot be split or are longer than `maxInputCharsPerWord`, special tokens such
/// as `[SEP]` in the raw text kept whole, and offsets into the original string.
///
/// ```swift
/// let tok = try WordPieceTokenizer(vocabPath: "vocab.txt", lowercase: true)
/// let e = tok.encode("Who wrote it?", "Tolkien wrote it.", maxLength: 128)
/// e.ids.first  // 101 ([CLS])
/// ```
public struct WordPieceTokenizer: TextTokenizer {
    /// The token ↔ id mapping.
    public let vocabulary: Vocabulary
    /// The normalizer and pre-tokenizer settings.
    public let normalizer: BertNormalizer
    /// Words longer than this (in scalars) become `[UNK]`.
    public let maxInputCharsPerWord: Int
    /// The prefix of continuation pieces.
    public let continuationPrefix: String
    /// Id of `[CLS]`.
    public let clsID: Int32
    /// Id of `[SEP]`.
    public let sepID: Int32
    /// Id of `[PAD]`.
    public let padID: Int32
    /// Id of `[UNK]`.
    public let unknownID: Int32
    /// Special tokens recognised verbatim in raw text (`[CLS]`, `[SEP]`, ...), longest first.
    let specials: [(scalars: [Unicode.Scalar], id: Int32, text: String)]

    /// How `[CLS]` and `[SEP]` frame the inputs.
    public let template: SpecialTokenTemplate
    /// The text of the unknown token.
    public let unknownToken: String

    /// Creates a tokenizer over `vocabulary`, which must contain the `unknown`, `cls`, `sep` and
    /// `pad` tokens; those and `extraSpecials` are recognised whole in raw text.
    public init(vocabulary: Vocabulary, lowercase: Bool = true, stripAccents: Bool? = nil,
                maxInputCharsPerWord: Int = 100, continuationPrefix: String = "##",
                normalizer: BertNormalizer? = nil, cls: String = "[CLS]", sep: String = "[SEP]", pad: String = "[PAD]",
                unknown: String = "[UNK]", extraSpecials: [String] = ["[MASK]"]) throws {
        func id(_ token: String) throws -> Int32 {
            guard let id = vocabulary[token] else {
                throw DataError.missing(file: "vocabulary", what: "special token \(token)", available: [])
            }
            return id
        }
        self.vocabulary = vocabulary
        self.normalizer = normalizer ?? BertNormalizer(lowercase: lowercase, stripAccents: stripAccents)
        self.maxInputCharsPerWord = maxInputCharsPerWord
        self.continuationPrefix = continuationPrefix
        self.clsID = try id(cls)
        self.sepID = try id(sep)
        self.padID = try id(pad)
        self.unknownID = try id(unknown)
        self.unknownToken = unknown
        self.template = SpecialTokenTemplate(clsID: clsID, clsToken: cls, sepID: sepID, sepToken: sep, padToken: pad)
        var specials: [(scalars: [Unicode.Scalar], id: Int32, text: String)] = []
        for token in [pad, unknown, cls, sep] + extraSpecials where !specials.contains(where: { $0.text == token }) {
            if let id = vocabulary[token], !token.isEmpty { specials.append((Array(token.unicodeScalars), id, token)) }
        }
        self.specials = specials.sorted { $0.scalars.count > $1.scalars.count }
    }

    /// Loads `vocab.txt` and creates a tokenizer (see ``init(vocabulary:lowercase:stripAccents:maxInputCharsPerWord:continuationPrefix:)``).
    public init(vocabPath: String, lowercase: Bool = true, stripAccents: Bool? = nil) throws {
        try self.init(vocabulary: try Vocabulary.load(path: vocabPath), lowercase: lowercase,
                      stripAccents: stripAccents)
    }

    /// WordPiece tokens of `text`, without `[CLS]`/`[SEP]` added.
    public func tokenize(_ text: String) -> [Token] {
        let scalars = Array(text.unicodeScalars)
        var tokens: [Token] = []
        var segmentStart = 0
        var i = 0
        while i < scalars.count {
            if let special = matchSpecial(scalars, at: i) {
                tokenizeSegment(scalars, segmentStart, i, into: &tokens)
                let end = i + special.scalars.count
                tokens.append(Token(id: special.id, text: special.text, offset: i..<end))
                i = end
                segmentStart = end
                continue
            }
            i += 1
        }
        tokenizeSegment(scalars, segmentStart, scalars.count, into: &tokens)
        return tokens
    }

    func matchSpecial(_ scalars: [Unicode.Scalar], at i: Int) -> (scalars: [Unicode.Scalar], id: Int32, text: String)? {
        for special in specials where i + special.scalars.count <= scalars.count && special.scalars[0] == scalars[i] {
            if scalars[i..<(i + special.scalars.count)].elementsEqual(special.scalars) { return special }
        }
        return nil
    }

    func tokenizeSegment(_ scalars: [Unicode.Scalar], _ start: Int, _ end: Int, into tokens: inout [Token]) {
        guard start < end else { return }
        for word in normalizer.words(scalars[start..<end], base: start) {
            wordPieces(word, into: &tokens)
        }
    }

    /// Greedy longest-match-first split of one word.
    func wordPieces(_ word: BertNormalizer.Word, into tokens: inout [Token]) {
        let n = word.scalars.count
        let whole = word.origins[0]..<(word.origins[n - 1] + 1)
        if n > maxInputCharsPerWord {
            tokens.append(Token(id: unknownID, text: unknownToken, offset: whole))
            return
        }
        // UTF-8 bytes of the word with the byte offset of every scalar boundary.
        let prefix = Array(continuationPrefix.utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(n)
        var boundaries = [Int]()
        boundaries.reserveCapacity(n + 1)
        for scalar in word.scalars {
            boundaries.append(bytes.count)
            if scalar.value < 128 { bytes.append(UInt8(scalar.value)) } else { bytes.append(contentsOf: String(scalar).utf8) }
        }
        boundaries.append(bytes.count)
        var pieces: [Token] = []
        var start = 0
        let limit = vocabulary.longestToken
        while start < n {
            var end = Swift.min(n, start + limit)
            var found: Token?
            while start < end {
                let piece = bytes[boundaries[start]..<boundaries[end]]
                let candidate = start > 0
                    ? String(decoding: prefix + piece, as: UTF8.self)
                    : String(decoding: piece, as: UTF8.self)
                if let id = vocabulary[candidate] {
                    found = Token(id: id, text: candidate,
                                  offset: word.origins[start]..<(word.origins[end - 1] + 1))
                    break
                }
                end -= 1
            }
            guard let piece = found else {
                tokens.append(Token(id: unknownID, text: unknownToken, offset: whole))
                return
            }
            pieces.append(piece)
            start = end
        }
        tokens.append(contentsOf: pieces)
    }
}
