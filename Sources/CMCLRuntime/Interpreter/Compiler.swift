import CMCLBase
import CMCLLang

/// Lexical scope of one function (or of the top level of a program).
final class FunctionScope {
    let parent: FunctionScope?
    let name: String
    /// The outermost block of a top-level scope binds globals.
    let isTopLevel: Bool
    /// Names that functions nested in this one use: declared here, they live in cells.
    let capturedNames: Set<String>
    var blocks: [[String: Int]] = [[:]]
    var slotCount = 0
    var loopDepth = 0
    /// Slots of this function's variables that live in cells, in declaration order.
    private(set) var cellSlots: [Int] = []
    private var cellSlotSet: Set<Int> = []
    /// Where the creator of a closure of this function finds each captured cell.
    private(set) var captures: [CaptureSource] = []
    /// The variable behind each capture, and the reverse map.
    private(set) var capturedVariables: [Variable] = []
    private var captureIndex: [Variable: Int] = [:]

    init(parent: FunctionScope?, name: String, isTopLevel: Bool, capturedNames: Set<String>) {
        self.parent = parent
        self.name = name
        self.isTopLevel = isTopLevel
        self.capturedNames = capturedNames
    }

    var bindsGlobals: Bool { isTopLevel && blocks.count == 1 }

    func declareLocal(_ name: String) -> Int {
        if let slot = blocks[blocks.count - 1][name] { return slot }
        let slot = slotCount
        slotCount += 1
        blocks[blocks.count - 1][name] = slot
        if capturedNames.contains(name) {
            cellSlots.append(slot)
            cellSlotSet.insert(slot)
        }
        return slot
    }

    func isCell(_ slot: Int) -> Bool { cellSlotSet.contains(slot) }

    /// The capture index of `variable` (of an enclosing function), adding it if new.
    func capture(_ variable: Variable, from source: CaptureSource) -> Int {
        if let i = captureIndex[variable] { return i }
        let i = captures.count
        captures.append(source)
        capturedVariables.append(variable)
        captureIndex[variable] = i
        return i
    }

    var visibleNames: [String] { blocks.flatMap { $0.keys } }

    /// One variable: a slot of one function's frame.
    struct Variable: Hashable {
        let scope: ObjectIdentifier
        let slot: Int
    }
}

/// Where a closure's creator finds a cell the closure captures.
enum CaptureSource {
    /// A variable of the creating function (its cell in the creator's frame).
    case cell(Int)
    /// A variable the creating function itself captured.
    case capture(Int)
}

/// Where a name lives.
enum Resolved {
    /// A local on the value stack.
    case stack(Int)
    /// A local that closures capture: its cell is in the frame's cell slot.
    case cell(Int)
    /// A variable of an enclosing function: the running closure's capture.
    case capture(Int)
    case global(Int)
}

/// Compiles syntax trees into closures ("closure compilation"): names are resolved to
/// slots once, so running code does no dictionary look-ups. Name errors are found here,
/// before anything runs, which is what `cmcl check` reports.
///
/// Compiled code refers to its interpreter without owning it (`unowned(unsafe)`, here and in
/// every local copy that code captures): the interpreter owns the code through its globals,
/// modules and values, so an owning reference would make each session a cycle that is never
/// freed. Code runs only inside its interpreter's `run` or `call`, while the host holds it.
final class Compiler {
    unowned(unsafe) let vm: Interpreter
    let file: SourceFile
    var scope: FunctionScope
    var diagnostics: [Diagnostic] = []
    /// The `fn` statements of the function bodies being compiled, innermost last.
    var hoistedFunctions: [[CodeBox]] = []
    /// Names the program binds at its top level (they may shadow builtins).
    var topLevelNames = Set<String>()

    init(vm: Interpreter, file: SourceFile, scope: FunctionScope) {
        self.vm = vm
        self.file = file
        self.scope = scope
    }

    static let tooManyGlobals = "too many global variables"
    static let globalsHint = "a session holds at most \(Interpreter.globalCapacity) top-level names; keep many values in a list or a record"

