import CMCLLang

/// Specialisations that keep the interpreter's hot paths short: numeric operators that
/// read locals and constants directly, conditions that produce a Swift `Bool`, calls with
/// one or two arguments, and early returns compiled as branches instead of unwinding.
typealias Test = (Int, Closure?) throws -> Bool

enum Operand {
    case constant(Double)
    case local(Int)
    case code(Code)
}

extension Compiler {
    func operand(_ expr: Expr) -> Operand {
        switch expr.kind {
        case .number(let v): return .constant(v)
        case .identifier(let name):
            if case .stack(let slot)? = resolve(name) { return .local(slot) }
        default: break
        }
        return .code(expression(expr))
    }

    @inline(__always)
    static func numeric(_ op: BinaryOperator, _ x: Double, _ y: Double) -> Value? {
        switch op {
        case .add: return .number(x + y)
        case .subtract: return .number(x - y)
        case .multiply: return .number(x * y)
        case .divide: return .number(x / y)
        case .less: return .bool(x < y)
        case .lessEqual: return .bool(x <= y)
        case .greater: return .bool(x > y)
        case .greaterEqual: return .bool(x >= y)
        case .equal: return .bool(x == y)
        case .notEqual: return .bool(x != y)
        default: return nil
        }
    }

    @inline(__always)
    static func compare(_ op: BinaryOperator, _ x: Double, _ y: Double) -> Bool {
        switch op {
        case .less: return x < y
        case .lessEqual: return x <= y
        case .greater: return x > y
        case .greaterEqual: return x >= y
        case .equal: return x == y
        default: return x != y
        }
    }

    /// A binary operator with numeric fast paths; `slow` handles every other operand type.
    func fastBinary(_ op: BinaryOperator, _ lhs: Expr, _ rhs: Expr,
                    slow: @escaping (Value, Value) throws -> Value) -> Code {
        let stack = vm.stack
        switch (operand(lhs), operand(rhs)) {
        case (.local(let i), .constant(let k)):
            let kv = Value.number(k)
            return { bp, _ in
                if case .number(let x) = stack[bp + i], let v = Compiler.numeric(op, x, k) { return v }
                return try slow(stack[bp + i], kv)
            }
        case (.local(let i), .local(let j)):
            return { bp, _ in
                if case .number(let x) = stack[bp + i], case .number(let y) = stack[bp + j],
                   let v = Compiler.numeric(op, x, y) { return v }
                return try slow(stack[bp + i], stack[bp + j])
            }
        case (.code(let a), .constant(let k)):
            let kv = Value.number(k)
            return { bp, env in
                let l = try a(bp, env)
                if case .number(let x) = l, let v = Compiler.numeric(op, x, k) { return v }
                return try slow(l, kv)
            }
        case (let left, let right):
            let a = code(left), b = code(right)
            return { bp, env in
                let l = try a(bp, env), r = try b(bp, env)
                if case .number(let x) = l, case .number(let y) = r, let v = Compiler.numeric(op, x, y) { return v }
                return try slow(l, r)
            }
        }
    }

    func code(_ o: Operand) -> Code {
        switch o {
        case .constant(let k):
            let v = Value.number(k)
            return { _, _ in v }
        case .local(let i):
            let stack = vm.stack
            return { bp, _ in stack[bp + i] }
        case .code(let c):
            return c
        }
    }

    static let comparisons: [BinaryOperator] = [.less, .lessEqual, .greater, .greaterEqual, .equal, .notEqual]

    /// A condition compiled to a Swift `Bool`.
    func test(_ expr: Expr) -> Test {
        let stack = vm.stack
        switch expr.kind {
        case .binary(let op, let lhs, let rhs) where [.less, .lessEqual, .greater, .greaterEqual, .equal, .notEqual].contains(op):
            let general = expression(expr)
            switch (operand(lhs), operand(rhs)) {
            case (.local(let i), .constant(let k)):
                return { bp, env in
                    if case .number(let x) = stack[bp + i] { return Compiler.compare(op, x, k) }
                    return try general(bp, env).isTruthy
                }
            case (.local(let i), .local(let j)):
                return { bp, env in
                    if case .number(let x) = stack[bp + i], case .number(let y) = stack[bp + j] {
                        return Compiler.compare(op, x, y)
                    }
                    return try general(bp, env).isTruthy
                }
            default:
                return { bp, env in try general(bp, env).isTruthy }
            }
        case .unary(.not, let inner):
            let t = test(inner)
            return { bp, env in !(try t(bp, env)) }
        case .logical(let isAnd, let lhs, let rhs):
            let a = test(lhs), b = test(rhs)
            if isAnd { return { bp, env in try a(bp, env) && b(bp, env) } }
            return { bp, env in try a(bp, env) || b(bp, env) }
        case .bool(let v):
            return { _, _ in v }
        default:
            let c = expression(expr)
            return { bp, env in try c(bp, env).isTruthy }
        }
    }

