import CMCLLang

extension Compiler {
    /// Compiles an expression. `name` names a lambda bound by `let name = fn …`.
    func expression(_ expr: Expr, name: String? = nil) -> Code {
        switch expr.kind {
        case .number(let v):
            let value = Value.number(v)
            return { _, _ in value }
        case .string(let s):
            let value = Value.string(s)
            return { _, _ in value }
        case .bool(let b):
            let value = Value.bool(b)
            return { _, _ in value }
        case .null, .invalid:
            return { _, _ in .null }
        case .identifier(let id):
            return load(id, expr.span)
        case .list(let items):
            let codes = items.map { CodeBox(expression($0)) }
            return { bp, env in .list(ListObject(try codes.map { try $0.code(bp, env) })) }
        case .record(let fields):
            let keys = fields.map(\.key)
            let codes = fields.map { CodeBox(expression($0.value)) }
            return { bp, env in
                let r = RecordObject()
                for (k, c) in zip(keys, codes) { r[k] = try c.code(bp, env) }
                return .record(r)
            }
        case .unary(let op, let operand):
            return unary(op, operand, expr.span)
        case .binary(let op, let lhs, let rhs):
            return binary(op, lhs, rhs, expr.span)
        case .logical(let isAnd, let lhs, let rhs):
            let a = expression(lhs), b = expression(rhs)
            if isAnd {
                return { bp, env in
                    let l = try a(bp, env)
                    return l.isTruthy ? try b(bp, env) : l
                }
            }
            return { bp, env in
                let l = try a(bp, env)
                return l.isTruthy ? l : try b(bp, env)
            }
        case .call(let callee, let arguments):
            return call(callee, arguments, expr.span)
        case .member(let objectExpr, let name, let nameSpan):
            let objectCode = expression(objectExpr)
            unowned(unsafe) let vm = self.vm
            let file = self.file
            return { bp, env in
                let object = try objectCode(bp, env)
                do {
                    return try vm.member(object, name)
                } catch let e as CMCLError {
                    throw Diagnostic(e.diagnosticKind, e.message, file: file, span: nameSpan,
                                     hint: e.hint)
                }
            }
        case .index(let objectExpr, let items):
            let objectCode = expression(objectExpr)
            let itemCodes = indexItems(items)
            unowned(unsafe) let vm = self.vm
            let file = self.file, span = expr.span
            return { bp, env in
                let object = try objectCode(bp, env)
                let index = try itemCodes.map { try $0(bp, env) }
                do {
                    return try vm.index(object, index)
                } catch let e as CMCLError {
                    throw Diagnostic(e.diagnosticKind, e.message, file: file, span: span, hint: e.hint)
                }
            }
        case .function(var decl):
            if decl.name == nil, let name { decl.name = name }
            return function(decl)
        case .conditional(let condition, let then, let otherwise):
            let conditionCode = test(condition)
            let (thenCode, _) = block(then)
            let elseCode = otherwise.map { block($0).0 }
            if let elseCode {
                return { bp, env in
                    try conditionCode(bp, env) ? try thenCode(bp, env) : try elseCode(bp, env)
                }
            }
            return { bp, env in
                try conditionCode(bp, env) ? try thenCode(bp, env) : .null
            }
        case .tryCatch(let body, let name, _, let handler):
            return tryCatch(body, name, handler)
        }
    }

    /// Index positions evaluate to `IndexValue`s.
    func indexItems(_ items: [IndexItem]) -> [(Int, Closure?) throws -> IndexValue] {
        let file = self.file
        return items.map { item in
            switch item {
            case .single(let e):
                let code = expression(e)
                return { bp, env in .single(try code(bp, env)) }
            case .slice(let start, let stop, let step, _):
                let parts = [start, stop, step].map { e in
                    e.map { ($0.span, expression($0)) }
                }
                return { bp, env in
                    func bound(_ part: (Span, Code)?) throws -> Int? {
                        guard let (span, code) = part else { return nil }
                        let v = try code(bp, env)
                        if case .null = v { return nil }
                        guard case .number(let n) = v, n.rounded() == n, abs(n) < 9e15 else {
                            throw Diagnostic(.runtime, "slice bounds must be whole numbers, got \(Display.describe(v))",
                                             file: file, span: span)
                        }
                        return Int(n)
                    }
                    let step = try bound(parts[2])
                    if step == 0 {
                        throw Diagnostic(.runtime, "slice step cannot be zero", file: file,
                                         span: parts[2]?.0 ?? .zero)
                    }
                    return .slice(start: try bound(parts[0]), stop: try bound(parts[1]), step: step)
                }
            }
        }
    }