    func error(_ kind: Diagnostic.Kind, _ message: String, _ span: Span, hint: String? = nil) {
        // `x += 1` reads and writes `x`: report an unknown name there once.
        if diagnostics.contains(where: { $0.message == message && $0.span == span && $0.file?.name == file.name }) { return }
        // Past the last global slot every further `let` would fail the same way: say it once.
        if message == Compiler.tooManyGlobals, diagnostics.contains(where: { $0.message == message }) { return }
        diagnostics.append(Diagnostic(kind, message, file: file, span: span, hint: hint))
    }

    /// A compiled top-level program: its statements and the frame they need.
    struct Unit {
        var statements: [CodeBox]
        var frameSize: Int
        /// Slots of top-level variables in inner blocks that closures capture.
        var cellSlots: [Int]
    }

    /// Compiles a program's statements in the global scope.
    static func compileProgram(_ program: Program, vm: Interpreter) -> (Unit, [Diagnostic]) {
        let scope = FunctionScope(parent: nil, name: "<top level>", isTopLevel: true,
                                  capturedNames: CaptureScan.names(program.statements))
        let compiler = Compiler(vm: vm, file: program.file, scope: scope)
        compiler.hoistGlobals(program.statements)
        let codes = compiler.statementsInOrder(program.statements)
        return (Unit(statements: codes, frameSize: scope.slotCount, cellSlots: scope.cellSlots), compiler.diagnostics)
    }

    /// Declares every top-level `let` and `fn` so that functions may refer to globals
    /// defined further down the file.
    func hoistGlobals(_ statements: [Stmt]) {
        for stmt in statements {
            switch stmt.kind {
            case .letBinding(let name, _, _): topLevelNames.insert(name)
            case .function(let decl): if let name = decl.name { topLevelNames.insert(name) }
            case .assignment(let target, _): if case .identifier(let name) = target.kind { topLevelNames.insert(name) }
            default: break
            }
            switch stmt.kind {
            case .letBinding(let name, let span, _):
                if vm.globalSlot(name) == nil { error(.runtime, Compiler.tooManyGlobals, span, hint: Compiler.globalsHint) }
            case .function(let decl):
                if let name = decl.name, vm.globalSlot(name) == nil {
                    error(.runtime, Compiler.tooManyGlobals, decl.span, hint: Compiler.globalsHint)
                }
            default: break
            }
        }
    }

    // MARK: Names

    func resolve(_ name: String) -> Resolved? { resolve(name, in: scope) }

    /// Resolves `name` as seen from `sc`; a variable of an enclosing function becomes a
    /// capture of `sc` (and of every function in between).
    func resolve(_ name: String, in sc: FunctionScope) -> Resolved? {
        let blocks = sc.isTopLevel ? sc.blocks.dropFirst() : sc.blocks[...]
        for block in blocks.reversed() {
            if let slot = block[name] { return sc.isCell(slot) ? .cell(slot) : .stack(slot) }
        }
        guard let parent = sc.parent else { return vm.globalNames[name].map { .global($0) } }
        guard let outer = resolve(name, in: parent) else { return nil }
        switch outer {
        case .global:
            return outer
        case .cell(let slot):
            return .capture(sc.capture(FunctionScope.Variable(scope: ObjectIdentifier(parent), slot: slot), from: .cell(slot)))
        case .capture(let i):
            return .capture(sc.capture(parent.capturedVariables[i], from: .capture(i)))
        case .stack:
            // CaptureScan marks every name a nested function uses; this is a compiler bug.
            return nil
        }
    }

    func visibleNames() -> [String] {
        var names: [String] = []
        var s: FunctionScope? = scope
        while let sc = s {
            names += sc.visibleNames
            s = sc.parent
        }
        return names + vm.globalOrder
    }

