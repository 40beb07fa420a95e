import Testing
import CMCLLang

/// A source text and the tree the parser must build for it.
struct ParseCase: Sendable, CustomStringConvertible {
    var source: String
    var tree: String
    init(_ source: String, _ tree: String) {
        self.source = source
        self.tree = tree
    }
    var description: String { source }
}

@Suite("Parser")
struct ParserTests {
    /// The precedence table, lowest first:
    /// `|>` < `or` < `and` < `not` < comparisons < `+ -` < `* / % @` < unary `-` < `**` < postfix.
    static let precedence: [ParseCase] = [
        ParseCase("1 + 2 * 3", "(+ 1 (* 2 3))"),
        ParseCase("1 * 2 + 3", "(+ (* 1 2) 3)"),
        ParseCase("1 - 2 - 3", "(- (- 1 2) 3)"),
        ParseCase("8 / 4 / 2", "(/ (/ 8 4) 2)"),
        ParseCase("7 % 3 * 2", "(* (% 7 3) 2)"),
        ParseCase("a @ b + c", "(+ (@ a b) c)"),
        ParseCase("a + b @ c", "(+ a (@ b c))"),
        ParseCase("2 ** 3 ** 2", "(** 2 (** 3 2))"),
        ParseCase("-2 ** 2", "(neg (** 2 2))"),
        ParseCase("2 ** -1", "(** 2 -1)"),
        ParseCase("-x ** 2", "(neg (** x 2))"),
        ParseCase("-3", "-3"),
        ParseCase("- -3", "3"),
        ParseCase("-x", "(neg x)"),
        ParseCase("+x", "(pos x)"),
        ParseCase("2 * -x", "(* 2 (neg x))"),
        ParseCase("a ** b.c", "(** a (. b c))"),
        ParseCase("-f(x)", "(neg (call f x))"),
        ParseCase("a < b + 1", "(< a (+ b 1))"),
        ParseCase("a == b", "(== a b)"),
        ParseCase("a != b", "(!= a b)"),
        ParseCase("a <= b", "(<= a b)"),
        ParseCase("a >= b", "(>= a b)"),
        ParseCase("a > b", "(> a b)"),
        ParseCase("not a == b", "(not (== a b))"),
        ParseCase("not not a", "(not (not a))"),
        ParseCase("not a and b", "(and (not a) b)"),
        ParseCase("a and b or c and d", "(or (and a b) (and c d))"),
        ParseCase("a or b or c", "(or (or a b) c)"),
        ParseCase("a < b and b < c", "(and (< a b) (< b c))"),
        ParseCase("x |> f", "(call f x)"),
        ParseCase("x |> f()", "(call f x)"),
        ParseCase("x |> f(a, k: 1)", "(call f x a k: 1)"),
        ParseCase("x |> f |> g(2)", "(call g (call f x) 2)"),
        ParseCase("a or b |> f", "(call f (or a b))"),
        ParseCase("x + 1 |> f", "(call f (+ x 1))"),
        ParseCase("x |> m.f(1)", "(call (. m f) x 1)"),
        ParseCase("x |> fn(v) => v * 2", "(call (fn (v) {(* v 2)}) x)"),
        ParseCase("(1 + 2) * 3", "(* (+ 1 2) 3)"),
        ParseCase("(\n1 +\n2\n)", "(+ 1 2)"),
    ]

    @Test(arguments: precedence)
    func precedenceTable(_ c: ParseCase) {
        let (tree, d) = parse(c.source)
        #expect(d.isEmpty, "\(d.map(\.message))")
        #expect(tree == c.tree)
    }

