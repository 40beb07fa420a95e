import CMCLData

/// A tokenizer as a cmcl value.
public final class TokenizerValue: NativeObject {
    let tokenizer: any TextTokenizer
    let kind: String
    init(_ tokenizer: any TextTokenizer, kind: String) {
        self.tokenizer = tokenizer
        self.kind = kind
    }
    public var typeName: String { "Tokenizer" }
    public var length: Int? { tokenizer.vocabulary.count }

    /// `wordpiece`, `bpe`, `word` or `regex`.
    static func kind(of tokenizer: any TextTokenizer) -> String {
        switch tokenizer {
        case is WordPieceTokenizer: return "wordpiece"
        case is BytePairTokenizer: return "bpe"
        case let w as WordTokenizer: return w.pattern == nil ? "word" : "regex"
        default: return "custom"
        }
    }
    public func display(_ style: DisplayStyle) -> String {
        "<Tokenizer \(kind), vocabulary of \(tokenizer.vocabulary.count)>"
    }
}