    func unary(_ op: UnaryOperator, _ operand: Expr, _ span: Span) -> Code {
        let code = expression(operand)
        unowned(unsafe) let vm = self.vm
        let file = self.file
        switch op {
        case .not:
            return { bp, env in .bool(!(try code(bp, env).isTruthy)) }
        case .negate, .plus:
            return { bp, env in
                let v = try code(bp, env)
                if case .number(let n) = v { return .number(op == .negate ? -n : n) }
                do {
                    return try vm.unary(op, v)
                } catch let e as CMCLError {
                    throw Diagnostic(e.diagnosticKind, e.message, file: file, span: span, hint: e.hint)
                }
            }
        }
    }

    func binary(_ op: BinaryOperator, _ lhs: Expr, _ rhs: Expr, _ span: Span) -> Code {
        unowned(unsafe) let vm = self.vm
        let file = self.file
        let slow: (Value, Value) throws -> Value = { l, r in
            do {
                return try vm.binary(op, l, r)
            } catch let e as CMCLError {
                throw Diagnostic(e.diagnosticKind, e.message, file: file, span: span, hint: e.hint)
            }
        }
        switch op {
        case .add, .subtract, .multiply, .divide, .less, .lessEqual, .greater, .greaterEqual:
            return fastBinary(op, lhs, rhs, slow: slow)
        default:
            let a = expression(lhs), b = expression(rhs)
            return { bp, env in
                let l = try a(bp, env), r = try b(bp, env)
                return try slow(l, r)
            }
        }
    }

    // MARK: Calls

    func call(_ calleeExpr: Expr, _ arguments: [Argument], _ span: Span) -> Code {
        let positional = arguments.filter { $0.label == nil }
        let named = arguments.filter { $0.label != nil }
        let argCodes = positional.map { CodeBox(expression($0.value)) }
        let namedCodes = named.map { ($0.label ?? "", expression($0.value)) }
        let site = CallSite(file: file, span: span, positionalSpans: positional.map(\.value.span),
                            named: named.map { ($0.label ?? "", ($0.labelSpan ?? $0.value.span).merged(with: $0.value.span)) })
        unowned(unsafe) let vm = self.vm

        if case .member(let objectExpr, let name, let nameSpan) = calleeExpr.kind {
            let objectCode = expression(objectExpr)
            let methodSite = CallSite(file: file, span: nameSpan.merged(with: span), positionalSpans: site.positionalSpans,
                                      named: site.named)
            return { bp, env in
                let object = try objectCode(bp, env)
                let pos = try argCodes.map { try $0.code(bp, env) }
                let nam = try namedCodes.map { ($0.0, try $0.1(bp, env)) }
                return try vm.callMethod(object, name, pos, nam, site: methodSite, nameSpan: nameSpan)
            }
        }

        let calleeCode: Code
        let calleeName: String
        if case .identifier(let id) = calleeExpr.kind { calleeName = id } else { calleeName = "<expression>" }
        if case .identifier(let id) = calleeExpr.kind, case .global? = resolve(id) {
            checkNamedArguments(of: id, named)
        }
        if case .identifier(let id) = calleeExpr.kind, case .global(let g)? = resolve(id) {
            // Read the global directly: one closure call less per call.
            let globals = vm.globals, defined = vm.defined, file = self.file, span = calleeExpr.span
            calleeCode = { _, _ in
                guard defined[g] else { throw vm.undefinedGlobal(id, g, file: file, span: span, hint: "move its definition above this line") }
                return globals[g]
            }
        } else {
            calleeCode = expression(calleeExpr)
        }
        if namedCodes.isEmpty {
            let boxes = argCodes
            let argCount = boxes.count
            switch argCount {
            case 1:
                let a0 = boxes[0].code
                if case .identifier(let id) = calleeExpr.kind, case .global(let g)? = resolve(id) {
                    // The common `f(x)` with `f` a global: no closure call to fetch the callee.
                    let globals = vm.globals
                    if case .binary(let op, let lhs, let rhs) = positional[0].value.kind, op == .subtract || op == .add,
                       case .local(let i) = operand(lhs), case .constant(let k) = operand(rhs) {
                        // `f(n - 1)`: the argument computed in place, without a closure call.
                        let stack = vm.stack
                        let delta = op == .subtract ? -k : k
                        return { bp, env in
                            if case .closure(let c) = globals[g], c.stackArity == 1, case .number(let x) = stack[bp + i] {
                                return try vm.callFast(c, site: site) { newbp in stack[newbp] = .number(x + delta) }
                            }
                            let callee = try calleeCode(bp, env)
                            return try vm.perform(callee, [try a0(bp, env)], [], site: site, name: calleeName)
                        }
                    }
                    return { bp, env in
                        if case .closure(let c) = globals[g], c.stackArity == 1 {
                            return try vm.callFast(c, site: site) { newbp in
                                vm.stack[newbp] = try a0(bp, env)
                            }
                        }
                        let callee = try calleeCode(bp, env)
                        return try vm.perform(callee, [try a0(bp, env)], [], site: site, name: calleeName)
                    }
                }
                return { bp, env in
                    let callee = try calleeCode(bp, env)
                    if case .closure(let c) = callee, c.stackArity == 1 {
                        return try vm.callFast(c, site: site) { newbp in
                            vm.stack[newbp] = try a0(bp, env)
                        }
                    }
                    return try vm.perform(callee, [try a0(bp, env)], [], site: site, name: calleeName)
                }
            case 2:
                let a0 = boxes[0].code, a1 = boxes[1].code
                return { bp, env in
                    let callee = try calleeCode(bp, env)
                    if case .closure(let c) = callee, c.stackArity == 2 {
                        return try vm.callFast(c, site: site) { newbp in
                            vm.stack[newbp] = try a0(bp, env)
                            vm.stack[newbp + 1] = try a1(bp, env)
                        }
                    }
                    return try vm.perform(callee, [try a0(bp, env), try a1(bp, env)], [], site: site, name: calleeName)
                }
            default:
                return { bp, env in
                    let callee = try calleeCode(bp, env)
                    if case .closure(let c) = callee, c.stackArity == argCount {
                        return try vm.callFast(c, site: site) { newbp in
                            var i = 0
                            while i < argCount {
                                vm.stack[newbp + i] = try boxes[i].code(bp, env)
                                i += 1
                            }
                        }
                    }
                    let pos = try boxes.map { try $0.code(bp, env) }
                    return try vm.perform(callee, pos, [], site: site, name: calleeName)
                }
            }
        }
        return { bp, env in
            let callee = try calleeCode(bp, env)
            let pos = try argCodes.map { try $0.code(bp, env) }
            let nam = try namedCodes.map { ($0.0, try $0.1(bp, env)) }
            return try vm.perform(callee, pos, nam, site: site, name: calleeName)
        }
    }
}

