import Testing
@testable import CMCLLang

/// Lexes `text` and returns its tokens (without the final `.eof`) and diagnostics.
func lex(_ text: String) -> (tokens: [Token], diagnostics: [Diagnostic]) {
    var lexer = Lexer(file: SourceFile(name: "t.cmcl", text: text))
    var tokens = lexer.tokenize()
    if tokens.last?.kind == .eof { tokens.removeLast() }
    return (tokens, lexer.diagnostics)
}

func kinds(_ text: String) -> [TokenKind] { lex(text).tokens.map(\.kind) }

@Suite("Lexer")
struct LexerTests {
    @Test func everyKeyword() {
        let table: [(String, TokenKind)] = [
            ("let", .kwLet), ("fn", .kwFn), ("if", .kwIf), ("else", .kwElse), ("for", .kwFor), ("in", .kwIn),
            ("while", .kwWhile), ("break", .kwBreak), ("continue", .kwContinue), ("return", .kwReturn),
            ("true", .kwTrue), ("false", .kwFalse), ("nil", .kwNil), ("and", .kwAnd), ("or", .kwOr),
            ("not", .kwNot), ("import", .kwImport), ("try", .kwTry), ("catch", .kwCatch),
        ]
        for (text, kind) in table {
            #expect(kinds(text) == [kind], "\(text)")
        }
        #expect(TokenKind.keywordSpellings.count == table.count)
        #expect(TokenKind.keywordSpellings == table.map(\.0).sorted())
    }

    @Test func everyPunctuator() {
        let table: [(String, TokenKind)] = [
            ("(", .leftParen), (")", .rightParen), ("[", .leftBracket), ("]", .rightBracket),
            ("{", .leftBrace), ("}", .rightBrace), (",", .comma), (".", .dot), (":", .colon), (";", .semicolon),
            ("=", .equal), ("==", .equalEqual), ("!=", .bangEqual), ("<", .less), ("<=", .lessEqual),
            (">", .greater), (">=", .greaterEqual), ("+", .plus), ("-", .minus), ("*", .star), ("/", .slash),
            ("%", .percent), ("**", .starStar), ("@", .at), ("|>", .pipe), ("=>", .arrow),
            ("+=", .plusEqual), ("-=", .minusEqual), ("*=", .starEqual), ("/=", .slashEqual),
        ]
        for (text, kind) in table {
            let (tokens, diagnostics) = lex(text)
            #expect(tokens.map(\.kind) == [kind], "\(text)")
            #expect(tokens.first?.span == Span(0, text.utf8.count), "\(text)")
            #expect(diagnostics.isEmpty, "\(text)")
        }
    }

    @Test func longestMatchAndAdjacency() {
        #expect(kinds("a**=b") == [.identifier, .starStar, .equal, .identifier])
        #expect(kinds("a*=b") == [.identifier, .starEqual, .identifier])
        #expect(kinds("x|>f") == [.identifier, .pipe, .identifier])
        #expect(kinds("a<=b>=c") == [.identifier, .lessEqual, .identifier, .greaterEqual, .identifier])
        #expect(kinds("fn(x)=>x") == [.kwFn, .leftParen, .identifier, .rightParen, .arrow, .identifier])
        #expect(kinds("a===b") == [.identifier, .equalEqual, .equal, .identifier])
    }

    @Test func identifiers() {
        let (tokens, d) = lex("_x1 lets iffy not_ In")
        #expect(d.isEmpty)
        #expect(tokens.map(\.kind) == [.identifier, .identifier, .identifier, .identifier, .identifier])
        #expect(tokens.map(\.text) == ["_x1", "lets", "iffy", "not_", "In"])
    }

    @Test(arguments: [
        ("3", 3.0), ("2.5", 2.5), ("1e-3", 0.001), ("1E+2", 100), ("1e3", 1000), ("3.", 3), (".5", 0.5),
        ("1_000", 1000), ("1_000.25", 1000.25), ("0.000_1", 0.0001), ("2.5e-1", 0.25), ("007", 7), ("0", 0),
    ])
    func numbers(text: String, value: Double) {
        let (tokens, d) = lex(text)
        #expect(d.isEmpty, "\(text)")
        #expect(tokens.count == 1, "\(text)")
        #expect(tokens.first?.kind == .number)
        #expect(tokens.first?.number == value, "\(text)")
        #expect(tokens.first?.span == Span(0, text.utf8.count))
    }

