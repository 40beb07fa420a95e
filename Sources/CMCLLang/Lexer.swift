/// Turns source bytes into tokens.
///
/// Newlines separate statements, so they are tokens, except inside `(…)` and `[…]`
/// where an expression may span lines. Comments run from `#` to the end of the line.
/// Lexical errors are collected as diagnostics and lexing goes on, up to
/// `Diagnostic.maxPerFile` of them; a run of unexpected characters is reported once.
public struct Lexer {
    private let file: SourceFile
    private let bytes: [UInt8]
    private var pos = 0
    private var brackets: [UInt8] = []
    public private(set) var diagnostics: [Diagnostic] = []
    /// Set when the error budget is spent: lexing stops there.
    public private(set) var gaveUp = false

    public init(file: SourceFile) {
        self.file = file
        self.bytes = file.bytes
    }

    /// Lexes the whole file; the last token is `.eof`.
    public mutating func tokenize() -> [Token] {
        var tokens: [Token] = []
        // A `#!` first line is a comment.
        if bytes.count >= 2, bytes[0] == UInt8(ascii: "#"), bytes[1] == UInt8(ascii: "!") {
            while pos < bytes.count, bytes[pos] != UInt8(ascii: "\n") { pos += 1 }
        }
        while true {
            let token = next()
            if token.kind == .newline, let last = tokens.last, last.kind == .newline { continue }
            tokens.append(token)
            if token.kind == .eof { break }
        }
        return tokens
    }

    private func peek(_ ahead: Int = 0) -> UInt8 {
        pos + ahead < bytes.count ? bytes[pos + ahead] : 0
    }

    private var newlinesSignificant: Bool {
        guard let top = brackets.last else { return true }
        return top == UInt8(ascii: "{")
    }

    private mutating func error(_ message: String, _ span: Span, hint: String? = nil, incomplete: Bool = false) {
        guard !gaveUp else { return }
        if diagnostics.count >= Diagnostic.maxPerFile {
            diagnostics.append(Diagnostic.tooMany(file: file, at: span))
            gaveUp = true
            return
        }
        var d = Diagnostic(.syntax, message, file: file, span: span, hint: hint)
        d.isIncompleteInput = incomplete
        diagnostics.append(d)
    }

    /// Whether `c` can start no token at all.
    private func isUnexpected(_ c: UInt8) -> Bool {
        if c >= 0x80 || c < 0x20 { return c != UInt8(ascii: "\t") && c != UInt8(ascii: "\n") && c != UInt8(ascii: "\r") }
        return c == UInt8(ascii: "$") || c == UInt8(ascii: "`") || c == UInt8(ascii: "?") || c == UInt8(ascii: "~")
            || c == UInt8(ascii: "^") || c == 0x7F
    }

    /// Skips a run of characters that start no token (and whole UTF-8 sequences) and
    /// reports it once.
    private mutating func unexpectedRun(from start: Int) {
        while pos < bytes.count, isUnexpected(bytes[pos]) || bytes[pos] & 0xC0 == 0x80 { pos += 1 }
        let span = Span(start, pos)
        let characters = file.text(of: span)
        let count = characters.unicodeScalars.count
        var shown = ""
        for scalar in characters.unicodeScalars.prefix(8) { shown += Lexer.visible(scalar) }
        if count == 1 {
            error("unexpected character `\(shown)`", span)
        } else {
            let same = Set(characters.unicodeScalars.prefix(1000)).count == 1
            let quoted = same ? Lexer.visible(characters.unicodeScalars.first ?? " ") : shown + (count > 8 ? "…" : "")
            error("unexpected characters `\(quoted)`\(same ? " (\(count) times)" : " (\(count) in a row)")", span,
                  hint: characters.unicodeScalars.contains { $0.value == 0 || $0.value == 0xFFFD }
                      ? "this looks like a binary file, not cmcl source" : nil)
        }
    }

    /// A character as shown inside a diagnostic: control characters escaped.
    static func visible(_ scalar: Unicode.Scalar) -> String {
        scalar.value < 0x20 || scalar.value == 0x7F ? "\\u{\(String(scalar.value, radix: 16))}" : String(scalar)
    }

    private mutating func next() -> Token {
        while !gaveUp {
            if let token = nextOrSkip() { return token }
        }
        return Token(kind: .eof, span: Span(bytes.count, bytes.count))
    }