extension Interpreter {
    /// Calls a closure whose locals live on the value stack; `fill` writes the arguments
    /// into the new frame. Arguments are evaluated before the call counts towards the
    /// recursion depth, so `f(f(f(x)))` and long `|>` pipelines are not recursion.
    @inline(__always)
    func callFast(_ c: Closure, site: CallSite, _ fill: (Int) throws -> Void) throws -> Value {
        let st = state
        let newbp = st.pointee.sp
        let size = c.frameSize
        guard newbp + size < Interpreter.stackCapacity else {
            throw Diagnostic(.runtime, "out of stack space calling `\(c.function.name)`", file: site.file, span: site.span)
        }
        st.pointee.sp = newbp + size
        defer {
            var i = newbp
            while i < newbp + size {
                stack[i] = .null
                i += 1
            }
            st.pointee.sp = newbp
        }
        // The arguments are evaluated before the call counts as active: `f(f(x))` is not recursion.
        try fill(newbp)
        guard st.pointee.depth < maxDepth else {
            let e = depthError(c.function.name)
            throw Diagnostic(.runtime, e.message, file: site.file, span: site.span, hint: e.hint)
        }
        if collector.isDue || Interrupt.isRequested {
            do { try safePoint() } catch let e as CMCLError { throw diagnostic(e, site: site, signature: nil, receiverOffset: 0) }
        }
        st.pointee.depth += 1
        defer { st.pointee.depth -= 1 }
        do {
            let result = try c.body(newbp, c)
            if st.pointee.unwind == unwindReturn {
                st.pointee.unwind = 0
                let v = st.pointee.returnValue
                st.pointee.returnValue = .null
                return v
            }
            return result
        } catch var d as Diagnostic {
            d.trace.append(TraceFrame(function: c.function.name, file: site.file, span: site.span))
            throw d
        }
    }
}

/// Source positions of a call, for diagnostics that point at the offending argument.
struct CallSite {
    let file: SourceFile
    let span: Span
    let positionalSpans: [Span]
    let named: [(String, Span)]

    func span(for ref: CMCLError.ArgumentRef?, signature: Signature?, receiverOffset: Int = 0) -> Span {
        switch ref {
        case .position(let i)?:
            let j = i - receiverOffset
            return j >= 0 && j < positionalSpans.count ? positionalSpans[j] : span
        case .label(let label)?:
            if let s = named.first(where: { $0.0 == label }) { return s.1 }
            if let sig = signature, let p = sig.parameters.firstIndex(where: { $0.name == label }) {
                let j = p - receiverOffset
                if j >= 0, j < positionalSpans.count, !sig.parameters[..<p].contains(where: { $0.isVariadic }) {
                    return positionalSpans[j]
                }
            }
            return span
        case nil:
            return span
        }
    }
}