    /// A call of a builtin by its global name with a named argument it does not take is a
    /// name error found before anything runs (`cmcl check` reports it), unless the program
    /// binds that name itself.
    func checkNamedArguments(of name: String, _ named: [Argument]) {
        guard !named.isEmpty, !topLevelNames.contains(name), case .builtin(let bound)? = vm.global(name), bound.receiver == nil,
              vm.registry.lookup(name) === bound.builtin else { return }
        let params = bound.builtin.signature.parameters
        if params.contains(where: { $0.collectsNamed }) { return }
        let names = params.filter { !$0.isVariadic && !$0.collectsNamed && $0.name != "self" }.map(\.name)
        for argument in named {
            guard let label = argument.label, !names.contains(label) else { continue }
            error(.name, "`\(name)` has no parameter `\(label)`", (argument.labelSpan ?? argument.value.span).merged(with: argument.value.span),
                  hint: Suggestion.hint(for: label, in: names) ?? "signature: \(bound.builtin.signature.text)")
        }
    }

    func unknownName(_ name: String, _ span: Span) {
        var hint: String?
        if ["True", "False", "None", "null", "NULL", "undefined"].contains(name) {
            hint = "cmcl spells these `true`, `false` and `nil`"
        } else if let method = vm.registry.methods(named: name).first, let type = method.receiverType {
            // `save(m, path)`: a method called as a function.
            let rest = method.signature.parameters.dropFirst().filter { $0.defaultValue == nil }.map(\.name)
            hint = "`\(name)` is a method of \(type): call it on the value, `\(type.lowercased().prefix(1)).\(name)(\(rest.joined(separator: ", ")))` (`:help \(method.name)`)"
        } else {
            hint = Suggestion.hint(for: name, in: visibleNames())
        }
        error(.name, "name `\(name)` is not defined", span, hint: hint ?? "define it first with `let \(name) = …`")
    }

    // MARK: Statements

    /// Compiles statements in source order (so a function sees the variables declared above
    /// it) and returns them with the `fn` declarations first: their closures exist before the
    /// block's other statements run, so functions in a block can call each other.
    func statementsInOrder(_ statements: [Stmt]) -> [CodeBox] {
        declareFunctionNames(statements)
        var hoisted: [CodeBox] = []
        var rest: [CodeBox] = []
        for stmt in statements {
            if case .function = stmt.kind { hoisted.append(CodeBox(statement(stmt))) } else { rest.append(CodeBox(statement(stmt))) }
        }
        return hoisted + rest
    }

    /// Declares the names of a block's `fn` statements before anything in it is compiled.
    func declareFunctionNames(_ statements: [Stmt]) {
        guard !scope.bindsGlobals else { return }
        for stmt in statements {
            if case .function(let decl) = stmt.kind, let name = decl.name { _ = scope.declareLocal(name) }
        }
    }

    func block(_ block: Block, declaring names: [String] = []) -> (Code, [Int]) {
        scope.blocks.append([:])
        defer { scope.blocks.removeLast() }
        let slots = names.map { scope.declareLocal($0) }
        return (sequence(statementsInOrder(block.statements)), slots)
    }

    func sequence(_ codes: [CodeBox]) -> Code {
        let st = vm.state
        switch codes.count {
        case 0: return { _, _ in .null }
        case 1: return codes[0].code
        case 2:
            let a = codes[0].code, b = codes[1].code
            return { bp, env in
                let first = try a(bp, env)
                if st.pointee.unwind != 0 { return first }
                return try b(bp, env)
            }
        case 3:
            let a = codes[0].code, b = codes[1].code, c = codes[2].code
            return { bp, env in
                let first = try a(bp, env)
                if st.pointee.unwind != 0 { return first }
                let second = try b(bp, env)
                if st.pointee.unwind != 0 { return second }
                return try c(bp, env)
            }
        default:
            return { bp, env in
                var last = Value.null
                for box in codes {
                    last = try box.code(bp, env)
                    if st.pointee.unwind != 0 { return last }
                }
                return last
            }
        }
    }

