import CMCLBase
import CMCLLang
import CMCLTensor
import Foundation
import Synchronization

/// Compiled code: evaluates with a frame base `bp` into the value stack and the running
/// closure, whose `captures` hold the variables of enclosing functions it uses.
typealias Code = (Int, Closure?) throws -> Value

/// A function after compilation.
final class CompiledFunction {
    let name: String
    let parameters: [String]
    var defaults: [CodeBox?]
    let frameSize: Int
    /// Frame slots of variables that closures capture (they live in cells); empty for most functions.
    let cellSlots: [Int]
    /// Whether each parameter is captured (and so moved into a cell on entry).
    let capturedParameters: [Bool]
    var body: Code
    let file: SourceFile
    let span: Span

    init(name: String, parameters: [String], defaults: [CodeBox?], frameSize: Int, cellSlots: [Int],
         capturedParameters: [Bool], body: @escaping Code, file: SourceFile, span: Span) {
        self.name = name
        self.parameters = parameters
        self.defaults = defaults
        self.frameSize = frameSize
        self.cellSlots = cellSlots
        self.capturedParameters = capturedParameters
        self.body = body
        self.file = file
        self.span = span
    }
}

/// A cmcl function value: compiled code plus the cells of the variables it captures
/// (flat closures: only the variables the function uses, never a whole environment).
public final class Closure: Container {
    let function: CompiledFunction
    private(set) var captures: ContiguousArray<Cell>
    // Copied from `function` so that calls read them without another indirection.
    let body: Code
    let frameSize: Int
    /// Parameter count when a call only needs to write the arguments into the frame (no
    /// captured parameters or variables), else -1.
    let stackArity: Int
    init(function: CompiledFunction, captures: ContiguousArray<Cell>) {
        self.function = function
        self.captures = captures
        body = function.body
        frameSize = function.frameSize
        stackArity = function.cellSlots.isEmpty ? function.parameters.count : -1
        super.init()
    }
    public var name: String { function.name }
    public var parameterNames: [String] { function.parameters }
    /// The function's source text (its declaration or lambda), e.g. to notice that it was edited.
    public var sourceText: String { function.file.text(of: function.span) }

    /// The value of captured variable `i`.
    @inline(__always)
    func capture(_ i: Int) -> Cell? { i < captures.count ? captures[i] : nil }

    override func makeBuffersUnique() {
        if !captures.isEmpty { captures.reserveCapacity(captures.count) }
    }

    override func forEachChild(_ body: (Container) -> Void) {
        for c in captures { body(c) }
    }
    // Every cycle through a closure passes through one of its cells, and clearing cells
    // breaks it: the closure itself stays intact.
}

/// Ctrl-C: set from a signal handler, checked by loops, calls and long builtins.
public enum Interrupt {
    static let flag = Atomic<Bool>(false)
    static let count = Atomic<Int>(0)
    public static func request() {
        count.add(1, ordering: .relaxed)
        flag.store(true, ordering: .relaxed)
    }
    /// How many times Ctrl-C was pressed so far: lets a caller notice an interruption that
    /// an inner operation (a training run that stopped early) already handled and cleared.
    public static var requests: Int { count.load(ordering: .relaxed) }
    public static func clear() { flag.store(false, ordering: .relaxed) }
    public static var isRequested: Bool { flag.load(ordering: .relaxed) }
    /// Throws an interruption diagnostic if Ctrl-C was pressed (for long builtins).
    public static func check() throws {
        if flag.load(ordering: .relaxed) { throw CMCLError.interrupted }
    }
    /// `check()` every 65,536 steps of a long loop (`step` counts them).
    @inline(__always)
    public static func poll(_ step: Int) throws {
        if step & 0xFFFF == 0 { try check() }
    }
}

extension CMCLError {
    static let interruptedMessage = "stopped by Ctrl-C"
    public static var interrupted: CMCLError {
        CMCLError(interruptedMessage, kind: .interrupted)
    }
}

/// Mutable interpreter state that compiled code reads on hot paths, kept behind a pointer
/// so that reads need no exclusivity checks.
struct MachineState {
    var sp = 0
    var depth = 0
    /// 0: running, 1: break, 2: continue, 3: return.
    var unwind = 0
    var returnValue: Value = .null
}