    @Test func numberFollowedByDotIsMemberOrRange() {
        // `3.` is a number, but `3.abs` and `1..2` keep the dot as punctuation.
        #expect(kinds("3.abs") == [.number, .dot, .identifier])
        #expect(kinds("x.5") == [.identifier, .number])  // `.5` is a number
        #expect(kinds("1..2") == [.number, .dot, .number])
        #expect(kinds("-3") == [.minus, .number])
    }

    @Test(arguments: [
        (#""plain""#, "plain"), (#"'single'"#, "single"), (#""a\nb""#, "a\nb"), (#""tab\there""#, "tab\there"),
        (#""cr\r""#, "cr\r"), (#""nul\0""#, "nul\0"), (#""back\\slash""#, "back\\slash"),
        (#""dq\"""#, "dq\""), (#""sq\'""#, "sq'"), (#"'dq"inside'"#, "dq\"inside"), (#""\u{41}\u{e9}""#, "Aé"),
        (#""\u{1F600}""#, "😀"), (#""""#, ""), (#""é ü""#, "é ü"), (##""# not a comment""##, "# not a comment"),
    ])
    func strings(source: String, decoded: String) {
        let (tokens, d) = lex(source)
        #expect(d.isEmpty, "\(source)")
        #expect(tokens.map(\.kind) == [.string], "\(source)")
        #expect(tokens.first?.text == decoded, "\(source)")
        #expect(tokens.first?.span == Span(0, source.utf8.count), "\(source)")
    }

    @Test func commentsRunToEndOfLine() {
        let (tokens, d) = lex("1 # one + two\n2 #\n#only a comment\n3")
        #expect(d.isEmpty)
        #expect(tokens.map(\.kind) == [.number, .newline, .number, .newline, .number])
    }

    @Test func newlinesAreStatementSeparatorsAndCollapse() {
        #expect(kinds("a\n\n\nb") == [.identifier, .newline, .identifier])
        #expect(kinds("a\r\nb") == [.identifier, .newline, .identifier])
        #expect(kinds("a;b") == [.identifier, .semicolon, .identifier])
    }

    @Test func newlinesSuppressedInsideParenthesesAndBrackets() {
        #expect(kinds("f(1,\n2\n)") == [.identifier, .leftParen, .number, .comma, .number, .rightParen])
        #expect(kinds("[1,\n\n2]") == [.leftBracket, .number, .comma, .number, .rightBracket])
        // Braces make newlines significant again, even inside parentheses.
        #expect(kinds("(fn() {\na\n})") == [.leftParen, .kwFn, .leftParen, .rightParen, .leftBrace, .newline,
                                             .identifier, .newline, .rightBrace, .rightParen])
        // And a bracket inside braces suppresses them once more.
        #expect(kinds("{[\n]}") == [.leftBrace, .leftBracket, .rightBracket, .rightBrace])
        // After the closing parenthesis newlines count again.
        #expect(kinds("(1)\n2") == [.leftParen, .number, .rightParen, .newline, .number])
    }

    @Test func backslashContinuesALine() {
        #expect(kinds("1 +\\\n2") == [.number, .plus, .number])
    }

    @Test func shebangLineIsSkipped() {
        let (tokens, d) = lex("#!/usr/bin/env cmcl\nprint(1)")
        #expect(d.isEmpty)
        #expect(tokens.map(\.kind) == [.newline, .identifier, .leftParen, .number, .rightParen])
        // Only on the first line is `#!` special; elsewhere it is an ordinary comment.
        #expect(kinds("1\n#!x") == [.number, .newline])
    }

    @Test func spansAreByteOffsets() {
        let (tokens, d) = lex("\"é\" + x")
        #expect(d.isEmpty)
        #expect(tokens.map(\.span) == [Span(0, 4), Span(5, 6), Span(7, 8)])
    }

    @Test func endOfInputToken() {
        var lexer = Lexer(file: SourceFile(name: "t", text: "x"))
        let tokens = lexer.tokenize()
        #expect(tokens.last?.kind == .eof)
        #expect(tokens.last?.span == Span(1, 1))
        var empty = Lexer(file: SourceFile(name: "t", text: ""))
        let none = empty.tokenize()
        #expect(none.map(\.kind) == [.eof])
    }
}

/// One expected lexical diagnostic: message, the text its span covers, hint, incompleteness.
struct LexError: Sendable, CustomStringConvertible {
    var source: String
    var message: String
    var spanText: String
    var hint: String?
    var incomplete = false
    var description: String { source }
}

@Suite("Lexer diagnostics")
struct LexerDiagnosticTests {
    static let cases: [LexError] = [
        LexError(source: "a ! b", message: "unexpected character `!`", spanText: "!",
                 hint: "use `not` for logical negation"),
        LexError(source: "a | b", message: "unexpected character `|`", spanText: "|",
                 hint: "the pipe operator is `|>`; logical or is `or`"),
        LexError(source: "a & b", message: "unexpected character `&`", spanText: "&", hint: "logical and is `and`"),
        LexError(source: "let x = 1 $", message: "unexpected character `$`", spanText: "$", hint: nil),
        LexError(source: "let π = 3", message: "unexpected character `π`", spanText: "π", hint: nil),
        LexError(source: "1e", message: "malformed number: the exponent has no digits", spanText: "1e",
                 hint: "write e.g. `1e-3`"),
        LexError(source: "2e-", message: "malformed number: the exponent has no digits", spanText: "2e-",
                 hint: "write e.g. `1e-3`"),
        LexError(source: "3abc", message: "malformed number `3abc`", spanText: "abc",
                 hint: "put an operator or a space between a number and a name"),
        LexError(source: "\"abc", message: "unterminated string", spanText: "\"abc", hint: "close it with \""),
        LexError(source: "'abc", message: "unterminated string", spanText: "'abc", hint: "close it with '"),
        LexError(source: "\"abc\nx", message: "unterminated string", spanText: "\"abc",
                 hint: "strings end on the line they start; use `\\n` for a newline"),
        LexError(source: #""\q""#, message: "unknown escape `\\q` in string", spanText: #"\q"#,
                 hint: #"known escapes: \n \t \r \0 \\ \" \' \u{…}"#),
        LexError(source: #""\u{zz}""#, message: "invalid unicode escape `\\u{zz}`", spanText: #"\u{zz}"#, hint: nil),
        LexError(source: #""\u{D800}""#, message: "invalid unicode escape `\\u{D800}`", spanText: #"\u{D800}"#,
                 hint: nil),
        LexError(source: #""\u41""#, message: "invalid unicode escape", spanText: #"\u"#,
                 hint: #"write `\u{1F600}`"#),
    ]

    @Test(arguments: cases)
    func diagnostic(_ c: LexError) {
        let file = SourceFile(name: "t.cmcl", text: c.source)
        var lexer = Lexer(file: file)
        _ = lexer.tokenize()
        #expect(lexer.diagnostics.count == 1)
        guard let d = lexer.diagnostics.first else { return }
        #expect(d.kind == .syntax)
        #expect(d.message == c.message)
        #expect(file.text(of: d.span) == c.spanText)
        #expect(d.hint == c.hint)
        #expect(d.isIncompleteInput == c.incomplete)
    }

    @Test func lexingContinuesAfterErrors() {
        let (tokens, d) = lex("a ! b & c | d")
        #expect(d.count == 3)
        #expect(tokens.map(\.kind) == [.identifier, .identifier, .identifier, .identifier])
    }

    @Test func escapeErrorKeepsTheRestOfTheString() {
        let (tokens, d) = lex(#""a\qb" + 1"#)
        #expect(d.count == 1)
        #expect(tokens.map(\.kind) == [.string, .plus, .number])
        #expect(tokens.first?.text == "ab")
    }
}