    func statement(_ stmt: Stmt) -> Code {
        switch stmt.kind {
        case .expression(let expr):
            return expression(expr)
        case .letBinding(let name, let nameSpan, let value):
            let valueCode = expression(value, name: name)
            return store(name, nameSpan, valueCode, declaring: true)
        case .function(let decl):
            let closure = function(decl)
            return store(decl.name ?? "<fn>", decl.nameSpan ?? decl.span, closure, declaring: true)
        case .assignment(let target, let value):
            return assignment(target, value)
        case .forLoop(let variable, let variableSpan, let iterable, let body):
            return forLoop(variable, variableSpan, iterable, body)
        case .whileLoop(let condition, let body):
            return whileLoop(condition, body)
        case .breakLoop, .continueLoop:
            let isBreak: Bool
            if case .breakLoop = stmt.kind { isBreak = true } else { isBreak = false }
            if scope.loopDepth == 0 {
                error(.syntax, "`\(isBreak ? "break" : "continue")` outside a loop", stmt.span)
            }
            let st = vm.state
            let code = isBreak ? unwindBreak : unwindContinue
            return { _, _ in
                st.pointee.unwind = code
                return .null
            }
        case .returnValue(let value):
            if scope.isTopLevel {
                error(.syntax, "`return` outside a function", stmt.span,
                      hint: "a script's last expression is its value; use `return` inside `fn`")
            }
            let valueCode: Code
            if let value { valueCode = expression(value) } else { valueCode = { _, _ in .null } }
            let st = vm.state
            return { bp, env in
                let v = try valueCode(bp, env)
                st.pointee.returnValue = v
                st.pointee.unwind = unwindReturn
                return .null
            }
        case .importModule(let path, let pathSpan):
            return importModule(path, pathSpan)
        }
    }

    /// Stores into a name; `declaring` creates it in the current scope (`let`, `fn`).
    func store(_ name: String, _ span: Span, _ valueCode: @escaping Code, declaring: Bool) -> Code {
        let target: Resolved
        if declaring {
            if scope.bindsGlobals {
                guard let g = vm.globalSlot(name) else {
                    error(.runtime, Compiler.tooManyGlobals, span, hint: Compiler.globalsHint)
                    return { _, _ in .null }
                }
                target = .global(g)
            } else {
                let slot = scope.declareLocal(name)
                target = scope.isCell(slot) ? .cell(slot) : .stack(slot)
            }
        } else {
            guard let r = resolve(name) else {
                unknownName(name, span)
                return { _, _ in .null }
            }
            target = r
        }
        let stack = vm.stack, cells = vm.cells, globals = vm.globals, defined = vm.defined
        switch target {
        case .stack(let slot):
            return { bp, env in
                stack[bp + slot] = try valueCode(bp, env)
                return .null
            }
        case .cell(let slot):
            return { bp, env in
                let v = try valueCode(bp, env)
                if let cell = cells[bp + slot] { cell.value = v } else { cells[bp + slot] = Cell(v) }
                return .null
            }
        case .capture(let i):
            return { bp, env in
                let v = try valueCode(bp, env)
                env?.capture(i)?.value = v
                return .null
            }
        case .global(let g) where declaring:
            let line = file.line(of: span.start), fileName = file.name
            unowned(unsafe) let vm = self.vm
            return { bp, env in
                do {
                    globals[g] = try valueCode(bp, env)
                } catch {
                    let cancelled = (error as? Diagnostic)?.kind == .interrupted || (error as? CMCLError)?.isInterruption == true
                    if cancelled, let partial = vm.interruptedPartial {
                        vm.interruptedPartial = nil
                        globals[g] = partial
                        defined[g] = true
                    } else {
                        vm.failedDefinitions[g] = (fileName, line, cancelled)
                    }
                    throw error
                }
                defined[g] = true
                return .null
            }
        case .global(let g):
            return { bp, env in
                globals[g] = try valueCode(bp, env)
                defined[g] = true
                return .null
            }
        }
    }