let unwindBreak = 1, unwindContinue = 2, unwindReturn = 3

/// Runs cmcl programs. One interpreter is one session: its globals persist across `run`
/// calls (REPL cells, `:load`, imports). The interpreter never prints: output goes to the
/// `output` sink the host provides.
public final class Interpreter {
    public let registry: BuiltinRegistry
    /// Where `print` and friends write; the host decides (terminal, golden capture, notebook).
    public var output: (String) -> Void
    /// Whether output goes to a terminal.
    public var outputIsTerminal = false
    /// Where `eprint`, warnings and progress lines go (standard error for scripts), so that a
    /// script's standard output holds only its results.
    public var errorOutput: (String) -> Void = { text in
        // write(2), not FileHandle: a full or closed standard error must not trap.
        var text = text
        text.withUTF8 { if let base = $0.baseAddress { _ = write(2, base, $0.count) } }
    }
    /// Whether `errorOutput` is a terminal (progress lines then update in place).
    public var errorIsTerminal = false
    /// Where progress lines (`fit`, `ablation_curve`) are drawn in place when the host keeps
    /// them out of the output (`cmcl notebook` on a terminal: stderr, not the document).
    public var progressOutput: ((String) -> Void)?
    /// Seconds between progress lines when they cannot be drawn in place (a script whose
    /// standard error is a file or a pipe): `fit` and `ablation_curve` then write a line this
    /// often, so a long run is not silent. Nil: a line per evaluation only (notebooks, goldens).
    public var progressEvery: Double?
    /// When set (notebook export, the REPL's record for `:export`), `print` hands values with a
    /// graphical form (plots) here instead of writing their text.
    public var richOutput: ((any RichDisplay) -> Void)?
    /// The session's precision for matrix products: what `fit`, `evaluate`, `predict` and
    /// `ablation_curve` use when a call gives no `precision:` (the REPL's `:precision`; `experiment`
    /// sets it while its runs run). Each call hands it to its forward contexts; nothing else reads it.
    public var precision: Precision = .fp32
    /// Arguments after the script name (`args`).
    public var scriptArguments: [String] = [] {
        didSet { defineGlobal("args", .list(scriptArguments.map { .string($0) })) }
    }

    static let stackCapacity = 1 << 18
    static let globalCapacity = 1 << 16
    /// Maximum nesting of cmcl calls before "maximum recursion depth exceeded".
    public let maxDepth = 10_000
    /// The session's random generator: `rand`, `randn`, `dropout`, `init` and models built without
    /// `seed:` draw from it. `seed(n)` reseeds it; a new session and `:reset` start a fresh one
    /// (seed 0), so a notebook's results do not depend on what ran before it in the process.
    public private(set) var random = Generator(seed: 0)

    let stack: UnsafeMutablePointer<Value>
    /// Cells of captured variables, parallel to `stack` (nil for variables no closure captures).
    let cells: UnsafeMutablePointer<Cell?>
    /// Finds and breaks unreachable reference cycles among this session's values.
    public let collector = CycleCollector()
    /// The files and directories this session wrote: the only ones its writes may replace
    /// without `force: true` (`WritePolicy`, docs/files.md).
    public let writes = WriteLedger()
    let globals: UnsafeMutablePointer<Value>
    let defined: UnsafeMutablePointer<Bool>
    let state: UnsafeMutablePointer<MachineState>
    /// Globals whose `let` failed or was cancelled (file name, line, whether cancelled), so that
    /// a later use says why the name has no value instead of asking to move its `let`.
    var failedDefinitions: [Int: (file: String, line: Int, cancelled: Bool)] = [:]
    /// What an interrupted builtin called from the top level kept (the History of a `fit`
    /// stopped by Ctrl-C): the `let` it is the value of binds it before the interruption
    /// propagates. Cleared before each top-level statement.
    var interruptedPartial: Value?
    /// The collapses to one class that `fit` (its last evaluation) and `evaluate` warned of in
    /// this session, oldest first (`all 200 predictions are class 1; macro-F1 0.33`):
    /// `experiment` marks the runs during which one was found.
    var collapses: [String] = []
    /// Whether code runs at the top level of a file or cell (not inside a function call).
    var isAtTopLevel: Bool { state.pointee.depth == 0 }
    var globalNames: [String: Int] = [:]
    var globalOrder: [String] = []
    let loader: ModuleLoader

