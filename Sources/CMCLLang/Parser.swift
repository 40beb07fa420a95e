/// A recursive-descent parser: one method per grammar rule, `match/check/consume/advance`
/// cursor helpers, and recovery at statement boundaries so that one file reports every
/// syntax error it has.
///
///     let result = Parser.parse(SourceFile(name: "x.cmcl", text: "let x = 1 + 2"))
///     result.diagnostics.isEmpty   // true
public struct Parser {
    let file: SourceFile
    var tokens: [Token]
    var current = 0
    var diagnostics: [Diagnostic] = []
    /// How many rules are active on the recursion stack (bounded by `maxNesting`).
    var depth = 0
    /// Set when parsing must stop: too many errors, or input nested too deeply.
    var gaveUp = false

    /// The deepest nesting of brackets, blocks, functions and prefix operators a program
    /// may use (like CPython's and Lua's limits of 200), so that parsing never runs out of
    /// stack.
    public static let maxNesting = 200
    /// The tallest syntax tree an expression may have (see `Expr.height`): long chains of
    /// operators, pipes or method calls are parsed in loops, but compiling and running them
    /// recurses once per link.
    public static let maxHeight = 250_000

    /// Thrown inside the parser to unwind to the nearest statement boundary.
    struct Bail: Error {}

    public init(file: SourceFile) {
        var lexer = Lexer(file: file)
        self.tokens = lexer.tokenize()
        self.file = file
        self.diagnostics = lexer.diagnostics
        self.gaveUp = lexer.gaveUp
    }

    /// Parses a whole file or REPL cell.
    public static func parse(_ file: SourceFile) -> (program: Program, diagnostics: [Diagnostic]) {
        var parser = Parser(file: file)
        let statements = parser.parseStatements(until: .eof)
        return (Program(file: file, statements: statements), parser.diagnostics)
    }

    // MARK: Cursor helpers

    var peek: Token { tokens[current] }
    var previous: Token { tokens[max(0, current - 1)] }
    func check(_ kind: TokenKind) -> Bool { peek.kind == kind }
    func checkNext(_ kind: TokenKind) -> Bool {
        current + 1 < tokens.count && tokens[current + 1].kind == kind
    }

    @discardableResult
    mutating func advance() -> Token {
        let token = tokens[current]
        if token.kind != .eof { current += 1 }
        return token
    }

    mutating func match(_ kinds: TokenKind...) -> Bool {
        for kind in kinds where check(kind) {
            advance()
            return true
        }
        return false
    }

    mutating func skipNewlines() {
        while check(.newline) || check(.semicolon) { advance() }
    }

    /// Skips newlines when the next significant token is `kind` (for chains that continue
    /// on the next line: `data\n  |> shuffle()`, `}\nelse {`).
    mutating func continueLine(onto kind: TokenKind) {
        var i = current
        while i < tokens.count, tokens[i].kind == .newline { i += 1 }
        if i < tokens.count, tokens[i].kind == kind { current = i }
    }

    @discardableResult
    mutating func consume(_ kind: TokenKind, _ what: String, hint: String? = nil) throws -> Token {
        if check(kind) { return advance() }
        throw error(expected: what, hint: hint)
    }

    mutating func error(expected what: String, hint: String? = nil) -> Bail {
        let found = peek
        let foundText = found.kind == .eof ? "end of input" :
            found.kind == .newline ? "end of line" : "`\(file.text(of: found.span))`"
        var hint = hint
        if hint == nil, found.kind == .arrow, previous.kind == .identifier {
            // `s => s * 2`, as in JavaScript or C#.
            let name = file.text(of: previous.span)
            hint = "a lambda is written `fn(\(name)) => …`"
        }
        return error("expected \(what), found \(foundText)", found.span, hint: hint, incomplete: found.kind == .eof)
    }

    mutating func error(_ message: String, _ span: Span, hint: String? = nil, incomplete: Bool = false) -> Bail {
        guard !gaveUp else { return Bail() }
        if diagnostics.count >= Diagnostic.maxPerFile {
            diagnostics.append(Diagnostic.tooMany(file: file, at: span))
            gaveUp = true
            return Bail()
        }
        var d = Diagnostic(.syntax, message, file: file, span: span, hint: hint)
        d.isIncompleteInput = incomplete
        diagnostics.append(d)
        return Bail()
    }

    /// Enters one more level of nesting; past `maxNesting` reports it and stops parsing.
    /// Pair with `defer { depth -= 1 }`.
    mutating func enter() throws {
        guard depth < Parser.maxNesting else {
            let bail = error("code nested too deeply (more than \(Parser.maxNesting) levels)", peek.span,
                             hint: "split it up: bind inner parts to names with `let`")
            gaveUp = true
            throw bail
        }
        depth += 1
    }

    /// Checks that a node just built from a chain (`a + b + …`, `x |> f |> …`, `x.f().g()…`)
    /// is not taller than `maxHeight`; past it, reports it and stops parsing.
    mutating func bounded(_ e: Expr) throws -> Expr {
        guard e.height > Parser.maxHeight else { return e }
        let bail = error("expression too long (more than \(Parser.maxHeight) chained operations)", e.span,
                         hint: "split it up: bind intermediate results to names with `let`")
        gaveUp = true
        throw bail
    }

    /// After an error: skip to the start of the next statement.
    mutating func synchronize() {
        var depth = 0
        while !check(.eof) {
            switch peek.kind {
            case .newline, .semicolon:
                if depth <= 0 { advance(); return }
            case .leftBrace: depth += 1
            case .rightBrace:
                if depth <= 0 { return }
                depth -= 1
            case .kwLet, .kwFn, .kwFor, .kwWhile, .kwReturn, .kwImport:
                if depth <= 0, previous.kind == .newline { return }
            default: break
            }
            advance()
        }
    }

