import CMCLLang

/// A cmcl value. Scalars are stored inline; lists and records are shared references
/// (like Python's), and engine objects (tensors, models, losses, datasets, …) plug in
/// as `.object` through the `NativeObject` protocol.
public enum Value {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case list(ListObject)
    case record(RecordObject)
    case closure(Closure)
    case builtin(BoundBuiltin)
    case object(any NativeObject)

    /// The name `type(x)` reports.
    public var typeName: String {
        switch self {
        case .null: return "nil"
        case .bool: return "bool"
        case .number: return "number"
        case .string: return "string"
        case .list: return "list"
        case .record: return "record"
        case .closure, .builtin: return "function"
        case .object(let o): return o.typeName
        }
    }

    /// Truthiness: `nil`, `false`, `0`, `""` and empty lists are false.
    public var isTruthy: Bool {
        switch self {
        case .null: return false
        case .bool(let b): return b
        case .number(let n): return n != 0
        case .string(let s): return !s.isEmpty
        case .list(let l): return !l.items.isEmpty
        case .record(let r): return !r.keys.isEmpty
        case .closure, .builtin: return true
        case .object(let o): return o.isTruthy
        }
    }

    public var isCallable: Bool {
        switch self {
        case .closure, .builtin: return true
        case .object(let o): return o.isCallable
        default: return false
        }
    }

    public static func list(_ items: [Value]) -> Value { .list(ListObject(items)) }

    /// Calls `body` with the container this value holds directly, if any (for the cycle collector).
    @inline(__always)
    func forEachContainer(_ body: (Container) -> Void) {
        switch self {
        case .list(let l): body(l)
        case .record(let r): body(r)
        case .closure(let c): body(c)
        default: break
        }
    }
    public static func record(_ pairs: [(String, Value)]) -> Value { .record(RecordObject(pairs)) }
}

/// A mutable list, shared by reference.
public final class ListObject: Container {
    public var items: [Value]
    public init(_ items: [Value]) {
        self.items = items
        super.init()
    }

    override func makeBuffersUnique() {
        if !items.isEmpty { items.reserveCapacity(items.count) }
    }

    override func forEachChild(_ body: (Container) -> Void) {
        for v in items { v.forEachContainer(body) }
    }

    override func clearChildren() { items = [] }
}

/// A record: string keys in insertion order, shared by reference.
public final class RecordObject: Container {
    public private(set) var keys: [String]
    public private(set) var values: [Value]
    private var index: [String: Int]

    public init(_ pairs: [(String, Value)] = []) {
        keys = []
        values = []
        index = [:]
        super.init()
        for (k, v) in pairs { self[k] = v }
    }

    override func makeBuffersUnique() {
        if !values.isEmpty { values.reserveCapacity(values.count) }
    }

    override func forEachChild(_ body: (Container) -> Void) {
        for v in values { v.forEachContainer(body) }
    }

    override func clearChildren() {
        keys = []
        values = []
        index = [:]
    }

    public subscript(key: String) -> Value? {
        get { index[key].map { values[$0] } }
        set {
            if let i = index[key] {
                if let newValue { values[i] = newValue } else { remove(key) }
            } else if let newValue {
                index[key] = keys.count
                keys.append(key)
                values.append(newValue)
            }
        }
    }

    public func remove(_ key: String) {
        guard let i = index[key] else { return }
        keys.remove(at: i)
        values.remove(at: i)
        index = Dictionary(uniqueKeysWithValues: keys.enumerated().map { ($1, $0) })
    }

    public var pairs: [(String, Value)] { Array(zip(keys, values)) }
}

