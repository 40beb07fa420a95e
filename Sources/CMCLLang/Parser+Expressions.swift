/// Expression rules, lowest precedence first:
/// pipe `|>` < `or` < `and` < `not` < comparisons < `+ -` < `* / % @` < unary `-` < `**` < postfix.
extension Parser {
    mutating func expression() throws -> Expr {
        try enter()
        defer { depth -= 1 }
        return try pipe()
    }

    mutating func pipe() throws -> Expr {
        var left = try or()
        while true {
            continueLine(onto: .pipe)
            guard match(.pipe) else { break }
            skipNewlines()
            let right = try or()
            let span = left.span.merged(with: right.span)
            switch right.kind {
            case .call(let callee, let arguments):
                let first = Argument(label: nil, labelSpan: nil, value: left)
                left = try bounded(Expr(.call(callee: callee, arguments: [first] + arguments), span))
            default:
                left = try bounded(Expr(.call(callee: right, arguments: [Argument(label: nil, labelSpan: nil, value: left)]), span))
            }
        }
        return left
    }

    mutating func or() throws -> Expr {
        var left = try and()
        while match(.kwOr) {
            skipNewlines()
            let right = try and()
            left = try bounded(Expr(.logical(isAnd: false, left, right), left.span.merged(with: right.span)))
        }
        return left
    }

    mutating func and() throws -> Expr {
        var left = try not()
        while match(.kwAnd) {
            skipNewlines()
            let right = try not()
            left = try bounded(Expr(.logical(isAnd: true, left, right), left.span.merged(with: right.span)))
        }
        return left
    }

    mutating func not() throws -> Expr {
        if check(.kwNot) {
            try enter()
            defer { depth -= 1 }
            let start = advance().span
            let operand = try not()
            return Expr(.unary(.not, operand), start.merged(with: operand.span))
        }
        return try comparison()
    }

    static let comparisonOperators: [TokenKind: BinaryOperator] = [
        .equalEqual: .equal, .bangEqual: .notEqual, .less: .less, .lessEqual: .lessEqual,
        .greater: .greater, .greaterEqual: .greaterEqual,
    ]

    mutating func comparison() throws -> Expr {
        let left = try additive()
        guard let op = Parser.comparisonOperators[peek.kind] else { return left }
        advance()
        skipNewlines()
        let right = try additive()
        if let next = Parser.comparisonOperators[peek.kind] {
            throw error("comparisons cannot be chained", peek.span,
                        hint: "write `a \(op.rawValue) b and b \(next.rawValue) c`")
        }
        return Expr(.binary(op, left, right), left.span.merged(with: right.span))
    }

    mutating func additive() throws -> Expr {
        var left = try multiplicative()
        while check(.plus) || check(.minus) {
            let op: BinaryOperator = advance().kind == .plus ? .add : .subtract
            skipNewlines()
            let right = try multiplicative()
            left = try bounded(Expr(.binary(op, left, right), left.span.merged(with: right.span)))
        }
        return left
    }

    mutating func multiplicative() throws -> Expr {
        var left = try unary()
        while true {
            let op: BinaryOperator
            switch peek.kind {
            case .star: op = .multiply
            case .slash: op = .divide
            case .percent: op = .modulo
            case .at: op = .matmul
            default: return left
            }
            advance()
            skipNewlines()
            let right = try unary()
            left = try bounded(Expr(.binary(op, left, right), left.span.merged(with: right.span)))
        }
    }

    mutating func unary() throws -> Expr {
        if check(.minus) || check(.plus) {
            try enter()
            defer { depth -= 1 }
            let token = advance()
            let operand = try unary()
            if token.kind == .minus, case .number(let v) = operand.kind {
                return Expr(.number(-v), token.span.merged(with: operand.span))
            }
            return Expr(.unary(token.kind == .minus ? .negate : .plus, operand), token.span.merged(with: operand.span))
        }
        return try power()
    }

    mutating func power() throws -> Expr {
        let base = try postfix()
        if match(.starStar) {
            try enter()
            defer { depth -= 1 }
            skipNewlines()
            let exponent = try unary()  // right-associative; allows 2 ** -1
            return Expr(.binary(.power, base, exponent), base.span.merged(with: exponent.span))
        }
        return base
    }

    mutating func postfix() throws -> Expr {
        var expr = try primary()
        while true {
            continueLine(onto: .dot)
            if match(.leftParen) {
                let arguments = try argumentList()
                let close = try consume(.rightParen, "`)` to close the argument list")
                expr = try bounded(Expr(.call(callee: expr, arguments: arguments), expr.span.merged(with: close.span)))
            } else if match(.leftBracket) {
                let items = try indexItems()
                let close = try consume(.rightBracket, "`]` to close the index")
                expr = try bounded(Expr(.index(expr, items), expr.span.merged(with: close.span)))
            } else if match(.dot) {
                let name: Token
                if check(.identifier) || TokenKind.keywords[peek.text] != nil, !peek.text.isEmpty {
                    name = advance()
                } else {
                    throw error(expected: "a field or method name after `.`")
                }
                expr = try bounded(Expr(.member(expr, name: name.text, nameSpan: name.span), expr.span.merged(with: name.span)))
            } else {
                return expr
            }
        }
    }

