import Foundation
import Testing
import CMCLLang

/// One syntax error the parser must report: its message, the source text its span covers
/// (empty at the end of input), its hint, and whether it means "the input stopped early".
struct SyntaxError: Sendable, CustomStringConvertible {
    var source: String
    var message: String
    var spanText: String
    var hint: String? = nil
    var incomplete = false
    var description: String { source }
}

@Suite("Parser diagnostics")
struct ParserDiagnosticTests {
    static let cases: [SyntaxError] = [
        // `consume` failures, one per call site.
        SyntaxError(source: "let = 1", message: "expected a name after `let`, found `=`", spanText: "="),
        SyntaxError(source: "let x 1", message: "expected `=` after `let x`, found `1`", spanText: "1",
                    hint: "bind a value with `let x = …`"),
        SyntaxError(source: "for in xs {}", message: "expected a loop variable after `for`, found `in`", spanText: "in"),
        SyntaxError(source: "for x xs {}", message: "expected `in` after the loop variable, found `xs`", spanText: "xs"),
        SyntaxError(source: "import helper", message: "expected a module name in quotes after `import`, found `helper`",
                    spanText: "helper", hint: "write `import \"name\"`"),
        SyntaxError(source: "fn f x {}", message: "expected `(` to start the parameter list, found `x`", spanText: "x"),
        SyntaxError(source: "fn f(1) {}", message: "expected a parameter name, found `1`", spanText: "1"),
        SyntaxError(source: "fn f(a b) {}", message: "expected `)` to close the parameter list, found `b`", spanText: "b"),
        SyntaxError(source: "fn f(a) a", message: "expected `{` to start the function body, found `a`", spanText: "a",
                    hint: "write `{ … }`, or `=> expression` for a one-line function"),
        SyntaxError(source: "fn f() { 1", message: "expected `}` to close the function body, found end of input",
                    spanText: "", incomplete: true),
        SyntaxError(source: "while x print(x)", message: "expected `{` to start the loop body, found `print`",
                    spanText: "print"),
        SyntaxError(source: "for x in xs { 1", message: "expected `}` to close the loop body, found end of input",
                    spanText: "", incomplete: true),
        SyntaxError(source: "let x = 1 2", message: "expected end of line after the statement, found `2`", spanText: "2",
                    hint: "put one statement per line, or separate them with `;`"),
        SyntaxError(source: "f(1 2)", message: "expected `)` to close the argument list, found `2`", spanText: "2"),
        SyntaxError(source: "f(1,", message: "expected an expression, found end of input", spanText: "",
                    incomplete: true),
        SyntaxError(source: "xs[1 2]", message: "expected `]` to close the index, found `2`", spanText: "2"),
        SyntaxError(source: "r.(x)", message: "expected a field or method name after `.`, found `(`", spanText: "("),
        SyntaxError(source: "xs[]", message: "expected an index inside `[]`, found `]`", spanText: "]"),
        SyntaxError(source: "(1 2)", message: "expected `)` to close the parenthesis, found `2`", spanText: "2"),
        SyntaxError(source: "(1 + 2", message: "expected `)` to close the parenthesis, found end of input",
                    spanText: "", incomplete: true),
        SyntaxError(source: "[1 2]", message: "expected `]` or `,` in the list, found `2`", spanText: "2"),
        SyntaxError(source: "[1, 2", message: "expected `]` or `,` in the list, found end of input", spanText: "",
                    incomplete: true),
        SyntaxError(source: "let x =", message: "expected an expression, found end of input", spanText: "",
                    incomplete: true),
        SyntaxError(source: "let x =\n1", message: "expected an expression, found end of line", spanText: "\n"),
        SyntaxError(source: "let x = )", message: "expected an expression, found `)`", spanText: ")"),
        SyntaxError(source: "let x = = 1", message: "expected an expression, found `=`", spanText: "=",
                    hint: "to compare, use `==`"),
        SyntaxError(source: "print(let y = 1)", message: "expected an expression, found `let`", spanText: "let",
                    hint: "`let` starts a statement and cannot be used inside an expression"),
        SyntaxError(source: "let x = return 1", message: "expected an expression, found `return`", spanText: "return",
                    hint: "`return` starts a statement and cannot be used inside an expression"),
        SyntaxError(source: "f(for)", message: "expected an expression, found `for`", spanText: "for",
                    hint: "`for` starts a statement and cannot be used inside an expression"),
        SyntaxError(source: "let r = {a: 1,", message: "expected a field name in the record, found end of input",
                    spanText: "", hint: "records are written `{lr: 2e-5, epochs: 3}`", incomplete: true),
        // Record errors with no closing `}` (see `recordDiagnostic` for the ones with it).
        SyntaxError(source: "let r = {a: 1", message: "expected `}` or `,` in the record, found end of input",
                    spanText: "", incomplete: true),
        SyntaxError(source: "let r = {1: 2", message: "expected a field name in the record, found `1`", spanText: "1",
                    hint: "records are written `{lr: 2e-5, epochs: 3}`"),
        SyntaxError(source: "let r = {a 1", message: "expected `:` after the field name `a`, found `1`", spanText: "1"),
        SyntaxError(source: "let r = {a: 1 b: 2", message: "expected `}` or `,` in the record, found `b`", spanText: "b"),
        SyntaxError(source: "if x 1", message: "expected `{` to start the `if` branch, found `1`", spanText: "1"),
        SyntaxError(source: "if x = 1 { }", message: "expected `{` to start the `if` branch, found `=`", spanText: "="),
        SyntaxError(source: "if x { 1 } else 2", message: "expected `{` to start the `else` branch, found `2`",
                    spanText: "2"),
        SyntaxError(source: "if x { 1", message: "expected `}` to close the `if` branch, found end of input",
                    spanText: "", incomplete: true),
        // Errors reported without throwing.
        SyntaxError(source: "1 = 2", message: "cannot assign to this expression", spanText: "1",
                    hint: "the left of `=` must be a name, a field (`r.x`) or an element (`xs[0]`); use `==` to compare"),
        SyntaxError(source: "a + b += 1", message: "cannot assign to this expression", spanText: "a + b",
                    hint: "the left of `=` must be a name, a field (`r.x`) or an element (`xs[0]`); use `==` to compare"),
        SyntaxError(source: "f() = 2", message: "cannot assign to this expression", spanText: "f()",
                    hint: "the left of `=` must be a name, a field (`r.x`) or an element (`xs[0]`); use `==` to compare"),
        SyntaxError(source: "fn f(a, a) {}", message: "parameter `a` appears twice", spanText: "a"),
        SyntaxError(source: "fn f(a: 1, b) {}",
                    message: "parameter `b` needs a default value because the one before it has one", spanText: "b",
                    hint: "write `b: value`, or move it before the parameters with defaults"),
        SyntaxError(source: "a < b < c", message: "comparisons cannot be chained", spanText: "<",
                    hint: "write `a < b and b < c`"),
        SyntaxError(source: "0 <= x == y", message: "comparisons cannot be chained", spanText: "==",
                    hint: "write `a <= b and b == c`"),
        SyntaxError(source: "f(x: 1, x: 2)", message: "argument `x` is given twice", spanText: "x"),
        SyntaxError(source: "f(x: 1, 2)", message: "a positional argument cannot follow a named one", spanText: "2",
                    hint: "put positional arguments first: `f(x, lr: 1e-3)`"),
        SyntaxError(source: "{a: 1, a: 2}", message: "field `a` appears twice", spanText: "a"),
    ]

