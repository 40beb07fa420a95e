/// One token produced by a tokenizer: its id, text and character span in the input
/// (offsets count Unicode scalars, like Python string indices and Hugging Face offsets).
public struct Token: Sendable, Hashable {
    /// The vocabulary id.
    public var id: Int32
    /// The token text (with `##` for WordPiece continuations).
    public var text: String
    /// The span in the original string, in Unicode scalars.
    public var offset: Range<Int>

    /// Creates a token.
    public init(id: Int32, text: String, offset: Range<Int>) {
        self.id = id
        self.text = text
        self.offset = offset
    }
}

/// The model input for one text or text pair: `[CLS] a [SEP] b [SEP]` ids, token-type ids,
/// attention mask and offsets (special and padding tokens have the empty offset `0..<0`).
///
/// ```swift
/// let e = tokenizer.encode("a question", "a context", maxLength: 128)
/// e.ids; e.typeIDs; e.attentionMask; e.offsets
/// ```
public struct Encoding: Sendable, Equatable {
    /// Token ids.
    public var ids: [Int32]
    /// Token strings.
    public var tokens: [String]
    /// 0 for `[CLS]`, the first text and its `[SEP]`; 1 for the second text and final `[SEP]`.
    public var typeIDs: [Int32]
    /// 1 for real tokens, 0 for padding.
    public var attentionMask: [Int32]
    /// Character offsets into the text each token came from.
    public var offsets: [Range<Int>]
    /// Which input each token came from: 0 or 1, or -1 for special and padding tokens.
    public var sequenceIDs: [Int8]

    /// Creates an empty encoding.
    public init() {
        ids = []; tokens = []; typeIDs = []; attentionMask = []; offsets = []; sequenceIDs = []
    }

    /// The number of positions (including specials and padding).
    public var count: Int { ids.count }

    mutating func append(id: Int32, token: String, type: Int32, offset: Range<Int>, sequence: Int8, mask: Int32 = 1) {
        ids.append(id)
        tokens.append(token)
        typeIDs.append(type)
        attentionMask.append(mask)
        offsets.append(offset)
        sequenceIDs.append(sequence)
    }

    /// Pads on the right to `length` with `padID` (no-op when already that long or longer).
    public mutating func pad(to length: Int, padID: Int32, padToken: String = "[PAD]") {
        while ids.count < length {
            append(id: padID, token: padToken, type: 0, offset: 0..<0, sequence: -1, mask: 0)
        }
    }
}

/// How special tokens frame one text or a pair: BERT's `[CLS] a [SEP] b [SEP]` (the second text
/// with token type 1) or RoBERTa's `<s> a </s></s> b </s>` (one token type).
public struct SpecialTokenTemplate: Sendable, Equatable {
    /// The first token and its text.
    public var clsID: Int32, clsToken: String
    /// The separator closing each text and its text.
    public var sepID: Int32, sepToken: String
    /// Separators between the two texts of a pair: 1 (BERT) or 2 (RoBERTa).
    public var pairSeparators: Int
    /// The token type of the second text: 1 (BERT) or 0 (RoBERTa).
    public var pairTypeID: Int32
    /// The padding token's text.
    public var padToken: String

    /// A template.
    public init(clsID: Int32, clsToken: String, sepID: Int32, sepToken: String, pairSeparators: Int = 1, pairTypeID: Int32 = 1,
                padToken: String = "[PAD]") {
        self.clsID = clsID; self.clsToken = clsToken; self.sepID = sepID; self.sepToken = sepToken
        self.pairSeparators = pairSeparators; self.pairTypeID = pairTypeID; self.padToken = padToken
    }

    /// The number of special tokens around one text (`pair` false) or a pair.
    public func specialCount(pair: Bool) -> Int { pair ? 2 + pairSeparators : 2 }
}

/// Something that splits text into vocabulary tokens and knows its special-token ids.
/// ``encode(_:_:maxLength:padToMaxLength:)`` (pairing, truncation, padding) comes for free.
public protocol TextTokenizer: Sendable {
    /// The vocabulary.
    var vocabulary: Vocabulary { get }
    /// Ids of `[CLS]`, `[SEP]`, `[PAD]` and `[UNK]` (or their equivalents, `<s>`, `</s>`…).
    var clsID: Int32 { get }
    var sepID: Int32 { get }
    var padID: Int32 { get }
    var unknownID: Int32 { get }
    /// How special tokens frame the inputs (BERT's layout unless a tokenizer says otherwise).
    var template: SpecialTokenTemplate { get }
    /// Tokens of `text` without special tokens.
    func tokenize(_ text: String) -> [Token]
    /// Text from token ids, without special and padding tokens.
    func decode(_ ids: [Int32]) -> String
}