    mutating func argumentList() throws -> [Argument] {
        var arguments: [Argument] = []
        var sawNamed = false
        var labels = Set<String>()
        skipNewlines()
        while !check(.rightParen) {
            if check(.identifier), checkNext(.colon) {
                let label = advance()
                advance()
                skipNewlines()
                let value = try expression()
                if labels.contains(label.text) {
                    _ = error("argument `\(label.text)` is given twice", label.span)
                }
                labels.insert(label.text)
                arguments.append(Argument(label: label.text, labelSpan: label.span, value: value))
                sawNamed = true
            } else {
                let value = try expression()
                if sawNamed {
                    _ = error("a positional argument cannot follow a named one", value.span,
                              hint: "put positional arguments first: `f(x, lr: 1e-3)`")
                }
                arguments.append(Argument(label: nil, labelSpan: nil, value: value))
            }
            skipNewlines()
            if !match(.comma) { break }
            skipNewlines()
        }
        return arguments
    }

    mutating func indexItems() throws -> [IndexItem] {
        var items: [IndexItem] = []
        repeat {
            if check(.rightBracket) { break }
            let start = peek.span
            var lower: Expr?
            if !check(.colon) { lower = try expression() }
            if match(.colon) {
                var upper: Expr?, step: Expr?
                if !check(.colon) && !check(.comma) && !check(.rightBracket) { upper = try expression() }
                if match(.colon), !check(.comma), !check(.rightBracket) { step = try expression() }
                items.append(.slice(start: lower, stop: upper, step: step, span: start.merged(with: previous.span)))
            } else if let lower {
                items.append(.single(lower))
            }
        } while match(.comma)
        if items.isEmpty { throw error(expected: "an index inside `[]`") }
        return items
    }

    mutating func primary() throws -> Expr {
        let token = peek
        switch token.kind {
        case .number:
            advance()
            return Expr(.number(token.number), token.span)
        case .string:
            advance()
            return Expr(.string(token.text), token.span)
        case .kwTrue, .kwFalse:
            advance()
            return Expr(.bool(token.kind == .kwTrue), token.span)
        case .kwNil:
            advance()
            return Expr(.null, token.span)
        case .identifier:
            advance()
            return Expr(.identifier(token.text), token.span)
        case .leftParen:
            advance()
            skipNewlines()
            let inner = try expression()
            skipNewlines()
            try consume(.rightParen, "`)` to close the parenthesis")
            return inner
        case .leftBracket:
            advance()
            var items: [Expr] = []
            while !check(.rightBracket) {
                skipNewlines()
                if check(.rightBracket) { break }
                items.append(try expression())
                skipNewlines()
                if !match(.comma) { break }
            }
            skipNewlines()
            let close = try consume(.rightBracket, "`]` or `,` in the list")
            return Expr(.list(items), token.span.merged(with: close.span))
        case .leftBrace:
            return try record()
        case .kwFn:
            let decl = try functionDecl()
            return Expr(.function(decl), decl.span)
        case .kwIf:
            return try conditional()
        case .kwTry:
            return try tryCatch()
        case .eof:
            throw error(expected: "an expression")
        default:
            var hint: String?
            if token.kind == .equal { hint = "to compare, use `==`" }
            if [.kwLet, .kwFor, .kwWhile, .kwReturn, .kwImport, .kwBreak, .kwContinue].contains(token.kind) {
                hint = "`\(token.kind.rawValue)` starts a statement and cannot be used inside an expression"
            }
            throw error(expected: "an expression", hint: hint)
        }
    }

    mutating func record() throws -> Expr {
        let open = try consume(.leftBrace, "`{`")
        var fields: [RecordField] = []
        var keys = Set<String>()
        skipNewlines()
        while !check(.rightBrace) {
            guard check(.identifier) || check(.string) || TokenKind.keywords[peek.text] != nil else {
                throw error(expected: "a field name in the record", hint: "records are written `{lr: 2e-5, epochs: 3}`")
            }
            let key = advance()
            try consume(.colon, "`:` after the field name `\(key.text)`")
            skipNewlines()
            let value = try expression()
            if keys.contains(key.text) { _ = error("field `\(key.text)` appears twice", key.span) }
            keys.insert(key.text)
            fields.append(RecordField(key: key.text, keySpan: key.span, value: value))
            skipNewlines()
            if !match(.comma) { break }
            skipNewlines()
        }
        skipNewlines()
        let close = try consume(.rightBrace, "`}` or `,` in the record")
        return Expr(.record(fields), open.span.merged(with: close.span))
    }

    mutating func tryCatch() throws -> Expr {
        let start = try consume(.kwTry, "`try`").span
        let body = try block("the `try` block", hint: "write `try { … } catch e { … }`")
        continueLine(onto: .kwCatch)
        try consume(.kwCatch, "`catch` after the `try` block", hint: "write `try { … } catch e { … }`")
        var name: Token?
        if check(.identifier) { name = advance() }
        let handler = try block("the `catch` block", hint: "write `catch e { … }`")
        return Expr(.tryCatch(body: body, name: name?.text, nameSpan: name?.span, handler: handler),
                    start.merged(with: handler.span))
    }

    mutating func conditional() throws -> Expr {
        try enter()
        defer { depth -= 1 }
        let start = try consume(.kwIf, "`if`").span
        let condition = try expression()
        let then = try block("the `if` branch")
        var otherwise: Block?
        continueLine(onto: .kwElse)
        if match(.kwElse) {
            if check(.kwIf) {
                let nested = try conditional()
                otherwise = Block(statements: [Stmt(.expression(nested), nested.span)], span: nested.span)
            } else {
                otherwise = try block("the `else` branch")
            }
        }
        return Expr(.conditional(condition: condition, then: then, otherwise: otherwise),
                    start.merged(with: otherwise?.span ?? then.span))
    }
}