    /// The next token, or nil after skipping characters that start none (reported).
    private mutating func nextOrSkip() -> Token? {
        while pos < bytes.count {
            let c = bytes[pos]
            if c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") || c == UInt8(ascii: "\r") {
                pos += 1
            } else if c == UInt8(ascii: "#") {
                while pos < bytes.count, bytes[pos] != UInt8(ascii: "\n") { pos += 1 }
            } else if c == UInt8(ascii: "\\"), peek(1) == UInt8(ascii: "\n") {
                pos += 2  // explicit line continuation
            } else if c == UInt8(ascii: "\n") {
                pos += 1
                if newlinesSignificant { return Token(kind: .newline, span: Span(pos - 1, pos)) }
            } else {
                break
            }
        }
        guard pos < bytes.count else {
            return Token(kind: .eof, span: Span(bytes.count, bytes.count))
        }
        let start = pos
        let c = bytes[pos]
        if isDigit(c) || (c == UInt8(ascii: ".") && isDigit(peek(1))) { return number() }
        if isIdentStart(c) { return identifier() }
        if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") { return string(quote: c) }
        pos += 1
        func two(_ second: UInt8, _ yes: TokenKind, _ no: TokenKind) -> Token {
            if peek() == second {
                pos += 1
                return Token(kind: yes, span: Span(start, pos))
            }
            return Token(kind: no, span: Span(start, pos))
        }
        switch c {
        case UInt8(ascii: "("), UInt8(ascii: "["), UInt8(ascii: "{"):
            brackets.append(c)
            let kind: TokenKind = c == UInt8(ascii: "(") ? .leftParen : c == UInt8(ascii: "[") ? .leftBracket : .leftBrace
            return Token(kind: kind, span: Span(start, pos))
        case UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "}"):
            if !brackets.isEmpty { brackets.removeLast() }
            let kind: TokenKind = c == UInt8(ascii: ")") ? .rightParen : c == UInt8(ascii: "]") ? .rightBracket : .rightBrace
            return Token(kind: kind, span: Span(start, pos))
        case UInt8(ascii: ","): return Token(kind: .comma, span: Span(start, pos))
        case UInt8(ascii: "."): return Token(kind: .dot, span: Span(start, pos))
        case UInt8(ascii: ":"): return Token(kind: .colon, span: Span(start, pos))
        case UInt8(ascii: ";"): return Token(kind: .semicolon, span: Span(start, pos))
        case UInt8(ascii: "+"): return two(UInt8(ascii: "="), .plusEqual, .plus)
        case UInt8(ascii: "-"): return two(UInt8(ascii: "="), .minusEqual, .minus)
        case UInt8(ascii: "/"): return two(UInt8(ascii: "="), .slashEqual, .slash)
        case UInt8(ascii: "%"): return Token(kind: .percent, span: Span(start, pos))
        case UInt8(ascii: "@"): return Token(kind: .at, span: Span(start, pos))
        case UInt8(ascii: "*"):
            if peek() == UInt8(ascii: "=") { pos += 1; return Token(kind: .starEqual, span: Span(start, pos)) }
            return two(UInt8(ascii: "*"), .starStar, .star)
        case UInt8(ascii: "<"): return two(UInt8(ascii: "="), .lessEqual, .less)
        case UInt8(ascii: ">"): return two(UInt8(ascii: "="), .greaterEqual, .greater)
        case UInt8(ascii: "="):
            if peek() == UInt8(ascii: ">") { pos += 1; return Token(kind: .arrow, span: Span(start, pos)) }
            return two(UInt8(ascii: "="), .equalEqual, .equal)
        case UInt8(ascii: "!"):
            if peek() == UInt8(ascii: "=") { pos += 1; return Token(kind: .bangEqual, span: Span(start, pos)) }
            error("unexpected character `!`", Span(start, pos), hint: "use `not` for logical negation")
            return nil
        case UInt8(ascii: "|"):
            if peek() == UInt8(ascii: ">") { pos += 1; return Token(kind: .pipe, span: Span(start, pos)) }
            if peek() == UInt8(ascii: "|") {
                // Reported once, then read as `or` so that the rest of the line parses.
                pos += 1
                error("`||` is not a cmcl operator", Span(start, pos), hint: "logical or is `or`")
                return Token(kind: .kwOr, span: Span(start, pos), text: "or")
            }
            error("unexpected character `|`", Span(start, pos), hint: "the pipe operator is `|>`; logical or is `or`")
            return nil
        case UInt8(ascii: "&"):
            if peek() == UInt8(ascii: "&") {
                pos += 1
                error("`&&` is not a cmcl operator", Span(start, pos), hint: "logical and is `and`")
                return Token(kind: .kwAnd, span: Span(start, pos), text: "and")
            }
            error("unexpected character `&`", Span(start, pos), hint: "logical and is `and`")
            return nil
        default:
            unexpectedRun(from: start)
            return nil
        }
    }

    private func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
    private func isIdentStart(_ c: UInt8) -> Bool {
        (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == UInt8(ascii: "_")
    }
    private func isIdentChar(_ c: UInt8) -> Bool { isIdentStart(c) || isDigit(c) }

    private mutating func number() -> Token {
        let start = pos
        while isDigit(peek()) || peek() == UInt8(ascii: "_") { pos += 1 }
        if peek() == UInt8(ascii: "."), isDigit(peek(1)) {
            pos += 1
            while isDigit(peek()) || peek() == UInt8(ascii: "_") { pos += 1 }
        } else if peek() == UInt8(ascii: "."), !isIdentStart(peek(1)), peek(1) != UInt8(ascii: ".") {
            pos += 1  // `3.` is a number
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            var look = 1
            if peek(1) == UInt8(ascii: "+") || peek(1) == UInt8(ascii: "-") { look = 2 }
            if isDigit(peek(look)) {
                pos += look
                while isDigit(peek()) { pos += 1 }
            } else {
                pos += look
                error("malformed number: the exponent has no digits", Span(start, pos), hint: "write e.g. `1e-3`")
                return Token(kind: .number, span: Span(start, pos), number: 0)
            }
        }
        if isIdentStart(peek()) {
            let suffixStart = pos
            while isIdentChar(peek()) { pos += 1 }
            error("malformed number `\(file.text(of: Span(start, pos)))`", Span(suffixStart, pos),
                  hint: "put an operator or a space between a number and a name")
        }
        let text = String(file.text(of: Span(start, pos)).filter { $0 != "_" })
        return Token(kind: .number, span: Span(start, pos), number: Double(text) ?? 0)
    }

    private mutating func identifier() -> Token {
        let start = pos
        while isIdentChar(peek()) { pos += 1 }
        let text = String(decoding: bytes[start..<pos], as: UTF8.self)
        if let kw = TokenKind.keywords[text] { return Token(kind: kw, span: Span(start, pos), text: text) }
        return Token(kind: .identifier, span: Span(start, pos), text: text)
    }

    private mutating func string(quote: UInt8) -> Token {
        let start = pos
        pos += 1
        var out: [UInt8] = []
        while true {
            guard pos < bytes.count else {
                // Not incomplete input: strings end on the line they start, so no further
                // line can close it (the REPL reports it at once).
                error("unterminated string", Span(start, pos), hint: "close it with \(Character(UnicodeScalar(quote)))")
                break
            }
            let c = bytes[pos]
            if c == quote { pos += 1; break }
            if c == UInt8(ascii: "\n") {
                error("unterminated string", Span(start, pos), hint: "strings end on the line they start; use `\\n` for a newline")
                break
            }
            if c == UInt8(ascii: "\\") {
                let escStart = pos
                pos += 1
                let e = peek()
                pos += 1
                switch e {
                case UInt8(ascii: "n"): out.append(10)
                case UInt8(ascii: "t"): out.append(9)
                case UInt8(ascii: "r"): out.append(13)
                case UInt8(ascii: "0"): out.append(0)
                case UInt8(ascii: "\\"): out.append(92)
                case UInt8(ascii: "\""): out.append(34)
                case UInt8(ascii: "'"): out.append(39)
                case UInt8(ascii: "u"):
                    if peek() == UInt8(ascii: "{") {
                        pos += 1
                        let hexStart = pos
                        while pos < bytes.count, bytes[pos] != UInt8(ascii: "}"), pos - hexStart < 8 { pos += 1 }
                        let hex = String(decoding: bytes[hexStart..<pos], as: UTF8.self)
                        if peek() == UInt8(ascii: "}") { pos += 1 }
                        if let v = UInt32(hex, radix: 16), let scalar = UnicodeScalar(v) {
                            out.append(contentsOf: Array(String(Character(scalar)).utf8))
                        } else {
                            error("invalid unicode escape `\\u{\(hex)}`", Span(escStart, pos))
                        }
                    } else {
                        error("invalid unicode escape", Span(escStart, pos), hint: "write `\\u{1F600}`")
                    }
                default:
                    let shown = e == 0 ? "" : String(decoding: [e], as: UTF8.self)
                    error("unknown escape `\\\(shown)` in string", Span(escStart, min(pos, bytes.count)),
                          hint: "known escapes: \\n \\t \\r \\0 \\\\ \\\" \\' \\u{…}")
                }
                continue
            }
            out.append(c)
            pos += 1
        }
        return Token(kind: .string, span: Span(start, pos), text: String(decoding: out, as: UTF8.self))
    }
}
