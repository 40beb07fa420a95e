import Foundation

/// BERT's text normalisation and pre-tokenization, as in Hugging Face `tokenizers`
/// (`BertNormalizer` + `BertPreTokenizer`): control characters removed, whitespace unified,
/// spaces around CJK ideographs, optional accent stripping (NFD, drop `Mn`) and lower-casing,
/// then splitting on whitespace and isolating every punctuation character.
///
/// Every normalized scalar remembers the index of the original scalar it came from, so word
/// spans map back to character offsets in the input.
public struct BertNormalizer: Sendable {
    /// Remove control characters and map all whitespace to a space.
    public var cleanText: Bool
    /// Put spaces around CJK ideographs so that each becomes a word.
    public var handleChineseChars: Bool
    /// Strip accents (NFD then drop nonspacing marks).
    public var stripAccents: Bool
    /// Lower-case.
    public var lowercase: Bool

    /// Creates a normalizer; `stripAccents` defaults to `lowercase`, as in BERT uncased models.
    public init(lowercase: Bool = true, stripAccents: Bool? = nil, cleanText: Bool = true,
                handleChineseChars: Bool = true) {
        self.lowercase = lowercase
        self.stripAccents = stripAccents ?? lowercase
        self.cleanText = cleanText
        self.handleChineseChars = handleChineseChars
    }

    /// A word after pre-tokenization: its normalized scalars and, for each, the index of the
    /// original scalar it came from.
    public struct Word: Sendable, Equatable {
        /// Normalized scalars.
        public var scalars: [Unicode.Scalar]
        /// For each normalized scalar, the index of the original scalar it came from.
        public var origins: [Int]
    }

    /// Normalizes `scalars` (offsets are reported relative to `base`) and splits into words.
    public func words(_ scalars: ArraySlice<Unicode.Scalar>, base: Int = 0) -> [Word] {
        var words: [Word] = []
        var current = Word(scalars: [], origins: [])
        func flush() {
            if !current.scalars.isEmpty { words.append(current); current = Word(scalars: [], origins: []) }
        }
        func emit(_ s: Unicode.Scalar, _ origin: Int) {
            if s.properties.isWhitespace { flush(); return }
            if Self.isPunctuation(s) {
                flush()
                words.append(Word(scalars: [s], origins: [origin]))
                return
            }
            current.scalars.append(s)
            current.origins.append(origin)
        }
        var index = base - 1
        for s in scalars {
            index += 1
            let v = s.value
            if v < 128 {
                // ASCII fast path: same decisions as below without Unicode property lookups.
                if cleanText && (v == 0 || v == 127 || (v < 32 && v != 9 && v != 10 && v != 13)) { continue }
                if v == 32 || v == 9 || v == 10 || v == 13 || v == 11 || v == 12 {
                    flush(); continue
                }
                if (v >= 33 && v <= 47) || (v >= 58 && v <= 64) || (v >= 91 && v <= 96) || (v >= 123 && v <= 126) {
                    flush()
                    words.append(Word(scalars: [s], origins: [index]))
                    continue
                }
                if lowercase && v >= 65 && v <= 90, let lower = Unicode.Scalar(v + 32) {
                    current.scalars.append(lower)
                } else {
                    current.scalars.append(s)
                }
                current.origins.append(index)
                continue
            }
            var c = s
            if cleanText {
                if c.value == 0 || c.value == 0xFFFD || Self.isControl(c) { continue }
                if Self.isWhitespace(c) { c = " " }
            }
            if handleChineseChars && Self.isChinese(c) {
                flush()
                emitNormalized(c, index, emit)
                flush()
                continue
            }
            emitNormalized(c, index, emit)
        }
        flush()
        return words
    }

    /// Applies accent stripping and lower-casing to one scalar, emitting zero or more scalars.
    @inline(__always)
    func emitNormalized(_ c: Unicode.Scalar, _ origin: Int, _ emit: (Unicode.Scalar, Int) -> Void) {
        if c.isASCII {
            if lowercase, c.value >= 65, c.value <= 90, let lower = Unicode.Scalar(c.value + 32) {
                emit(lower, origin)
            } else {
                emit(c, origin)
            }
            return
        }
        var pieces: [Unicode.Scalar] = [c]
        if stripAccents {
            pieces = Array(String(c).decomposedStringWithCanonicalMapping.unicodeScalars)
                .filter { $0.properties.generalCategory != .nonspacingMark }
        }
        for p in pieces {
            if lowercase {
                for l in p.properties.lowercaseMapping.unicodeScalars { emit(l, origin) }
            } else {
                emit(p, origin)
            }
        }
    }

    /// BERT whitespace: tab, newline, carriage return, and Unicode `White_Space`.
    static func isWhitespace(_ c: Unicode.Scalar) -> Bool {
        c == "\t" || c == "\n" || c == "\r" || c.properties.isWhitespace
    }

    /// BERT control: categories Cc, Cf, Cn, Co, Cs except tab, newline and carriage return.
    static func isControl(_ c: Unicode.Scalar) -> Bool {
        if c == "\t" || c == "\n" || c == "\r" { return false }
        switch c.properties.generalCategory {
        case .control, .format, .unassigned, .privateUse, .surrogate: return true
        default: return false
        }
    }

    /// BERT punctuation: ASCII punctuation or any Unicode `P*` category.
    static func isPunctuation(_ c: Unicode.Scalar) -> Bool {
        let v = c.value
        if (v >= 33 && v <= 47) || (v >= 58 && v <= 64) || (v >= 91 && v <= 96) || (v >= 123 && v <= 126) {
            return true
        }
        if v < 128 { return false }
        switch c.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return true
        default:
            return false
        }
    }

    /// The CJK Unified Ideograph blocks that BERT treats as separate words.
    static func isChinese(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F,
             0x2B740...0x2B81F, 0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            return true
        default:
            return false
        }
    }
}
