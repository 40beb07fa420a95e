import CMCLLang

/// Finds the names that functions nested in a function use, before the function is compiled:
/// declared in the function, those variables live in cells that the nested functions capture,
/// and every other variable stays on the value stack.
///
/// The set errs on the side of inclusion: a nested function's use of its own local named like
/// a variable of the enclosing function puts that variable in a cell too, which costs only an
/// indirection. Missing a name would be a bug, so every kind of node is visited.
struct CaptureScan {
    private(set) var names: Set<String> = []
    /// Inside a nested function, where every identifier counts.
    private let collecting: Bool

    private init(collecting: Bool) { self.collecting = collecting }

    /// The names functions nested in `statements` (and in `parameters`' defaults) use.
    static func names(_ statements: [Stmt], parameters: [Parameter] = []) -> Set<String> {
        var scan = CaptureScan(collecting: false)
        for p in parameters { if let d = p.defaultValue { scan.expr(d) } }
        scan.statements(statements)
        return scan.names
    }

    private mutating func statements(_ list: [Stmt]) {
        for s in list { statement(s) }
    }

    private mutating func statement(_ s: Stmt) {
        switch s.kind {
        case .expression(let e): expr(e)
        case .letBinding(_, _, let value): expr(value)
        case .function(let decl): function(decl)
        case .assignment(let target, let value):
            expr(target)
            expr(value)
        case .forLoop(_, _, let iterable, let body):
            expr(iterable)
            statements(body.statements)
        case .whileLoop(let condition, let body):
            expr(condition)
            statements(body.statements)
        case .returnValue(let value): if let value { expr(value) }
        case .breakLoop, .continueLoop, .importModule: break
        }
    }

    private mutating func function(_ decl: FunctionDecl) {
        if collecting {
            for p in decl.parameters { if let d = p.defaultValue { expr(d) } }
            statements(decl.body.statements)
            return
        }
        var inner = CaptureScan(collecting: true)
        for p in decl.parameters { if let d = p.defaultValue { inner.expr(d) } }
        inner.statements(decl.body.statements)
        // A function's parameters are its own for its whole body.
        names.formUnion(inner.names.subtracting(decl.parameters.map(\.name)))
    }

    private mutating func expr(_ e: Expr) {
        switch e.kind {
        case .identifier(let name): if collecting { names.insert(name) }
        case .number, .string, .bool, .null, .invalid: break
        case .list(let items): for item in items { expr(item) }
        case .record(let fields): for f in fields { expr(f.value) }
        case .unary(_, let operand): expr(operand)
        case .binary(_, let a, let b), .logical(_, let a, let b):
            expr(a)
            expr(b)
        case .call(let callee, let arguments):
            expr(callee)
            for a in arguments { expr(a.value) }
        case .member(let object, _, _): expr(object)
        case .index(let object, let items):
            expr(object)
            for item in items {
                switch item {
                case .single(let x): expr(x)
                case .slice(let a, let b, let c, _): for part in [a, b, c] { if let part { expr(part) } }
                }
            }
        case .function(let decl): function(decl)
        case .conditional(let condition, let then, let otherwise):
            expr(condition)
            statements(then.statements)
            if let otherwise { statements(otherwise.statements) }
        case .tryCatch(let body, _, _, let handler):
            statements(body.statements)
            statements(handler.statements)
        }
    }
}
