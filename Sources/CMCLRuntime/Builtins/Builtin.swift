import CMCLLang

/// A function written in Swift and bound to a cmcl name, with its documentation.
/// Builtins live in one `BuiltinRegistry`, which binds them in the interpreter and
/// feeds `:help`, completion and `docs/builtins.md`.
public final class Builtin {
    public enum Kind {
        /// A global function, or a method when the name is `Type.method`.
        case function
        /// A read-only property `Type.name`, evaluated on access (`t.shape`).
        case property
    }

    /// The bound name: `print`, or `Tensor.sum` for a method of the type `Tensor`.
    public let name: String
    public let kind: Kind
    public let signature: Signature
    /// One line: what it does.
    public let summary: String
    /// A runnable example.
    public let example: String
    /// The section of `:help` and the docs (`core`, `math`, `tensor`, …).
    public let category: String
    /// Known values of string parameters, for completion (`glue`'s `task`: the GLUE task names).
    public var choices: [String: [String]] = [:]
    let body: (Arguments) throws -> Value

    public init(_ signature: String, kind: Kind = .function, category: String, summary: String, example: String = "",
                body: @escaping (Arguments) throws -> Value) throws {
        let sig = try Signature(signature)
        self.signature = sig
        self.name = sig.name
        self.kind = kind
        self.summary = summary
        self.example = example
        self.category = category
        self.body = body
    }

    /// For methods: the type before the dot.
    public var receiverType: String? {
        guard let dot = name.firstIndex(of: ".") else { return nil }
        return String(name[..<dot])
    }

    /// The name a user types (`sum` for `Tensor.sum`).
    public var memberName: String {
        guard let dot = name.firstIndex(of: ".") else { return name }
        return String(name[name.index(after: dot)...])
    }
}

/// A builtin as a cmcl value, possibly bound to a receiver (`t.sum` without the call).
public final class BoundBuiltin {
    public let builtin: Builtin
    public let receiver: Value?
    public init(_ builtin: Builtin, receiver: Value? = nil) {
        self.builtin = builtin
        self.receiver = receiver
    }
}

/// The arguments of a builtin call, already matched against its signature.
///
///     try Builtin("clip(x, lo: 0, hi: 1)", category: "math", summary: "…") { args in
///         .number(min(max(try args.number("x"), try args.number("lo")), try args.number("hi")))
///     }
public struct Arguments {
    public let interpreter: Interpreter
    public let signature: Signature
    /// Values by parameter position; nil when absent and without default.
    var values: [Value?]
    /// Which parameters the caller actually gave (not defaults).
    var given: [Bool]
    /// Variadic positional values.
    public var rest: [Value]
    /// Named arguments collected by a `**options` parameter.
    public var options: [(String, Value)]

    /// Whether the caller passed `name` explicitly.
    public func has(_ name: String) -> Bool {
        guard let i = signature.parameters.firstIndex(where: { $0.name == name }) else { return false }
        return given[i]
    }

    private func slot(_ name: String) throws -> (Int, Value?) {
        guard let i = signature.parameters.firstIndex(where: { $0.name == name }) else {
            throw CMCLError("internal: \(signature.name) has no parameter `\(name)`")
        }
        return (i, values[i])
    }

    private func ref(_ name: String) -> CMCLError.ArgumentRef { .label(name) }

    /// The value of parameter `name` (its default when not given).
    public func value(_ name: String) throws -> Value {
        let (_, v) = try slot(name)
        guard let v else { throw CMCLError("missing argument `\(name)`", argument: ref(name)) }
        return v
    }

    /// The value, or nil when the parameter is absent or `nil`.
    public func optional(_ name: String) throws -> Value? {
        let (_, v) = try slot(name)
        if let v, case .null = v { return nil }
        return v
    }

    public func number(_ name: String) throws -> Double {
        let v = try value(name)
        guard case .number(let n) = v else { throw typeError(name, "a number", v) }
        return n
    }

    public func optionalNumber(_ name: String) throws -> Double? {
        guard let v = try optional(name) else { return nil }
        guard case .number(let n) = v else { throw typeError(name, "a number", v) }
        return n
    }

    /// An integer-valued number.
    public func int(_ name: String) throws -> Int {
        try WholeNumber.int(try number(name), argument: name)
    }

    /// A whole number within bounds (`count(“n”, from: 0)`), through `WholeNumber`.
    public func int(_ name: String, from low: Int?, to high: Int? = nil) throws -> Int {
        try WholeNumber.int(try number(name), argument: name, from: low, to: high)
    }

    /// The longest token sequence a length argument (`max_len`) may ask for; padding to it
    /// must not need gigabytes.
    public static let maxTokenLength = 1 << 20

    /// A sequence length in tokens: a whole number from 1 to `maxTokenLength`.
    public func tokenLength(_ name: String) throws -> Int {
        try WholeNumber.int(try number(name), argument: name, from: 1, to: Arguments.maxTokenLength)
    }

    public func optionalTokenLength(_ name: String) throws -> Int? {
        guard try optional(name) != nil else { return nil }
        return try tokenLength(name)
    }

    public func optionalInt(_ name: String) throws -> Int? {
        guard try optional(name) != nil else { return nil }
        return try int(name)
    }

    public func bool(_ name: String) throws -> Bool {
        let v = try value(name)
        guard case .bool(let b) = v else { throw typeError(name, "true or false", v) }
        return b
    }

    public func string(_ name: String) throws -> String {
        let v = try value(name)
        guard case .string(let s) = v else { throw typeError(name, "a string", v) }
        return s
    }

    public func optionalString(_ name: String) throws -> String? {
        guard let v = try optional(name) else { return nil }
        guard case .string(let s) = v else { throw typeError(name, "a string", v) }
        return s
    }

    public func list(_ name: String) throws -> [Value] {
        let v = try value(name)
        guard case .list(let l) = v else { throw typeError(name, "a list", v) }
        return l.items
    }

    public func record(_ name: String) throws -> RecordObject {
        let v = try value(name)
        guard case .record(let r) = v else { throw typeError(name, "a record", v) }
        return r
    }

    /// A native object of type `T`.
    public func object<T: NativeObject>(_ name: String, as type: T.Type, described: String) throws -> T {
        let v = try value(name)
        guard case .object(let o) = v, let t = o as? T else { throw typeError(name, described, v) }
        return t
    }

    public func callable(_ name: String) throws -> Value {
        let v = try value(name)
        guard v.isCallable else { throw typeError(name, "a function", v) }
        return v
    }

    public func typeError(_ name: String, _ expected: String, _ got: Value) -> CMCLError {
        CMCLError("argument `\(name)` of `\(signature.name)` must be \(expected), got \(Display.describe(got))",
                  argument: ref(name))
    }

    /// Calls a cmcl function value (for builtins such as `map`).
    public func call(_ function: Value, _ positional: [Value], named: [(String, Value)] = []) throws -> Value {
        try interpreter.call(function, positional, named: named)
    }
}