    func load(_ name: String, _ span: Span) -> Code {
        guard let r = resolve(name) else {
            unknownName(name, span)
            return { _, _ in .null }
        }
        let stack = vm.stack, cells = vm.cells, globals = vm.globals, defined = vm.defined
        let file = self.file
        unowned(unsafe) let vm = self.vm
        switch r {
        case .stack(let slot):
            return { bp, _ in stack[bp + slot] }
        case .cell(let slot):
            return { bp, _ in cells[bp + slot]?.value ?? .null }
        case .capture(let i):
            return { _, env in env?.capture(i)?.value ?? .null }
        case .global(let g):
            return { _, _ in
                guard defined[g] else { throw vm.undefinedGlobal(name, g, file: file, span: span, hint: "move its `let` above this line") }
                return globals[g]
            }
        }
    }

    func assignment(_ target: Expr, _ value: Expr) -> Code {
        switch target.kind {
        case .identifier(let name):
            return store(name, target.span, expression(value), declaring: false)
        case .member(let objectExpr, let name, let nameSpan):
            let objectCode = expression(objectExpr), valueCode = expression(value)
            let file = self.file
            return { bp, env in
                let object = try objectCode(bp, env)
                let v = try valueCode(bp, env)
                guard case .record(let r) = object else {
                    throw Diagnostic(.runtime, "cannot set field `\(name)` on \(Display.describe(object))", file: file,
                                     span: nameSpan, hint: "only records have assignable fields")
                }
                r[name] = v
                return .null
            }
        case .index(let objectExpr, let items):
            let objectCode = expression(objectExpr), valueCode = expression(value)
            let itemCodes = indexItems(items)
            unowned(unsafe) let vm = self.vm
            let file = self.file, span = target.span
            return { bp, env in
                let object = try objectCode(bp, env)
                let index = try itemCodes.map { try $0(bp, env) }
                let v = try valueCode(bp, env)
                do {
                    try vm.setIndex(object, index, v)
                } catch let e as CMCLError {
                    throw Diagnostic(e.diagnosticKind, e.message, file: file, span: span, hint: e.hint)
                }
                return .null
            }
        default:
            error(.syntax, "cannot assign to this expression", target.span)
            return { _, _ in .null }
        }
    }

    func whileLoop(_ condition: Expr, _ body: Block) -> Code {
        let conditionCode = expression(condition)
        scope.loopDepth += 1
        let (bodyCode, _) = block(body)
        scope.loopDepth -= 1
        let st = vm.state, file = self.file, span = condition.span, collector = vm.collector
        return { bp, env in
            while true {
                if collector.isDue || Interrupt.isRequested {
                    if collector.isDue { collector.collect() }
                    if Interrupt.isRequested { throw Diagnostic(.interrupted, "stopped by Ctrl-C", file: file, span: span) }
                }
                guard try conditionCode(bp, env).isTruthy else { break }
                _ = try bodyCode(bp, env)
                let u = st.pointee.unwind
                if u != 0 {
                    if u == unwindReturn { return .null }
                    st.pointee.unwind = 0
                    if u == unwindBreak { break }
                }
            }
            return .null
        }
    }