    public init(registry: BuiltinRegistry = .standard(), output: @escaping (String) -> Void = { _ in }) {
        self.registry = registry
        self.output = output
        stack = .allocate(capacity: Interpreter.stackCapacity)
        stack.initialize(repeating: .null, count: Interpreter.stackCapacity)
        cells = .allocate(capacity: Interpreter.stackCapacity)
        cells.initialize(repeating: nil, count: Interpreter.stackCapacity)
        globals = .allocate(capacity: Interpreter.globalCapacity)
        globals.initialize(repeating: .null, count: Interpreter.globalCapacity)
        defined = .allocate(capacity: Interpreter.globalCapacity)
        defined.initialize(repeating: false, count: Interpreter.globalCapacity)
        state = .allocate(capacity: 1)
        state.initialize(to: MachineState())
        loader = ModuleLoader()
        for builtin in registry.globals {
            defineGlobal(builtin.name, .builtin(BoundBuiltin(builtin)))
        }
        defineGlobal("args", .list([]))
        defineNamespaces()
    }

    /// Globals that are values rather than functions: `synth`, and the task losses.
    func defineNamespaces() {
        defineGlobal("synth", .object(SynthNamespace()))
        defineGlobal("ce", .object(LossValue.task("ce", .classification)))
        defineGlobal("mse_loss", .object(LossValue.task("mse", .regression)))
        defineGlobal("span_ce", .object(LossValue.task("span_ce", .span)))
    }

    deinit {
        stack.deinitialize(count: Interpreter.stackCapacity)
        stack.deallocate()
        cells.deinitialize(count: Interpreter.stackCapacity)
        cells.deallocate()
        globals.deinitialize(count: Interpreter.globalCapacity)
        globals.deallocate()
        defined.deallocate()
        state.deinitialize(count: 1)
        state.deallocate()
        // Cycles the program left behind (a record holding itself, a closure in a list it
        // captures) are unreachable now that the globals and stacks are gone: free them too.
        collector.collect()
    }

    // MARK: Globals

    func globalSlot(_ name: String) -> Int? {
        if let i = globalNames[name] { return i }
        guard globalOrder.count < Interpreter.globalCapacity else { return nil }
        let i = globalOrder.count
        globalNames[name] = i
        globalOrder.append(name)
        return i
    }

    /// Binds a global name (used for `args`, `_`, `_3` and by hosts).
    public func defineGlobal(_ name: String, _ value: Value) {
        guard let i = globalSlot(name) else { return }
        globals[i] = value
        defined[i] = true
    }

    /// The error for reading global `g` (`name`) before it has a value: its `let` failed or was
    /// cancelled, or has not run yet.
    func undefinedGlobal(_ name: String, _ g: Int, file: SourceFile, span: Span, hint: String) -> Diagnostic {
        guard let failed = failedDefinitions[g] else {
            return Diagnostic(.runtime, "`\(name)` is used before it is defined", file: file, span: span, hint: hint)
        }
        let place: String
        if failed.file.hasPrefix("<repl:"), failed.file.hasSuffix(">") {
            place = "In [\(failed.file.dropFirst(6).dropLast())]"   // a REPL cell
        } else {
            place = failed.file == file.name ? "line \(failed.line)" : "\(failed.file):\(failed.line)"
        }
        return Diagnostic(.runtime, "`\(name)` is undefined because the cell at \(place) \(failed.cancelled ? "was cancelled" : "failed")",
                          file: file, span: span, hint: "run that cell again")
    }

    /// The value of a global, if defined.
    public func global(_ name: String) -> Value? {
        guard let i = globalNames[name], defined[i] else { return nil }
        return globals[i]
    }

    /// Names of all defined globals, in definition order.
    public var globalNamesDefined: [String] { globalOrder.filter { globalNames[$0].map { defined[$0] } ?? false } }

