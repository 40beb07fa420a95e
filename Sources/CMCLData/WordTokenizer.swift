import Foundation

/// A simple word-level tokenizer: optional lower-casing, words are runs of letters, digits,
/// marks and `_`, every other non-space character is its own token; unknown words map to `[UNK]`.
/// With a `pattern`, the tokens are instead the matches of that regular expression; matching
/// polls `shouldStop` (a pattern can backtrack for ages) and, once it is true, ends early with
/// the tokens found so far, which the caller then discards.
///
/// ```swift
/// let tok = WordTokenizer.build(from: texts, minFrequency: 2, maxSize: 20_000)
/// let e = tok.encode("a fine film", maxLength: 32)
/// ```
public struct WordTokenizer: TextTokenizer {
    /// The token ↔ id mapping.
    public let vocabulary: Vocabulary
    /// Whether input is lower-cased before lookup.
    public let lowercase: Bool
    /// Id of `[CLS]`.
    public let clsID: Int32
    /// Id of `[SEP]`.
    public let sepID: Int32
    /// Id of `[PAD]`.
    public let padID: Int32
    /// Id of `[UNK]`.
    public let unknownID: Int32
    /// The regular expression whose matches are the tokens, or nil for the default rules.
    public let pattern: String?
    private let regex: RegexBox?

    /// Creates a tokenizer over a vocabulary holding `[PAD]`, `[UNK]`, `[CLS]` and `[SEP]`.
    /// - Throws: `DataError.invalidArgument` for a malformed `pattern`.
    public init(vocabulary: Vocabulary, lowercase: Bool = true, pattern: String? = nil,
                shouldStop: @escaping @Sendable () -> Bool = { false }) throws {
        regex = try pattern.map { try RegexBox($0, shouldStop: shouldStop) }
        self.pattern = pattern
        func id(_ token: String) throws -> Int32 {
            guard let id = vocabulary[token] else {
                throw DataError.missing(file: "vocabulary", what: "special token \(token)", available: [])
            }
            return id
        }
        self.vocabulary = vocabulary
        self.lowercase = lowercase
        clsID = try id("[CLS]")
        sepID = try id("[SEP]")
        padID = try id("[PAD]")
        unknownID = try id("[UNK]")
    }

    /// Builds the vocabulary from `texts` (see ``Vocabulary/build(from:tokenizer:minFrequency:maxSize:specials:)``)
    /// with the specials `[PAD] [UNK] [CLS] [SEP] [MASK]` as ids 0–4.
    public static func build(from texts: some Sequence<String>, minFrequency: Int = 1, maxSize: Int? = nil,
                             lowercase: Bool = true) -> WordTokenizer {
        let vocab = Vocabulary.build(from: texts, tokenizer: { words($0, lowercase: lowercase).map(\.text) },
                                     minFrequency: minFrequency, maxSize: maxSize)
        // The specials are always present in a built vocabulary, so this cannot fail.
        return (try? WordTokenizer(vocabulary: vocab, lowercase: lowercase))
            ?? WordTokenizer(unchecked: vocab, lowercase: lowercase)
    }

    /// Builds the vocabulary from the matches of `pattern` in `texts` (e.g. `\\w+|[^\\w\\s]`).
    /// `shouldStop` is polled while matching (see the type's notes).
    /// - Throws: `DataError.invalidArgument` for a malformed pattern.
    public static func build(from texts: some Sequence<String>, pattern: String, minFrequency: Int = 1,
                             maxSize: Int? = nil, lowercase: Bool = true,
                             shouldStop: @escaping @Sendable () -> Bool = { false }) throws -> WordTokenizer {
        let regex = try RegexBox(pattern, shouldStop: shouldStop)
        let vocab = Vocabulary.build(from: texts, tokenizer: { regex.words($0, lowercase: lowercase).map(\.text) },
                                     minFrequency: minFrequency, maxSize: maxSize)
        return try WordTokenizer(vocabulary: vocab, lowercase: lowercase, pattern: pattern, shouldStop: shouldStop)
    }

    private init(unchecked vocab: Vocabulary, lowercase: Bool) {
        vocabulary = vocab
        self.lowercase = lowercase
        padID = 0; unknownID = 1; clsID = 2; sepID = 3
        pattern = nil
        regex = nil
    }

    /// Splits `text` into words and single punctuation/symbol characters with scalar offsets.
    public static func words(_ text: String, lowercase: Bool = true) -> [(text: String, offset: Range<Int>)] {
        var out: [(text: String, offset: Range<Int>)] = []
        var current = String.UnicodeScalarView()
        var start = 0
        var index = 0
        func flush() {
            if !current.isEmpty {
                let word = String(current)
                out.append((lowercase ? word.lowercased() : word, start..<index))
                current = String.UnicodeScalarView()
            }
        }
        for s in text.unicodeScalars {
            let p = s.properties
            if p.isWhitespace || BertNormalizer.isControl(s) {
                flush()
            } else if p.isAlphabetic || p.numericType != nil || s == "_"
                        || p.generalCategory == .nonspacingMark || p.generalCategory == .spacingMark {
                if current.isEmpty { start = index }
                current.append(s)
            } else {
                flush()
                let symbol = String(s)
                out.append((lowercase ? symbol.lowercased() : symbol, index..<(index + 1)))
            }
            index += 1
        }
        flush()
        return out
    }

    /// Tokens of `text` without special tokens.
    public func tokenize(_ text: String) -> [Token] {
        (regex?.words(text, lowercase: lowercase) ?? Self.words(text, lowercase: lowercase)).map { word in
            Token(id: vocabulary[word.text] ?? unknownID, text: word.text, offset: word.offset)
        }
    }
}

/// A compiled regular expression shared by copies of a tokenizer.
final class RegexBox: @unchecked Sendable, Equatable {
    let regex: NSRegularExpression
    /// Polled on every match and periodically during a long one: true ends the search.
    let shouldStop: @Sendable () -> Bool

    init(_ pattern: String, shouldStop: @escaping @Sendable () -> Bool = { false }) throws {
        self.shouldStop = shouldStop
        do {
            regex = try NSRegularExpression(pattern: pattern)
        } catch {
            throw DataError.invalidArgument(operation: "word tokenizer", problem: "`\(pattern)` is not a valid regular expression")
        }
    }

    static func == (a: RegexBox, b: RegexBox) -> Bool { a.regex.pattern == b.regex.pattern }

    /// The non-empty matches with their offsets in Unicode scalars (those found so far when
    /// `shouldStop` ends the search).
    func words(_ text: String, lowercase: Bool) -> [(text: String, offset: Range<Int>)] {
        var out: [(text: String, offset: Range<Int>)] = []
        var scalarIndex = 0
        var position = text.startIndex
        let shouldStop = self.shouldStop
        // `.reportProgress` calls the block (with no match) every so many steps of a long
        // match, so that catastrophic backtracking can be stopped.
        regex.enumerateMatches(in: text, options: .reportProgress, range: NSRange(text.startIndex..., in: text)) { match, _, stop in
            if shouldStop() {
                stop.pointee = true
                return
            }
            guard let match, let range = Range(match.range, in: text), !range.isEmpty else { return }
            scalarIndex += text.unicodeScalars[position..<range.lowerBound].count
            let word = String(text[range])
            let length = word.unicodeScalars.count
            out.append((lowercase ? word.lowercased() : word, scalarIndex..<(scalarIndex + length)))
            scalarIndex += length
            position = range.upperBound
        }
        return out
    }
}
