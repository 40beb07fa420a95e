import CMCLLang

/// A compact, fully parenthesised rendering of syntax trees, so parser tests can state the
/// expected tree as one readable string: `1 + 2 * 3` is `(+ 1 (* 2 3))`.
enum SExpression {
    static func program(_ p: Program) -> String {
        p.statements.map(statement).joined(separator: "; ")
    }

    static func number(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : "\(v)"
    }

    static func expr(_ e: Expr) -> String {
        switch e.kind {
        case .number(let v): return number(v)
        case .string(let s): return "\"\(s)\""
        case .bool(let b): return b ? "true" : "false"
        case .null: return "nil"
        case .identifier(let n): return n
        case .list(let items): return "[" + items.map(expr).joined(separator: " ") + "]"
        case .record(let fields): return "{" + fields.map { "\($0.key): \(expr($0.value))" }.joined(separator: ", ") + "}"
        case .unary(let op, let x):
            switch op {
            case .negate: return "(neg \(expr(x)))"
            case .plus: return "(pos \(expr(x)))"
            case .not: return "(not \(expr(x)))"
            }
        case .binary(let op, let a, let b): return "(\(op.rawValue) \(expr(a)) \(expr(b)))"
        case .logical(let isAnd, let a, let b): return "(\(isAnd ? "and" : "or") \(expr(a)) \(expr(b)))"
        case .call(let callee, let args):
            let parts = args.map { a in a.label.map { "\($0): \(expr(a.value))" } ?? expr(a.value) }
            return "(call \(expr(callee))" + parts.map { " " + $0 }.joined() + ")"
        case .member(let object, let name, _): return "(. \(expr(object)) \(name))"
        case .index(let object, let items):
            return "(index \(expr(object))" + items.map { " " + item($0) }.joined() + ")"
        case .function(let decl): return function(decl)
        case .conditional(let c, let t, let o):
            return "(if \(expr(c)) \(block(t))" + (o.map { " " + block($0) } ?? "") + ")"
        case .tryCatch(let body, let name, _, let handler):
            return "(try \(block(body)) \(name ?? "_") \(block(handler)))"
        case .invalid: return "<invalid>"
        }
    }

    static func item(_ i: IndexItem) -> String {
        switch i {
        case .single(let e): return expr(e)
        case .slice(let a, let b, let c, _):
            return "(slice \(a.map(expr) ?? "_") \(b.map(expr) ?? "_") \(c.map(expr) ?? "_"))"
        }
    }

    static func function(_ d: FunctionDecl) -> String {
        let params = d.parameters.map { p in p.defaultValue.map { "\(p.name)=\(expr($0))" } ?? p.name }
        return "(fn\(d.name.map { " " + $0 } ?? "") (\(params.joined(separator: " "))) \(block(d.body)))"
    }

    static func block(_ b: Block) -> String {
        "{" + b.statements.map(statement).joined(separator: "; ") + "}"
    }

    static func statement(_ s: Stmt) -> String {
        switch s.kind {
        case .expression(let e): return expr(e)
        case .letBinding(let name, _, let value): return "(let \(name) \(expr(value)))"
        case .function(let d): return function(d)
        case .assignment(let t, let v): return "(= \(expr(t)) \(expr(v)))"
        case .forLoop(let v, _, let it, let body): return "(for \(v) \(expr(it)) \(block(body)))"
        case .whileLoop(let c, let body): return "(while \(expr(c)) \(block(body)))"
        case .breakLoop: return "break"
        case .continueLoop: return "continue"
        case .returnValue(let v): return v.map { "(return \(expr($0)))" } ?? "(return)"
        case .importModule(let path, _): return "(import \"\(path)\")"
        }
    }
}

/// Parses `text` and returns its tree as an S-expression and its diagnostics.
func parse(_ text: String) -> (tree: String, diagnostics: [Diagnostic]) {
    let (program, diagnostics) = Parser.parse(SourceFile(name: "t.cmcl", text: text))
    return (SExpression.program(program), diagnostics)
}