    /// Globals the user defined (not builtins), in definition order.
    public var userGlobals: [(String, Value)] {
        globalOrder.compactMap { name in
            guard let i = globalNames[name], defined[i] else { return nil }
            if case .builtin(let b) = globals[i], b.receiver == nil, registry.lookup(name) === b.builtin { return nil }
            if ["args", "synth", "ce", "mse_loss", "span_ce"].contains(name) { return nil }
            return (name, globals[i])
        }
    }

    /// Forgets every user binding (`:reset`).
    public func reset() {
        for i in 0..<globalOrder.count {
            globals[i] = .null
            defined[i] = false
        }
        globalNames = [:]
        globalOrder = []
        loader.reset()
        random = Generator(seed: 0)
        for builtin in registry.globals {
            defineGlobal(builtin.name, .builtin(BoundBuiltin(builtin)))
        }
        defineGlobal("args", .list(scriptArguments.map { .string($0) }))
        defineNamespaces()
    }

    // MARK: Calls

    /// Calls any callable value with evaluated arguments (from builtins such as `map`).
    public func call(_ callee: Value, _ positional: [Value], named: [(String, Value)] = []) throws -> Value {
        // Callbacks of `map`, `filter`, `sorted`, `reduce`, … stop at Ctrl-C, builtins too.
        try Interrupt.check()
        switch callee {
        case .closure(let c):
            return try callClosure(c, positional, named: named)
        case .builtin(let b):
            var args = positional
            if let receiver = b.receiver { args.insert(receiver, at: 0) }
            return try invoke(b.builtin, args, named: named)
        case .object(let o):
            let bound = try bind(Signature.variadicCall, positional, named: [])
            var call = bound
            call.options = named
            if let result = try o.call(call) { return result }
            throw CMCLError("a \(o.typeName) cannot be called")
        default:
            throw CMCLError("\(Display.describe(callee)) is not a function",
                            hint: "only functions, builtins and models can be called")
        }
    }

    /// Calls a closure with evaluated arguments.
    func callClosure(_ c: Closure, _ positional: [Value], named: [(String, Value)]) throws -> Value {
        let fn = c.function
        let values = try bindClosureArguments(fn, positional, named: named)
        return try enter(c, values)
    }

    /// Matches positional and named arguments to a closure's parameters; missing ones with
    /// defaults are left nil and filled in the callee's frame.
    func bindClosureArguments(_ fn: CompiledFunction, _ positional: [Value], named: [(String, Value)]) throws -> [Value?] {
        var values = [Value?](repeating: nil, count: fn.parameters.count)
        if positional.count > fn.parameters.count {
            throw CMCLError("`\(fn.name)` takes \(fn.parameters.count) argument\(fn.parameters.count == 1 ? "" : "s") but \(positional.count) were given",
                            argument: .position(fn.parameters.count))
        }
        for (i, v) in positional.enumerated() { values[i] = v }
        for (label, v) in named {
            guard let i = fn.parameters.firstIndex(of: label) else {
                throw CMCLError("`\(fn.name)` has no parameter `\(label)`",
                                hint: Suggestion.hint(for: label, in: fn.parameters), argument: .label(label), kind: .name)
            }
            if values[i] != nil {
                throw CMCLError("argument `\(label)` of `\(fn.name)` is given twice", argument: .label(label))
            }
            values[i] = v
        }
        for (i, v) in values.enumerated() where v == nil && fn.defaults[i] == nil {
            throw CMCLError("missing argument `\(fn.parameters[i])` in call to `\(fn.name)`")
        }
        return values
    }

    /// Runs a closure's body with bound arguments (nil = use the default).
    func enter(_ c: Closure, _ values: [Value?]) throws -> Value {
        let fn = c.function
        let st = state
        guard st.pointee.depth < maxDepth else { throw depthError(fn.name) }
        if collector.isDue || Interrupt.isRequested { try safePoint() }
        let bp = st.pointee.sp
        guard bp + fn.frameSize < Interpreter.stackCapacity else {
            throw CMCLError("out of stack space in `\(fn.name)`", hint: "check the recursion's base case")
        }
        st.pointee.sp = bp + fn.frameSize
        st.pointee.depth += 1
        defer {
            for i in bp..<(bp + fn.frameSize) { stack[i] = .null }
            for slot in fn.cellSlots { cells[bp + slot] = nil }
            st.pointee.sp = bp
            st.pointee.depth -= 1
        }
        let captured = fn.capturedParameters
        for (i, v) in values.enumerated() {
            var value = Value.null
            if let v { value = v } else if let d = fn.defaults[i] { value = try d.code(bp, c) }
            if captured[i] { cells[bp + i] = Cell(value) } else { stack[bp + i] = value }
        }
        return finish(try fn.body(bp, c))
    }