    // MARK: Statements

    mutating func parseStatements(until end: TokenKind) -> [Stmt] {
        var statements: [Stmt] = []
        skipNewlines()
        while !check(end) && !check(.eof) && !gaveUp {
            let before = current
            do {
                statements.append(try statement())
                if !(check(end) || check(.eof) || match(.newline, .semicolon)) {
                    throw error(expected: "end of line after the statement",
                                hint: "put one statement per line, or separate them with `;`")
                }
            } catch {
                synchronize()
                // A `}` with no block to close (at the top level), or no progress at all:
                // skip a token so that parsing always moves on.
                if (end == .eof && check(.rightBrace)) || current == before { advance() }
            }
            skipNewlines()
        }
        return statements
    }

    mutating func statement() throws -> Stmt {
        let start = peek.span
        switch peek.kind {
        case .kwLet:
            advance()
            let name = try consume(.identifier, "a name after `let`")
            try consume(.equal, "`=` after `let \(name.text)`", hint: "bind a value with `let \(name.text) = …`")
            let value = try expression()
            return Stmt(.letBinding(name: name.text, nameSpan: name.span, value: value), start.merged(with: value.span))
        case .kwFn where checkNext(.identifier):
            let decl = try functionDecl()
            return Stmt(.function(decl), decl.span)
        case .kwFor:
            advance()
            let variable = try consume(.identifier, "a loop variable after `for`")
            try consume(.kwIn, "`in` after the loop variable")
            let iterable = try expression()
            let body = try block("the loop body")
            return Stmt(.forLoop(variable: variable.text, variableSpan: variable.span, iterable: iterable, body: body),
                        start.merged(with: body.span))
        case .kwWhile:
            advance()
            let condition = try expression()
            let body = try block("the loop body")
            return Stmt(.whileLoop(condition: condition, body: body), start.merged(with: body.span))
        case .kwBreak:
            advance()
            return Stmt(.breakLoop, start)
        case .kwContinue:
            advance()
            return Stmt(.continueLoop, start)
        case .kwReturn:
            advance()
            if check(.newline) || check(.semicolon) || check(.rightBrace) || check(.eof) {
                return Stmt(.returnValue(nil), start)
            }
            let value = try expression()
            return Stmt(.returnValue(value), start.merged(with: value.span))
        case .kwImport:
            advance()
            let path = try consume(.string, "a module name in quotes after `import`", hint: "write `import \"name\"`")
            return Stmt(.importModule(path: path.text, pathSpan: path.span), start.merged(with: path.span))
        default:
            let expr = try expression()
            let compound: [TokenKind: BinaryOperator] = [.plusEqual: .add, .minusEqual: .subtract,
                                                         .starEqual: .multiply, .slashEqual: .divide]
            if check(.equal) || compound[peek.kind] != nil {
                let opToken = advance()
                try checkAssignable(expr)
                var value = try expression()
                if let op = compound[opToken.kind] {
                    value = Expr(.binary(op, expr, value), expr.span.merged(with: value.span))
                }
                return Stmt(.assignment(target: expr, value: value), expr.span.merged(with: value.span))
            }
            return Stmt(.expression(expr), expr.span)
        }
    }

    mutating func checkAssignable(_ target: Expr) throws {
        switch target.kind {
        case .identifier, .member, .index: return
        default:
            throw error("cannot assign to this expression", target.span,
                        hint: "the left of `=` must be a name, a field (`r.x`) or an element (`xs[0]`); use `==` to compare")
        }
    }

    mutating func functionDecl() throws -> FunctionDecl {
        let start = try consume(.kwFn, "`fn`").span
        var name: Token?
        if check(.identifier) { name = advance() }
        try consume(.leftParen, "`(` to start the parameter list")
        var parameters: [Parameter] = []
        var seen = Set<String>()
        while !check(.rightParen) {
            let p = try consume(.identifier, "a parameter name")
            if seen.contains(p.text) {
                _ = error("parameter `\(p.text)` appears twice", p.span)
            }
            seen.insert(p.text)
            var defaultValue: Expr?
            if match(.colon, .equal) {
                defaultValue = try expression()
            } else if parameters.last?.defaultValue != nil {
                _ = error("parameter `\(p.text)` needs a default value because the one before it has one", p.span,
                          hint: "write `\(p.text): value`, or move it before the parameters with defaults")
            }
            parameters.append(Parameter(name: p.text, span: p.span, defaultValue: defaultValue))
            if !match(.comma) { break }
        }
        try consume(.rightParen, "`)` to close the parameter list")
        let body: Block
        if match(.arrow) {
            let expr = try expression()
            body = Block(statements: [Stmt(.expression(expr), expr.span)], span: expr.span)
        } else {
            body = try block("the function body", hint: "write `{ … }`, or `=> expression` for a one-line function")
        }
        return FunctionDecl(name: name?.text, nameSpan: name?.span, parameters: parameters, body: body,
                            span: start.merged(with: body.span))
    }

    mutating func block(_ what: String, hint: String? = nil) throws -> Block {
        try enter()
        defer { depth -= 1 }
        let open = try consume(.leftBrace, "`{` to start \(what)", hint: hint)
        let statements = parseStatements(until: .rightBrace)
        let close = try consume(.rightBrace, "`}` to close \(what)")
        return Block(statements: statements, span: open.span.merged(with: close.span))
    }
}
