/// The syntax tree of a cmcl program. Every node carries its source span.

/// An expression node.
public struct Expr: Sendable {
    public var kind: ExprKind
    public var span: Span
    /// The number of nodes on the longest path from this node down to a leaf. The parser
    /// bounds it, so that whatever walks the tree (the compiler, the evaluator, even freeing
    /// it) recurses a bounded number of times.
    public let height: Int

    public init(_ kind: ExprKind, _ span: Span) {
        self.kind = kind
        self.span = span
        self.height = kind.childHeight + 1
    }
}

public indirect enum ExprKind: Sendable {
    case number(Double)
    case string(String)
    case bool(Bool)
    case null
    case identifier(String)
    case list([Expr])
    case record([RecordField])
    case unary(UnaryOperator, Expr)
    case binary(BinaryOperator, Expr, Expr)
    /// `a and b`, `a or b`: short-circuiting.
    case logical(isAnd: Bool, Expr, Expr)
    case call(callee: Expr, arguments: [Argument])
    case member(Expr, name: String, nameSpan: Span)
    case index(Expr, [IndexItem])
    case function(FunctionDecl)
    case conditional(condition: Expr, then: Block, otherwise: Block?)
    /// `try { … } catch e { … }`: the value of the body, or of the handler when the body
    /// raised a runtime error (bound to `name` as a record with its message and location).
    case tryCatch(body: Block, name: String?, nameSpan: Span?, handler: Block)
    /// A parse error placeholder; never evaluated because a file with errors does not run.
    case invalid

    /// The height of the tallest child (0 for a leaf).
    var childHeight: Int {
        switch self {
        case .number, .string, .bool, .null, .identifier, .invalid: return 0
        case .list(let items): return items.reduce(0) { max($0, $1.height) }
        case .record(let fields): return fields.reduce(0) { max($0, $1.value.height) }
        case .unary(_, let e), .member(let e, _, _): return e.height
        case .binary(_, let a, let b), .logical(_, let a, let b): return max(a.height, b.height)
        case .call(let callee, let arguments): return arguments.reduce(callee.height) { max($0, $1.value.height) }
        case .index(let e, let items): return items.reduce(e.height) { max($0, $1.height) }
        case .function(let decl): return decl.height
        case .conditional(let condition, let then, let otherwise):
            return max(condition.height, then.height, otherwise?.height ?? 0)
        case .tryCatch(let body, _, _, let handler):
            return max(body.height, handler.height)
        }
    }
}

public struct RecordField: Sendable {
    public var key: String
    public var keySpan: Span
    public var value: Expr
    public init(key: String, keySpan: Span, value: Expr) {
        self.key = key
        self.keySpan = keySpan
        self.value = value
    }
}

/// A call argument: positional (`label == nil`) or named (`lr: 1e-3`).
public struct Argument: Sendable {
    public var label: String?
    public var labelSpan: Span?
    public var value: Expr
    public init(label: String?, labelSpan: Span?, value: Expr) {
        self.label = label
        self.labelSpan = labelSpan
        self.value = value
    }
}

/// One position inside `t[...]`: an expression or a slice `start:stop:step`.
public enum IndexItem: Sendable {
    case single(Expr)
    case slice(start: Expr?, stop: Expr?, step: Expr?, span: Span)

    var height: Int {
        switch self {
        case .single(let e): return e.height
        case .slice(let a, let b, let c, _): return max(a?.height ?? 0, b?.height ?? 0, c?.height ?? 0)
        }
    }
}

public enum UnaryOperator: String, Sendable {
    case negate = "-", not = "not", plus = "+"
}

public enum BinaryOperator: String, Sendable, CaseIterable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", modulo = "%", power = "**"
    case matmul = "@"
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
}

/// `fn name(a, b, lr: 1e-3) { … }` or `fn(x) => x * 2`.
public struct FunctionDecl: Sendable {
    public var name: String?
    public var nameSpan: Span?
    public var parameters: [Parameter]
    public var body: Block
    public var span: Span
    public init(name: String?, nameSpan: Span?, parameters: [Parameter], body: Block, span: Span) {
        self.name = name
        self.nameSpan = nameSpan
        self.parameters = parameters
        self.body = body
        self.span = span
    }

    var height: Int { parameters.reduce(body.height) { max($0, $1.defaultValue?.height ?? 0) } }
}

public struct Parameter: Sendable {
    public var name: String
    public var span: Span
    public var defaultValue: Expr?
    public init(name: String, span: Span, defaultValue: Expr?) {
        self.name = name
        self.span = span
        self.defaultValue = defaultValue
    }
}

/// A braced sequence of statements; its value is the value of its last expression statement.
public struct Block: Sendable {
    public var statements: [Stmt]
    public var span: Span
    /// One more than the tallest statement (see `Expr.height`).
    public let height: Int
    public init(statements: [Stmt], span: Span) {
        self.statements = statements
        self.span = span
        self.height = statements.reduce(0) { max($0, $1.height) } + 1
    }
}

public struct Stmt: Sendable {
    public var kind: StmtKind
    public var span: Span
    /// One more than the tallest expression or block in it (see `Expr.height`).
    public let height: Int
    public init(_ kind: StmtKind, _ span: Span) {
        self.kind = kind
        self.span = span
        self.height = kind.childHeight + 1
    }
}

public enum StmtKind: Sendable {
    case expression(Expr)
    case letBinding(name: String, nameSpan: Span, value: Expr)
    case function(FunctionDecl)
    /// `target = value` where target is a name, a member or an index expression.
    case assignment(target: Expr, value: Expr)
    case forLoop(variable: String, variableSpan: Span, iterable: Expr, body: Block)
    case whileLoop(condition: Expr, body: Block)
    case breakLoop
    case continueLoop
    case returnValue(Expr?)
    case importModule(path: String, pathSpan: Span)

    var childHeight: Int {
        switch self {
        case .expression(let e), .letBinding(_, _, let e): return e.height
        case .function(let decl): return decl.height
        case .assignment(let target, let value): return max(target.height, value.height)
        case .forLoop(_, _, let iterable, let body): return max(iterable.height, body.height)
        case .whileLoop(let condition, let body): return max(condition.height, body.height)
        case .returnValue(let e): return e?.height ?? 0
        case .breakLoop, .continueLoop, .importModule: return 0
        }
    }
}

/// A parsed file or REPL cell.
public struct Program: Sendable {
    public var file: SourceFile
    public var statements: [Stmt]
    public init(file: SourceFile, statements: [Stmt]) {
        self.file = file
        self.statements = statements
    }
}