    static let forms: [ParseCase] = [
        // Literals.
        ParseCase("3", "3"), ParseCase("2.5", "2.5"), ParseCase("1e-3", "0.001"), ParseCase("\"s\"", "\"s\""),
        ParseCase("true", "true"), ParseCase("false", "false"), ParseCase("nil", "nil"),
        ParseCase("[]", "[]"), ParseCase("[1, 2, 3]", "[1 2 3]"), ParseCase("[1, 2,]", "[1 2]"),
        ParseCase("[\n1,\n2\n]", "[1 2]"), ParseCase("[[1], []]", "[[1] []]"),
        // Records versus blocks: `{` in an expression is always a record.
        ParseCase("{}", "{}"),
        ParseCase("{lr: 2e-5, epochs: 3}", "{lr: 2e-05, epochs: 3}"),
        ParseCase("{\"a b\": 1, if: 2,}", "{a b: 1, if: 2}"),
        ParseCase("{\n  lr: 1,\n  n: {m: 2}\n}", "{lr: 1, n: {m: 2}}"),
        ParseCase("let r = {a: 1}", "(let r {a: 1})"),
        ParseCase("if c { {a: 1} } else { {} }", "(if c {{a: 1}} {{}})"),
        // Calls, members, indexing, slicing.
        ParseCase("f()", "(call f)"),
        ParseCase("f(1, 2)", "(call f 1 2)"),
        ParseCase("f(x, lr: 1e-3, n: 2)", "(call f x lr: 0.001 n: 2)"),
        ParseCase("f(\n  x,\n  lr: 1,\n)", "(call f x lr: 1)"),
        ParseCase("f(a)(b)", "(call (call f a) b)"),
        ParseCase("r.x", "(. r x)"),
        ParseCase("r.if", "(. r if)"),
        ParseCase("xs.map(f).sum()", "(call (. (call (. xs map) f) sum))"),
        ParseCase("xs[0]", "(index xs 0)"),
        ParseCase("xs[-1]", "(index xs -1)"),
        ParseCase("xs[i][j]", "(index (index xs i) j)"),
        ParseCase("t[0, 1]", "(index t 0 1)"),
        ParseCase("s[1:3]", "(index s (slice 1 3 _))"),
        ParseCase("s[:3]", "(index s (slice _ 3 _))"),
        ParseCase("s[1:]", "(index s (slice 1 _ _))"),
        ParseCase("s[:]", "(index s (slice _ _ _))"),
        ParseCase("s[::2]", "(index s (slice _ _ 2))"),
        ParseCase("s[::-1]", "(index s (slice _ _ -1))"),
        ParseCase("s[1:5:2]", "(index s (slice 1 5 2))"),
        ParseCase("t[:, 0]", "(index t (slice _ _ _) 0)"),
        ParseCase("t[0, 1:]", "(index t 0 (slice 1 _ _))"),
        ParseCase("s[a+1:b*2]", "(index s (slice (+ a 1) (* b 2) _))"),
        // Functions and lambdas.
        ParseCase("fn(x) => x * 2", "(fn (x) {(* x 2)})"),
        ParseCase("fn() => 1", "(fn () {1})"),
        ParseCase("let f = fn(a, b) { a + b }", "(let f (fn (a b) {(+ a b)}))"),
        ParseCase("fn add(a, b) { a + b }", "(fn add (a b) {(+ a b)})"),
        ParseCase("fn f(a, lr: 1e-3, n = 2) => a", "(fn f (a lr=0.001 n=2) {a})"),
        ParseCase("fn f(a,) {}", "(fn f (a) {})"),
        ParseCase("fn f() {\n  let x = 1\n  return x\n}", "(fn f () {(let x 1); (return x)})"),
        ParseCase("fn f() { return }", "(fn f () {(return)})"),
        ParseCase("fn f() {\n  return\n}", "(fn f () {(return)})"),
        ParseCase("fn f() => fn(y) => y", "(fn f () {(fn (y) {y})})"),
        ParseCase("fn(x) => x |> g", "(fn (x) {(call g x)})"),
        // Conditionals.
        ParseCase("if a { 1 }", "(if a {1})"),
        ParseCase("if a { 1 } else { 2 }", "(if a {1} {2})"),
        ParseCase("if a { 1 } else if b { 2 } else { 3 }", "(if a {1} {(if b {2} {3})})"),
        ParseCase("if a {\n1\n}\nelse {\n2\n}", "(if a {1} {2})"),
        ParseCase("if a { 1 }\nelse if b { 2 }\nelse { 3 }", "(if a {1} {(if b {2} {3})})"),
        ParseCase("let y = if a { 1 } else { 2 }", "(let y (if a {1} {2}))"),
        ParseCase("(if a { 1 } else { 2 }) + 1", "(+ (if a {1} {2}) 1)"),
        // Loops.
        ParseCase("for x in xs { print(x) }", "(for x xs {(call print x)})"),
        ParseCase("for i in range(3) {\n  if i == 1 { continue }\n  break\n}",
                  "(for i (call range 3) {(if (== i 1) {continue}); break})"),
        ParseCase("while n > 0 { n -= 1 }", "(while (> n 0) {(= n (- n 1))})"),
        // Statements.
        ParseCase("let x = 1", "(let x 1)"),
        ParseCase("x = 2", "(= x 2)"),
        ParseCase("x += 1", "(= x (+ x 1))"),
        ParseCase("x -= 1", "(= x (- x 1))"),
        ParseCase("x *= a + b", "(= x (* x (+ a b)))"),
        ParseCase("x /= 2", "(= x (/ x 2))"),
        ParseCase("r.n += 1", "(= (. r n) (+ (. r n) 1))"),
        ParseCase("xs[0] = 5", "(= (index xs 0) 5)"),
        ParseCase("import \"helper\"", "(import \"helper\")"),
        ParseCase("a; b", "a; b"),
        ParseCase("a\n\nb\n", "a; b"),
        ParseCase("\n\n", ""),
        ParseCase("", ""),
        ParseCase("# only a comment", ""),
        ParseCase("#!/usr/bin/env cmcl\nprint(1)", "(call print 1)"),
        // Multi-line chains.
        ParseCase("data\n  |> shuffle()\n  |> take(3)", "(call take (call shuffle data) 3)"),
        ParseCase("xs\n  .map(f)\n  .sum()", "(call (. (call (. xs map) f) sum))"),
        ParseCase("x |>\n  f", "(call f x)"),
        ParseCase("a +\n b", "(+ a b)"),
        ParseCase("a and\n b", "(and a b)"),
        ParseCase("a ==\n b", "(== a b)"),
        ParseCase("2 **\n 3", "(** 2 3)"),
        ParseCase("a\n-b", "a; (neg b)"),
        ParseCase("a\n(b)", "a; b"),
        ParseCase("a\n[1]", "a; [1]"),
        ParseCase("1 +\\\n 2", "(+ 1 2)"),
    ]

