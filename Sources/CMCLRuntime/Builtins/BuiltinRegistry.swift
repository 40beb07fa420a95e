/// The one table that binds Swift functions to cmcl names. The interpreter binds every
/// global builtin from it, method calls (`t.sum(axis: 1)`) look up `Type.method` in it,
/// and `:help`, completion and `docs/builtins.md` are generated from it.
public final class BuiltinRegistry {
    public private(set) var all: [Builtin] = []
    private var byName: [String: Builtin] = [:]
    private var byType: [String: [String: Builtin]] = [:]
    /// Registration mistakes (malformed signatures); a unit test keeps this empty.
    public private(set) var problems: [String] = []
    /// Category titles in display order.
    public private(set) var categories: [(name: String, title: String)] = []

    /// Global values and fields that are not functions (`ce`, `History.steps`), documented
    /// in the same table so that `:help` and docs/builtins.md cover them.
    public private(set) var values: [DocumentedValue] = []

    public init() {}

    /// Documents a global value (`ce`) or a field of a type (`History.steps`).
    public func document(_ name: String, _ category: String, _ summary: String, example: String) {
        if values.contains(where: { $0.name == name }) || byName[name] != nil { problems.append("`\(name)` is documented twice") }
        values.append(DocumentedValue(name: name, category: category, summary: summary, example: example))
    }

    public func documentedValue(_ name: String) -> DocumentedValue? { values.first { $0.name == name } }

    /// The registry with every builtin cmcl ships.
    public static func standard() -> BuiltinRegistry {
        let registry = BuiltinRegistry()
        CoreBuiltins.register(into: registry)
        TensorBuiltins.register(into: registry)
        DataBuiltins.register(into: registry)
        ModelBuiltins.register(into: registry)
        PretrainedBuiltins.register(into: registry)
        CompareBuiltins.register(into: registry)
        SystemBuiltins.register(into: registry)
        ExperimentBuiltins.register(into: registry)
        PlotBuiltins.register(into: registry)
        TorchExport.register(into: registry)
        ValueDocs.register(into: registry)
        return registry
    }

    public func category(_ name: String, title: String) {
        if !categories.contains(where: { $0.name == name }) { categories.append((name, title)) }
    }

    public func register(_ builtin: Builtin) {
        if byName[builtin.name] != nil { problems.append("`\(builtin.name)` is registered twice") }
        all.append(builtin)
        byName[builtin.name] = builtin
        if let type = builtin.receiverType {
            byType[type, default: [:]][builtin.memberName] = builtin
        }
    }

    /// Registers a builtin from its signature text; a malformed signature is recorded in `problems`.
    public func add(_ signature: String, _ category: String, _ summary: String, example: String = "",
                    kind: Builtin.Kind = .function, _ body: @escaping (Arguments) throws -> Value) {
        do {
            register(try Builtin(signature, kind: kind, category: category, summary: summary, example: example,
                                 body: body))
        } catch {
            problems.append("\(signature): \(error)")
        }
    }

    public func lookup(_ name: String) -> Builtin? { byName[name] }

    /// The method or property `name` of values of type `type`.
    public func member(of type: String, _ name: String) -> Builtin? { byType[type]?[name] }

    /// Methods and properties registered for `type`.
    public func members(of type: String) -> [Builtin] {
        (byType[type] ?? [:]).values.sorted { $0.name < $1.name }
    }

    /// Methods and properties called `name` on any type (`save_pretrained` → `Model.save_pretrained`).
    public func methods(named name: String) -> [Builtin] {
        all.filter { $0.receiverType != nil && $0.memberName == name }
    }

    /// Global (non-method) builtins.
    public var globals: [Builtin] { all.filter { $0.receiverType == nil } }
}

/// A documented value or field: `ce`, `History.parts`.
public struct DocumentedValue: Sendable {
    public let name: String
    public let category: String
    public let summary: String
    public let example: String

    public var text: String {
        "\(name)\n  \(summary)" + (example.isEmpty ? "" : "\n  example:\n" + example.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
    }
}