    /// Errors inside a record literal: recovery stops at the record's `}` and, at the top
    /// level, never gets past it (see `strayClosingBrace`).
    static let recordCases: [SyntaxError] = [
        SyntaxError(source: "{1: 2}", message: "expected a field name in the record, found `1`", spanText: "1",
                    hint: "records are written `{lr: 2e-5, epochs: 3}`"),
        SyntaxError(source: "{a 1}", message: "expected `:` after the field name `a`, found `1`", spanText: "1"),
        SyntaxError(source: "{a: 1 b: 2}", message: "expected `}` or `,` in the record, found `b`", spanText: "b"),
    ]

    @Test(arguments: cases)
    func diagnostic(_ c: SyntaxError) {
        let file = SourceFile(name: "t.cmcl", text: c.source)
        let (_, diagnostics) = Parser.parse(file)
        #expect(diagnostics.count == 1, "\(diagnostics.map(\.message))")
        guard let d = diagnostics.first else { return }
        #expect(d.kind == .syntax)
        #expect(d.message == c.message)
        #expect(file.text(of: d.span) == c.spanText)
        #expect(d.hint == c.hint)
        #expect(d.isIncompleteInput == c.incomplete)
    }

    @Test func duplicatesPointAtTheSecondOccurrence() {
        for (source, offset) in [("fn f(a, a) {}", 8), ("f(x: 1, x: 2)", 8), ("{a: 1, a: 2}", 7)] {
            let (_, d) = Parser.parse(SourceFile(name: "t", text: source))
            #expect(d.first?.span == Span(offset, offset + 1), "\(source)")
        }
    }

