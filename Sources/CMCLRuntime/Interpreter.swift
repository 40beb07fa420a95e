import CMCLBase
import CMCLLang
import CMCLTensor
import Foundation
import Synchronization

/// Compiled code: evaluates with a frame base `bp` into the value stack and the current
/// heap environment (for variables captured by inner functions).
typealias Code = (Int, Env?) throws -> Value

/// Heap-allocated variables of a function that contains inner functions.
final class Env {
    var slots: ContiguousArray<Value>
    let parent: Env?
    init(size: Int, parent: Env?) {
        slots = ContiguousArray(repeating: .null, count: size)
        self.parent = parent
    }
}

/// A function after compilation.
final class CompiledFunction {
    let name: String
    let parameters: [String]
    var defaults: [CodeBox?]
    let frameSize: Int
    let usesHeapEnv: Bool
    var body: Code
    let file: SourceFile
    let span: Span

    init(name: String, parameters: [String], defaults: [CodeBox?], frameSize: Int, usesHeapEnv: Bool, body: @escaping Code,
         file: SourceFile, span: Span) {
        self.name = name
        self.parameters = parameters
        self.defaults = defaults
        self.frameSize = frameSize
        self.usesHeapEnv = usesHeapEnv
        self.body = body
        self.file = file
        self.span = span
    }
}

/// A cmcl function value: compiled code plus the environment it closes over.
public final class Closure {
    let function: CompiledFunction
    let env: Env?
    // Copied from `function` so that calls read them without another indirection.
    let body: Code
    let frameSize: Int
    /// Parameter count when the locals live on the value stack, else -1.
    let stackArity: Int
    init(function: CompiledFunction, env: Env?) {
        self.function = function
        self.env = env
        body = function.body
        frameSize = function.frameSize
        stackArity = function.usesHeapEnv ? -1 : function.parameters.count
    }
    public var name: String { function.name }
    public var parameterNames: [String] { function.parameters }
}

/// Ctrl-C: set from a signal handler, checked by loops, calls and long builtins.
public enum Interrupt {
    static let flag = Atomic<Bool>(false)
    public static func request() { flag.store(true, ordering: .relaxed) }
    public static func clear() { flag.store(false, ordering: .relaxed) }
    public static var isRequested: Bool { flag.load(ordering: .relaxed) }
    /// Throws an interruption diagnostic if Ctrl-C was pressed (for long builtins).
    public static func check() throws {
        if flag.load(ordering: .relaxed) { throw CMCLError.interrupted }
    }
}

extension CMCLError {
    static let interruptedMessage = "stopped by Ctrl-C"
    public static var interrupted: CMCLError { CMCLError(interruptedMessage) }
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
    public var errorOutput: (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }
    /// Whether `errorOutput` is a terminal (progress lines then update in place).
    public var errorIsTerminal = false
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
    let globals: UnsafeMutablePointer<Value>
    let defined: UnsafeMutablePointer<Bool>
    let state: UnsafeMutablePointer<MachineState>
    var globalNames: [String: Int] = [:]
    var globalOrder: [String] = []
    let loader: ModuleLoader

    public init(registry: BuiltinRegistry = .standard(), output: @escaping (String) -> Void = { _ in }) {
        self.registry = registry
        self.output = output
        stack = .allocate(capacity: Interpreter.stackCapacity)
        stack.initialize(repeating: .null, count: Interpreter.stackCapacity)
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
        globals.deinitialize(count: Interpreter.globalCapacity)
        globals.deallocate()
        defined.deallocate()
        state.deinitialize(count: 1)
        state.deallocate()
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
                var e = CMCLError("`\(fn.name)` has no parameter `\(label)`",
                                  hint: Suggestion.hint(for: label, in: fn.parameters), argument: .label(label))
                e.isNameError = true
                throw e
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
        guard st.pointee.depth < maxDepth else {
            throw CMCLError("maximum recursion depth (\(maxDepth)) exceeded in `\(fn.name)`",
                            hint: "check the recursion's base case")
        }
        if fn.usesHeapEnv {
            let env = Env(size: fn.frameSize, parent: c.env)
            for (i, v) in values.enumerated() {
                if let v { env.slots[i] = v } else if let d = fn.defaults[i] { env.slots[i] = try d.code(0, env) }
            }
            st.pointee.depth += 1
            defer { st.pointee.depth -= 1 }
            return try finish(try fn.body(0, env))
        }
        let bp = st.pointee.sp
        guard bp + fn.frameSize < Interpreter.stackCapacity else {
            throw CMCLError("out of stack space in `\(fn.name)`", hint: "check the recursion's base case")
        }
        st.pointee.sp = bp + fn.frameSize
        st.pointee.depth += 1
        defer {
            for i in bp..<(bp + fn.frameSize) { stack[i] = .null }
            st.pointee.sp = bp
            st.pointee.depth -= 1
        }
        for (i, v) in values.enumerated() {
            if let v { stack[bp + i] = v } else if let d = fn.defaults[i] { stack[bp + i] = try d.code(bp, c.env) }
        }
        return try finish(try fn.body(bp, c.env))
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
    func invoke(_ builtin: Builtin, _ positional: [Value], named: [(String, Value)]) throws -> Value {
        let args = try bind(builtin.signature, positional, named: named)
        return try builtin.body(args)
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
                var e = CMCLError("`\(signature.name)` has no parameter `\(label)`",
                                  hint: Suggestion.hint(for: label, in: names) ?? "signature: \(signature.text)",
                                  argument: .label(label))
                e.isNameError = true
                throw e
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