    /// The error for too many calls active at once (calls in another call's arguments do not
    /// count: they finish before it starts).
    func depthError(_ name: String) -> CMCLError {
        CMCLError("maximum recursion depth (\(maxDepth)) exceeded in `\(name)`", hint: "check the recursion's base case")
    }

    /// Work that waits for a call or loop iteration: a due cycle collection, a Ctrl-C.
    func safePoint() throws {
        if collector.isDue { collector.collect() }
        try Interrupt.check()
    }

    @inline(__always)
    func finish(_ result: Value) -> Value {
        if state.pointee.unwind == unwindReturn {
            state.pointee.unwind = 0
            let v = state.pointee.returnValue
            state.pointee.returnValue = .null
            return v
        }
        return result
    }

    /// Calls a builtin with evaluated arguments.
    ///
    /// Engine work stopped early by Ctrl-C (a regular expression's search, a training run)
    /// returns what it had; the flag, still set, turns that partial result into an interruption.
    func invoke(_ builtin: Builtin, _ positional: [Value], named: [(String, Value)]) throws -> Value {
        let args = try bind(builtin.signature, positional, named: named)
        let result: Value
        do {
            result = try builtin.body(args)
        } catch {
            throw CMCLError.passing(error)
        }
        try Interrupt.check()
        return result
    }

    func bind(_ signature: Signature, _ positional: [Value], named: [(String, Value)]) throws -> Arguments {
        let params = signature.parameters
        var values = [Value?](repeating: nil, count: params.count)
        var given = [Bool](repeating: false, count: params.count)
        var rest: [Value] = []
        var options: [(String, Value)] = []
        var p = 0
        for (i, v) in positional.enumerated() {
            while p < params.count, params[p].collectsNamed { p += 1 }
            guard p < params.count else {
                let fixed = params.filter { !$0.collectsNamed }.count
                throw CMCLError("`\(signature.name)` takes at most \(fixed) argument\(fixed == 1 ? "" : "s") but \(positional.count) were given",
                                hint: "signature: \(signature.text)", argument: .position(i))
            }
            if params[p].isVariadic {
                rest.append(v)
                given[p] = true
            } else {
                values[p] = v
                given[p] = true
                p += 1
            }
        }
        for (label, v) in named {
            if let i = params.firstIndex(where: { $0.name == label && !$0.isVariadic && !$0.collectsNamed }) {
                if given[i] {
                    throw CMCLError("argument `\(label)` of `\(signature.name)` is given twice", argument: .label(label))
                }
                values[i] = v
                given[i] = true
            } else if params.contains(where: { $0.collectsNamed }) {
                options.append((label, v))
            } else {
                let names = params.filter { !$0.isVariadic && !$0.collectsNamed && $0.name != "self" }.map(\.name)
                throw CMCLError("`\(signature.name)` has no parameter `\(label)`",
                                hint: Suggestion.hint(for: label, in: names) ?? "signature: \(signature.text)",
                                argument: .label(label), kind: .name)
            }
        }
        for (i, param) in params.enumerated() where values[i] == nil && !param.isVariadic && !param.collectsNamed {
            if let d = param.defaultValue {
                values[i] = d
            } else {
                throw CMCLError("missing argument `\(param.name)` in call to `\(signature.name)`",
                                hint: "signature: \(signature.text)")
            }
        }
        return Arguments(interpreter: self, signature: signature, values: values, given: given, rest: rest,
                         options: options)
    }
}

extension Signature {
    nonisolated(unsafe) static let variadicCall: Signature = {
        do { return try Signature("call(inputs..., **options)") } catch {
            return Signature(name: "call", parameters: [], text: "call()")
        }
    }()

    init(name: String, parameters: [Parameter], text: String) {
        self.name = name
        self.parameters = parameters
        self.text = text
    }
}