    @Test func recoveryReportsEveryError() {
        let source = """
        let a = 1 +* 2
        let b = [1 2]
        print(a b)
        let ok = 4
        """
        let file = SourceFile(name: "t", text: source)
        let (program, d) = Parser.parse(file)
        #expect(d.map(\.message) == [
            "expected an expression, found `*`",
            "expected `]` or `,` in the list, found `2`",
            "expected `)` to close the argument list, found `b`",
        ])
        #expect(d.map { file.line(of: $0.span.start) } == [1, 2, 3])
        // The statement after the errors is still parsed.
        #expect(SExpression.program(program).hasSuffix("(let ok 4)"))
    }

    @Test func recoveryInsideBlocks() {
        let source = """
        fn f() {
          let = 1
          let y = 2
        }
        fn g() {
          h(1 2)
        }
        let z = ]
        """
        let (program, d) = Parser.parse(SourceFile(name: "t", text: source))
        #expect(d.map(\.message) == [
            "expected a name after `let`, found `=`",
            "expected `)` to close the argument list, found `2`",
            "expected an expression, found `]`",
        ])
        let tree = SExpression.program(program)
        #expect(tree.contains("(fn f () {(let y 2)})"))
        #expect(tree.contains("(fn g ()"))
    }

    @Test func incompleteInputIsOnlyForEndOfInput() {
        let incomplete = ["f(", "[1,", "{a: 1", "fn f() {", "if x {", "for x in xs {\n  print(x)\n",
                          "let x = 1 +", "(", "x |>"]
        for source in incomplete {
            let (_, d) = Parser.parse(SourceFile(name: "t", text: source))
            #expect(!d.isEmpty, "\(source)")
            #expect(d.allSatisfy { $0.isIncompleteInput }, "\(source): \(d.map(\.message))")
        }
        // Strings end on the line they start: an unclosed one is an error at once.
        let complete = ["f(1 2)", "let = 1", "\"abc\nx", ")", "let x = ]", "1 = 2", "\"abc", "'abc"]
        for source in complete {
            let (_, d) = Parser.parse(SourceFile(name: "t", text: source))
            #expect(!d.isEmpty, "\(source)")
            #expect(!d.contains { $0.isIncompleteInput }, "\(source)")
        }
    }

    @Test(
          arguments: recordCases)
    func recordDiagnostic(_ c: SyntaxError) {
        diagnostic(c)
    }

    @Test
    func strayClosingBrace() {
        let (_, d) = Parser.parse(SourceFile(name: "t", text: "let x = 1\nx }\nprint(2)"))
        #expect(d.count == 1)
        let (_, d2) = Parser.parse(SourceFile(name: "t", text: "}"))
        #expect(d2.map(\.message) == ["expected an expression, found `}`"])
    }
}