extension TextTokenizer {
    /// BERT's `[CLS] a [SEP] b [SEP]`.
    public var template: SpecialTokenTemplate {
        SpecialTokenTemplate(clsID: clsID, clsToken: vocabulary.token(clsID) ?? "[CLS]", sepID: sepID,
                             sepToken: vocabulary.token(sepID) ?? "[SEP]", padToken: vocabulary.token(padID) ?? "[PAD]")
    }

    /// The ids this tokenizer reserves: `[CLS]`, `[SEP]`, `[PAD]`, `[UNK]` (or their
    /// equivalents) and, when the vocabulary has it, `[MASK]` / `<mask>` (input crops never
    /// remove them).
    public var specialTokenIDs: Set<Int32> {
        var ids: Set<Int32> = [clsID, sepID, padID, unknownID]
        for mask in ["[MASK]", "<mask>"] { if let id = vocabulary[mask] { ids.insert(id) } }
        return ids
    }

    /// Encodes `text` (and `pair`) as `[CLS] text [SEP] (pair [SEP])`. When the result would be
    /// longer than `maxLength` the inputs are truncated longest-first (Hugging Face
    /// `LongestFirst`); with `padToMaxLength` the result is padded to `maxLength`.
    ///
    /// ```swift
    /// let e = tok.encode("a", "b", maxLength: 128)
    /// ```
    public func encode(_ text: String, _ pair: String? = nil, maxLength: Int? = nil,
                       padToMaxLength: Bool = false) -> Encoding {
        let first = tokenize(text)
        let second = pair.map { tokenize($0) }
        return encode(tokens: first, pair: second, maxLength: maxLength, padToMaxLength: padToMaxLength)
    }

    /// Encodes already tokenized inputs (see ``encode(_:_:maxLength:padToMaxLength:)``).
    public func encode(tokens first: [Token], pair second: [Token]?, maxLength: Int? = nil,
                       padToMaxLength: Bool = false) -> Encoding {
        var n1 = first.count
        var n2 = second?.count ?? 0
        let t = template
        if let maxLength {
            let budget = Swift.max(0, maxLength - t.specialCount(pair: second != nil))
            (n1, n2) = Self.truncatedLengths(n1, n2, budget: budget, isPair: second != nil)
        }
        var e = Encoding()
        e.ids.reserveCapacity(n1 + n2 + 4)
        e.append(id: t.clsID, token: t.clsToken, type: 0, offset: 0..<0, sequence: -1)
        for token in first.prefix(n1) { e.append(id: token.id, token: token.text, type: 0, offset: token.offset, sequence: 0) }
        e.append(id: t.sepID, token: t.sepToken, type: 0, offset: 0..<0, sequence: -1)
        if let second {
            for _ in 1..<Swift.max(1, t.pairSeparators) {
                e.append(id: t.sepID, token: t.sepToken, type: t.pairTypeID, offset: 0..<0, sequence: -1)
            }
            for token in second.prefix(n2) {
                e.append(id: token.id, token: token.text, type: t.pairTypeID, offset: token.offset, sequence: 1)
            }
            e.append(id: t.sepID, token: t.sepToken, type: t.pairTypeID, offset: 0..<0, sequence: -1)
        }
        if padToMaxLength, let maxLength { e.pad(to: maxLength, padID: padID, padToken: t.padToken) }
        return e
    }

    /// Hugging Face `LongestFirst` truncation: the lengths kept of each input so that
    /// `n1 + n2 <= budget` (the budget excludes special tokens).
    static func truncatedLengths(_ n1: Int, _ n2: Int, budget: Int, isPair: Bool) -> (Int, Int) {
        if n1 + n2 <= budget { return (n1, n2) }
        if !isPair { return (Swift.min(n1, budget), 0) }
        var a = n1, b = n2
        let swap = a > b
        if swap { (a, b) = (b, a) }
        // a is the shorter input.
        if a > budget { b = a } else { b = Swift.max(a, budget - a) }
        if a + b > budget {
            a = budget / 2
            b = a + budget % 2
        }
        if swap { (a, b) = (b, a) }
        return (Swift.min(a, n1), Swift.min(b, n2))
    }

    /// Maps ids back to text, dropping special and padding tokens and joining `##` pieces.
    public func decode(_ ids: [Int32]) -> String {
        var out = ""
        for id in ids where id != clsID && id != sepID && id != padID {
            guard let token = vocabulary.token(id) else { continue }
            if token.hasPrefix("##") {
                out += token.dropFirst(2)
            } else {
                if !out.isEmpty { out += " " }
                out += token
            }
        }
        return out
    }
}
