/// A token ↔ id mapping, loaded from a `vocab.txt` (one token per line, id = line index)
/// or built from data.
///
/// ```swift
/// let vocab = try Vocabulary.load(path: "vocab.txt")
/// vocab["[CLS]"]  // 101 for bert-base-uncased
/// ```
public struct Vocabulary: Sendable, Equatable {
    /// Tokens in id order.
    public private(set) var tokens: [String]
    private var ids: [String: Int32]
    /// The length in Unicode scalars of the longest token (used to bound WordPiece search).
    public private(set) var longestToken: Int

    /// Creates a vocabulary from tokens in id order; later duplicates keep the first id.
    public init(tokens: [String]) {
        self.tokens = tokens
        var ids: [String: Int32] = [:]
        ids.reserveCapacity(tokens.count)
        var longest = 0
        for (i, token) in tokens.enumerated() {
            if ids[token] == nil { ids[token] = Int32(i) }
            longest = Swift.max(longest, token.unicodeScalars.count)
        }
        self.ids = ids
        self.longestToken = longest
    }

    /// Loads a `vocab.txt` file (UTF-8, one token per line; `\r\n` accepted).
    public static func load(path: String) throws -> Vocabulary {
        let bytes = try FileBytes.read(path)
        var tokens: [String] = []
        try bytes.withUnsafeBufferPointer { buffer in
            var start = 0
            var line = 1
            while start < buffer.count {
                var end = start
                while end < buffer.count && buffer[end] != 0x0A { end += 1 }
                var stop = end
                if stop > start && buffer[stop - 1] == 0x0D { stop -= 1 }
                guard let token = FileBytes.string(buffer, start, stop) else {
                    throw DataError.malformed(file: path, line: line, column: 0, problem: "invalid UTF-8 in token")
                }
                tokens.append(token)
                start = end + 1
                line += 1
            }
        }
        guard !tokens.isEmpty else {
            throw DataError.malformed(file: path, line: 1, column: 0, problem: "empty vocabulary")
        }
        return Vocabulary(tokens: tokens)
    }

    /// Counts tokens in `texts` and keeps those seen at least `minFrequency` times, most
    /// frequent first (ties in first-seen order), at most `maxSize` entries including the
    /// `specials`, which come first.
    ///
    /// ```swift
    /// let vocab = Vocabulary.build(from: sentences, tokenizer: WordTokenizer(), minFrequency: 2)
    /// ```
    public static func build(from texts: some Sequence<String>, tokenizer split: (String) -> [String],
                             minFrequency: Int = 1, maxSize: Int? = nil,
                             specials: [String] = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]) -> Vocabulary {
        var counts: [String: Int] = [:]
        var order: [String] = []
        for text in texts {
            for token in split(text) {
                if let c = counts[token] { counts[token] = c + 1 } else { counts[token] = 1; order.append(token) }
            }
        }
        let specialSet = Set(specials)
        var rank: [String: Int] = [:]
        for (i, t) in order.enumerated() { rank[t] = i }
        let kept = order.filter { (counts[$0] ?? 0) >= minFrequency && !specialSet.contains($0) }
            .sorted { a, b in
                let ca = counts[a] ?? 0, cb = counts[b] ?? 0
                return ca != cb ? ca > cb : (rank[a] ?? 0) < (rank[b] ?? 0)
            }
        var tokens = specials
        let room = maxSize.map { Swift.max(0, $0 - specials.count) } ?? kept.count
        tokens.append(contentsOf: kept.prefix(room))
        return Vocabulary(tokens: tokens)
    }

    /// The number of tokens.
    public var count: Int { tokens.count }

    /// The id of `token`, or nil.
    public subscript(token: String) -> Int32? { ids[token] }

    /// The token with id `id`, or nil when out of range.
    public func token(_ id: Int32) -> String? {
        tokens.indices.contains(Int(id)) ? tokens[Int(id)] : nil
    }
}