    @Test(arguments: forms)
    func syntaxForms(_ c: ParseCase) {
        let (tree, d) = parse(c.source)
        #expect(d.isEmpty, "\(d.map(\.message))")
        #expect(tree == c.tree)
    }

    @Test func spansCoverTheirSource() {
        let file = SourceFile(name: "t.cmcl", text: "let total = f(1, k: 2) + xs[0:2]")
        let (program, d) = Parser.parse(file)
        #expect(d.isEmpty)
        guard case .letBinding(let name, let nameSpan, let value) = program.statements.first?.kind else {
            Issue.record("expected a let binding")
            return
        }
        #expect(name == "total")
        #expect(file.text(of: nameSpan) == "total")
        #expect(file.text(of: value.span) == "f(1, k: 2) + xs[0:2]")
        #expect(file.text(of: program.statements[0].span) == "let total = f(1, k: 2) + xs[0:2]")
        guard case .binary(_, let lhs, let rhs) = value.kind else {
            Issue.record("expected a binary expression")
            return
        }
        #expect(file.text(of: lhs.span) == "f(1, k: 2)")
        #expect(file.text(of: rhs.span) == "xs[0:2]")
        guard case .call(_, let args) = lhs.kind, let label = args.last?.labelSpan else {
            Issue.record("expected a call with a named argument")
            return
        }
        #expect(file.text(of: label) == "k")
    }

    @Test func functionDeclarationSpans() {
        let file = SourceFile(name: "t.cmcl", text: "fn twice(x) => x * 2")
        let (program, _) = Parser.parse(file)
        guard case .function(let decl) = program.statements.first?.kind, let nameSpan = decl.nameSpan else {
            Issue.record("expected a function")
            return
        }
        #expect(file.text(of: nameSpan) == "twice")
        #expect(file.text(of: decl.span) == "fn twice(x) => x * 2")
        #expect(file.text(of: decl.parameters[0].span) == "x")
    }
}

@Suite("try … catch")
struct TryCatchParserTests {
    @Test func parsesAsAnExpression() {
        let (program, diagnostics) = Parser.parse(SourceFile(name: "t", text: "let r = try { f() } catch e { e.message }\ntry {\n  1\n}\ncatch { 2 }"))
        #expect(diagnostics.isEmpty)
        #expect(program.statements.count == 2)
        if case .letBinding(_, _, let value) = program.statements[0].kind {
            #expect(SExpression.expr(value) == "(try {(call f)} e {(. e message)})")
        } else {
            Issue.record("not a let")
        }
    }
}