/// Engine values (tensors, models, ablations, losses, optimizers, datasets, histories)
/// implement this to become first-class cmcl values. Every hook has a default, so a type
/// implements only what it supports; methods and properties are registered in the
/// `BuiltinRegistry` under `TypeName.member`.
public protocol NativeObject: AnyObject {
    /// The name `type(x)` reports and under which methods are registered (`Tensor`).
    var typeName: String { get }
    /// Rendering for the REPL, `print` and notebook export.
    func display(_ style: DisplayStyle) -> String
    var isTruthy: Bool { get }
    var isCallable: Bool { get }
    /// `len(x)`.
    var length: Int? { get }
    /// Fields readable with `x.name` besides registered properties.
    func field(_ name: String) -> Value?
    var fieldNames: [String] { get }
    /// Operators; `reversed` is true when the object is on the right (`2 * t`).
    func binary(_ op: BinaryOperator, _ other: Value, reversed: Bool) throws -> Value?
    func unary(_ op: UnaryOperator) throws -> Value?
    /// `x[...]`.
    func index(_ items: [IndexValue]) throws -> Value?
    /// `x[...] = v`; return false when unsupported.
    func setIndex(_ items: [IndexValue], to value: Value) throws -> Bool
    /// `x(args)`, e.g. calling a model on a batch.
    func call(_ args: Arguments) throws -> Value?
    /// The elements a `for` loop visits.
    func elements() throws -> [Value]?
}

public extension NativeObject {
    var isTruthy: Bool { true }
    var isCallable: Bool { false }
    var length: Int? { nil }
    func field(_ name: String) -> Value? { nil }
    var fieldNames: [String] { [] }
    func binary(_ op: BinaryOperator, _ other: Value, reversed: Bool) throws -> Value? { nil }
    func unary(_ op: UnaryOperator) throws -> Value? { nil }
    func index(_ items: [IndexValue]) throws -> Value? { nil }
    func setIndex(_ items: [IndexValue], to value: Value) throws -> Bool { false }
    func call(_ args: Arguments) throws -> Value? { nil }
    func elements() throws -> [Value]? { nil }
}

/// One evaluated index position: `t[2]`, `t[1:3]`, `t[::2]`, `t[mask]`.
public enum IndexValue {
    case single(Value)
    case slice(start: Int?, stop: Int?, step: Int?)
}

/// An error raised by a builtin or a native object. The interpreter attaches the
/// source span of the call (or of the offending argument) and the cmcl stack trace.
///
/// What went wrong is a typed `kind`, never read from the message: engine errors keep their own
/// value (`TensorError`, `NNError`, `DataError`, `CompareError`, …) in `engineError`, and their
/// description is the message, unchanged.
public struct CMCLError: Error, CustomStringConvertible {
    /// What kind of problem this is; it decides the diagnostic's kind and whether `try`/`catch`
    /// may catch it.
    public enum Kind: Equatable, Sendable {
        /// A runtime error of the interpreter or a builtin.
        case runtime
        /// An unknown argument or field name.
        case name
        /// Ctrl-C stopped the work (see `CMCLError.interrupted`).
        case interrupted
        /// An engine operation failed; `engineError` holds the engine's error.
        case engine
    }

    public var kind: Kind
    public var message: String
    public var hint: String?
    /// Which argument is at fault (a positional index or a parameter name), for the caret.
    public var argument: ArgumentRef?
    /// The engine's own error when `kind` is `.engine`.
    public var engineError: (any Error)?

    public enum ArgumentRef: Equatable, Sendable {
        case position(Int)
        case label(String)
    }

    public init(_ message: String, hint: String? = nil, argument: ArgumentRef? = nil, kind: Kind = .runtime) {
        self.kind = kind
        self.message = message
        self.hint = hint
        self.argument = argument
    }

    /// Wraps an error an engine target threw; its description is the message.
    public init(engine error: any Error) {
        self.init(String(describing: error), kind: .engine)
        engineError = error
    }

    /// Passes cmcl's own errors, diagnostics and `exit` on unchanged and wraps anything else
    /// (an engine error) as a typed `CMCLError`.
    static func passing(_ error: any Error) -> any Error {
        switch error {
        case is CMCLError, is Diagnostic, is ScriptExit: return error
        default: return CMCLError(engine: error)
        }
    }

    /// A name error (unknown argument or field) rather than a runtime error.
    public var isNameError: Bool { kind == .name }
    /// Ctrl-C stopped the work.
    public var isInterruption: Bool { kind == .interrupted }

    /// The kind of the diagnostic this error becomes.
    public var diagnosticKind: Diagnostic.Kind {
        switch kind {
        case .name: return .name
        case .interrupted: return .interrupted
        case .runtime, .engine: return .runtime
        }
    }

    public var description: String { message }
}