    // MARK: Function bodies with early returns as branches

    static func alwaysReturns(_ block: Block) -> Bool {
        guard let last = block.statements.last else { return false }
        switch last.kind {
        case .returnValue: return true
        case .expression(let e):
            if case .conditional(_, let then, let otherwise?) = e.kind {
                return alwaysReturns(then) && alwaysReturns(otherwise)
            }
            return false
        default: return false
        }
    }

    /// Compiles a function body so that its value is the function's result: a tail
    /// `return e` is just `e`, and `if c { …; return a }; rest` becomes a branch. Statements
    /// compile in source order; `fn` declarations run first (see `statementsInOrder`).
    func functionBody(_ statements: [Stmt]) -> Code {
        declareFunctionNames(statements)
        hoistedFunctions.append([])
        let body = returning(statements[...])
        let hoisted = hoistedFunctions.removeLast()
        return hoisted.isEmpty ? body : sequence(hoisted + [CodeBox(body)])
    }

    /// Compiles a `fn` statement into the current block's hoisted functions.
    func hoist(_ stmt: Stmt) {
        let code = CodeBox(statement(stmt))
        hoistedFunctions[hoistedFunctions.count - 1].append(code)
    }

    /// Statements after a `return`: never run, but compiled for their name errors (and their
    /// functions, which exist from the start of the block).
    func unreachable(_ statements: ArraySlice<Stmt>) {
        for stmt in statements {
            if stmt.isFunction { hoist(stmt) } else { _ = statement(stmt) }
        }
    }

    func returning(_ statements: ArraySlice<Stmt>) -> Code {
        var prefix: [CodeBox] = []
        for (offset, stmt) in statements.enumerated() {
            let remaining = statements.dropFirst(offset + 1)
            switch stmt.kind {
            case .function:
                hoist(stmt)
                continue
            case .returnValue(let value):
                let v: Code
                if let value { v = expression(value) } else { v = { _, _ in .null } }
                unreachable(remaining)
                return sequence(prefix + [CodeBox(v)])
            case .expression(let e):
                guard case .conditional(let condition, let then, let otherwise) = e.kind else { break }
                let thenReturns = Compiler.alwaysReturns(then)
                if otherwise == nil, thenReturns {
                    let thenCode = returningBlock(then)
                    if case .binary(let op, let lhs, let rhs) = condition.kind, Compiler.comparisons.contains(op),
                       case .local(let i) = operand(lhs), case .constant(let k) = operand(rhs) {
                        // `if n < 2 { return … }`: the comparison inlined into the branch.
                        let general = expression(condition)
                        let restCode = returning(remaining)
                        let stack = vm.stack
                        if then.statements.count == 1, case .returnValue(let rv?) = then.statements[0].kind,
                           case .local(let j) = operand(rv) {
                            // `if n < 2 { return n }`: no closure call for either side of the test.
                            return sequence(prefix + [CodeBox { bp, env in
                                let taken: Bool
                                if case .number(let x) = stack[bp + i] { taken = Compiler.compare(op, x, k) } else {
                                    taken = try general(bp, env).isTruthy
                                }
                                return taken ? stack[bp + j] : try restCode(bp, env)
                            }])
                        }
                        return sequence(prefix + [CodeBox { bp, env in
                            let taken: Bool
                            if case .number(let x) = stack[bp + i] { taken = Compiler.compare(op, x, k) } else {
                                taken = try general(bp, env).isTruthy
                            }
                            return taken ? try thenCode(bp, env) : try restCode(bp, env)
                        }])
                    }
                    let t = test(condition)
                    let restCode = returning(remaining)
                    return sequence(prefix + [CodeBox { bp, env in
                        try t(bp, env) ? try thenCode(bp, env) : try restCode(bp, env)
                    }])
                }
                if let otherwise, remaining.isEmpty || (thenReturns && Compiler.alwaysReturns(otherwise)) {
                    let t = test(condition)
                    let thenCode = returningBlock(then), elseCode = returningBlock(otherwise)
                    unreachable(remaining)
                    return sequence(prefix + [CodeBox { bp, env in
                        try t(bp, env) ? try thenCode(bp, env) : try elseCode(bp, env)
                    }])
                }
            default:
                break
            }
            prefix.append(CodeBox(statement(stmt)))
        }
        return sequence(prefix)
    }

    func returningBlock(_ block: Block) -> Code {
        scope.blocks.append([:])
        defer { scope.blocks.removeLast() }
        return functionBody(block.statements)
    }
}