    func forLoop(_ variable: String, _ variableSpan: Span, _ iterable: Expr, _ body: Block) -> Code {
        let iterableCode = expression(iterable)
        scope.loopDepth += 1
        let (bodyCode, slots) = block(body, declaring: [variable])
        scope.loopDepth -= 1
        let slot = slots[0]
        let boxed = scope.isCell(slot)
        let st = vm.state, stack = vm.stack, cells = vm.cells, file = self.file, span = iterable.span
        unowned(unsafe) let vm = self.vm
        let collector = vm.collector
        return { bp, env in
            let sequence = try iterableCode(bp, env)
            let count: Int
            let element: (Int) -> Value
            switch sequence {
            case .object(let o as RangeObject):
                count = o.count
                element = { .number(o.element($0)) }
            default:
                let items: [Value]
                do {
                    items = try vm.elements(of: sequence)
                } catch let e as CMCLError {
                    throw Diagnostic(e.diagnosticKind, e.message, file: file, span: span, hint: e.hint)
                }
                count = items.count
                element = { items[$0] }
            }
            var i = 0
            while i < count {
                if collector.isDue || Interrupt.isRequested {
                    if collector.isDue { collector.collect() }
                    if Interrupt.isRequested { throw Diagnostic(.interrupted, "stopped by Ctrl-C", file: file, span: span) }
                }
                if !boxed {
                    stack[bp + slot] = element(i)
                } else if let cell = cells[bp + slot] {
                    cell.value = element(i)  // one variable for the whole loop, as documented
                } else {
                    cells[bp + slot] = Cell(element(i))
                }
                i += 1
                _ = try bodyCode(bp, env)
                let u = st.pointee.unwind
                if u != 0 {
                    if u == unwindReturn { return .null }
                    st.pointee.unwind = 0
                    if u == unwindBreak { break }
                }
            }
            return .null
        }
    }

    func importModule(_ path: String, _ span: Span) -> Code {
        do {
            guard let module = try vm.loader.resolve(path, from: file) else {
                return { _, _ in .null }  // already imported
            }
            let (program, parseDiagnostics) = Parser.parse(module)
            if !parseDiagnostics.isEmpty {
                diagnostics += parseDiagnostics
                return { _, _ in .null }
            }
            let (unit, diags) = Compiler.compileProgram(program, vm: vm)
            diagnostics += diags
            unowned(unsafe) let vm = self.vm
            return { _, _ in
                _ = try vm.execute(unit)
                return .null
            }
        } catch let e as CMCLError {
            error(.name, e.message, span, hint: e.hint)
            return { _, _ in .null }
        } catch {
            self.error(.name, "cannot import \"\(path)\": \(error)", span)
            return { _, _ in .null }
        }
    }

    // MARK: Functions

    func function(_ decl: FunctionDecl) -> Code {
        let name = decl.name ?? "<lambda>"
        let outer = scope
        let inner = FunctionScope(parent: outer, name: name, isTopLevel: false,
                                  capturedNames: CaptureScan.names(decl.body.statements, parameters: decl.parameters))
        scope = inner
        var defaults: [CodeBox?] = []
        for p in decl.parameters {
            defaults.append(p.defaultValue.map { CodeBox(expression($0)) })
            _ = inner.declareLocal(p.name)
        }
        let bodyCode = functionBody(decl.body.statements)
        scope = outer
        let capturedParameters = decl.parameters.indices.map { inner.isCell($0) }
        let compiled = CompiledFunction(name: name, parameters: decl.parameters.map(\.name), defaults: defaults,
                                        frameSize: max(inner.slotCount, decl.parameters.count), cellSlots: inner.cellSlots,
                                        capturedParameters: capturedParameters, body: bodyCode, file: file, span: decl.span)
        let sources = inner.captures
        if sources.isEmpty {
            return { _, _ in .closure(Closure(function: compiled, captures: [])) }
        }
        let cells = vm.cells
        return { bp, env in
            var captured = ContiguousArray<Cell>()
            captured.reserveCapacity(sources.count)
            for source in sources {
                switch source {
                case .cell(let slot):
                    if let cell = cells[bp + slot] {
                        captured.append(cell)
                    } else {
                        // A function declared above the variable's `let` (functions are made first).
                        let cell = Cell(.null)
                        cells[bp + slot] = cell
                        captured.append(cell)
                    }
                case .capture(let i):
                    captured.append(env?.capture(i) ?? Cell(.null))
                }
            }
            return .closure(Closure(function: compiled, captures: captured))
        }
    }
}

/// Compiled code stored in a collection. Keeping closures inside a concrete struct avoids
/// the reabstraction thunks Swift adds to closures stored directly in generic containers.
struct CodeBox {
    let code: Code
    init(_ code: @escaping Code) { self.code = code }
}