@Suite("Diagnostic rendering")
struct DiagnosticRendererTests {
    @Test func rendersMessageLocationExcerptCaretAndHint() {
        let file = SourceFile(name: "train.cmcl", text: "let cfg = {epochs: 3}\nprint(cfg.epoch)\n")
        let start = 32  // line 2 starts at byte 22; "print(cfg." is 10 bytes
        let d = Diagnostic(.name, "record has no field `epoch`", file: file, span: Span(start, start + 5),
                           hint: "did you mean `epochs`?")
        let expected = """
        error: record has no field `epoch`
         --> train.cmcl:2:11
          |
        2 | print(cfg.epoch)
          |           ^^^^^
          = help: did you mean `epochs`?

        """
        #expect(DiagnosticRenderer().render(d) == expected)
    }

    @Test func emptySpanGetsOneCaretAndTraceIsListed() {
        let file = SourceFile(name: "x.cmcl", text: "f(")
        let d = Diagnostic(.runtime, "boom", file: file, span: Span(2, 2),
                           trace: [TraceFrame(function: "inner", file: file, span: Span(0, 2)),
                                   TraceFrame(function: "outer", file: nil, span: .zero)])
        let expected = """
        error: boom
         --> x.cmcl:1:3
          |
        1 | f(
          |   ^
          = trace (innermost first):
              in inner at x.cmcl:1:1
              in outer

        """
        #expect(DiagnosticRenderer().render(d) == expected)
    }

    @Test func multiLineSpanIsUnderlinedToTheEndOfItsFirstLine() {
        let file = SourceFile(name: "m.cmcl", text: "let x = f(1,\n  2)")
        let d = Diagnostic(.runtime, "bad", file: file, span: Span(8, 17))
        let rendered = DiagnosticRenderer().render(d)
        #expect(rendered.contains("1 | let x = f(1,\n  |         ^^^^\n"))
    }

    @Test func wideGutterForLongFiles() {
        let text = String(repeating: "\n", count: 11) + "oops"
        let file = SourceFile(name: "w.cmcl", text: text)
        let d = Diagnostic(.syntax, "bad", file: file, span: Span(11, 15))
        #expect(DiagnosticRenderer().render(d) == "error: bad\n  --> w.cmcl:12:1\n   |\n12 | oops\n   | ^^^^\n")
    }

    @Test func longTracesAreElided() {
        let file = SourceFile(name: "r.cmcl", text: "f()")
        let frames = (0..<15).map { _ in TraceFrame(function: "f", file: file, span: Span(0, 3)) }
        let d = Diagnostic(.runtime, "deep", file: file, span: Span(0, 3), trace: frames)
        let rendered = DiagnosticRenderer().render(d)
        #expect(rendered.components(separatedBy: "in f at r.cmcl:1:1").count - 1 == 12)
        #expect(rendered.contains("… 3 more frames"))
    }

    @Test func colorUsesAnsiEscapes() {
        let d = Diagnostic(.syntax, "bad", file: nil, span: .zero)
        #expect(DiagnosticRenderer(color: true).render(d).contains("\u{1B}[1;31merror\u{1B}[0m"))
        #expect(DiagnosticRenderer(color: false).render(d) == "error: bad\n")
        var interrupted = d
        interrupted.kind = .interrupted
        #expect(DiagnosticRenderer().render(interrupted).hasPrefix("interrupted: bad"))
    }
}

@Suite("Source files and suggestions")
struct SourceFileTests {
    @Test func lineAndColumn() {
        let file = SourceFile(name: "s", text: "ab\nçd\n\nx")
        let cases: [(Int, Int, Int)] = [(0, 1, 1), (1, 1, 2), (3, 2, 1), (5, 2, 2), (7, 3, 1), (8, 4, 1)]
        for (offset, line, column) in cases {
            let loc = file.location(of: offset)
            #expect(loc.line == line && loc.column == column, "offset \(offset): \(loc)")
        }
        #expect(file.lineText(2) == "çd")
        #expect(file.lineText(3) == "")
        #expect(file.lineText(0) == "" && file.lineText(99) == "")
        #expect(SourceFile(name: "c", text: "a\r\nb").lineText(1) == "a")
        #expect(file.text(of: Span(3, 6)) == "çd")
        #expect(file.text(of: Span(-5, 100)) == file.text)
    }
}
