/// The kinds of token the lexer produces.
public enum TokenKind: String, Sendable, Equatable {
    // Literals and names.
    case number, string, identifier
    // Keywords.
    case kwLet = "let", kwFn = "fn", kwIf = "if", kwElse = "else", kwFor = "for", kwIn = "in"
    case kwWhile = "while", kwBreak = "break", kwContinue = "continue", kwReturn = "return"
    case kwTrue = "true", kwFalse = "false", kwNil = "nil", kwAnd = "and", kwOr = "or", kwNot = "not"
    case kwImport = "import", kwTry = "try", kwCatch = "catch"
    // Punctuation.
    case leftParen = "(", rightParen = ")", leftBracket = "[", rightBracket = "]"
    case leftBrace = "{", rightBrace = "}", comma = ",", dot = ".", colon = ":", semicolon = ";"
    case equal = "=", equalEqual = "==", bangEqual = "!=", less = "<", lessEqual = "<="
    case greater = ">", greaterEqual = ">=", plus = "+", minus = "-", star = "*", slash = "/"
    case percent = "%", starStar = "**", at = "@", pipe = "|>", arrow = "=>"
    case plusEqual = "+=", minusEqual = "-=", starEqual = "*=", slashEqual = "/="
    case newline, eof

    static let keywords: [String: TokenKind] = {
        var table: [String: TokenKind] = [:]
        for kind in [TokenKind.kwLet, .kwFn, .kwIf, .kwElse, .kwFor, .kwIn, .kwWhile, .kwBreak, .kwContinue,
                     .kwReturn, .kwTrue, .kwFalse, .kwNil, .kwAnd, .kwOr, .kwNot, .kwImport, .kwTry, .kwCatch] {
            table[kind.rawValue] = kind
        }
        return table
    }()

    /// Every keyword spelling, for completion and help.
    public static var keywordSpellings: [String] { keywords.keys.sorted() }

    /// How the token is named in "expected …" messages.
    public var displayName: String {
        switch self {
        case .number: return "a number"
        case .string: return "a string"
        case .identifier: return "a name"
        case .newline: return "end of line"
        case .eof: return "end of input"
        default: return "`\(rawValue)`"
        }
    }
}

/// A token with its source span; literals carry their decoded value.
public struct Token: Sendable {
    public var kind: TokenKind
    public var span: Span
    /// Identifier name or decoded string literal.
    public var text: String
    /// Value of a number literal.
    public var number: Double

    public init(kind: TokenKind, span: Span, text: String = "", number: Double = 0) {
        self.kind = kind
        self.span = span
        self.text = text
        self.number = number
    }
}
