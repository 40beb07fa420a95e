import CMCLTensor

/// The base of every layer and model: a tree of named submodules holding named parameters.
///
/// A module's ``path`` is its dotted position in the tree (`encoder.layer.0.output`); its
/// parameters are named `path.localName` (`encoder.layer.0.output.dense.weight`), exactly as in
/// PyTorch's `state_dict()`. Dropout and maskable sites use the same paths as ids.
///
/// Subclasses register parameters and children in their initialiser and override
/// ``forward(_:context:)``:
///
/// ```swift
/// final class Affine: Module {
///     let scale: Parameter
///     init(width: Int) throws {
///         scale = Parameter(try Tensor.ones([width]), name: "scale", decays: false)
///         super.init()
///         addParameter(scale)
///     }
///     override func forward(_ x: Tensor, context: ForwardContext) throws -> Tensor {
///         try x.mul(context.resolve(scale))
///     }
/// }
/// let y = try Affine(width: 4)(x)
/// ```
///
/// A new module is in evaluation mode; ``train(_:)`` switches it (and its subtree) to training,
/// which the convenience call `module(x)` follows. Training loops pass explicit contexts.
open class Module: @unchecked Sendable {
    /// The dotted path of this module in its root ("" for the root).
    public private(set) var path: String = ""
    /// Whether calls without an explicit context run in training mode.
    public private(set) var isTraining = false
    /// The parameters registered directly on this module, in registration order.
    public private(set) var localParameters: [Parameter] = []
    /// The direct submodules with their local names, in registration order.
    public private(set) var children: [(name: String, module: Module)] = []

    /// An empty module.
    public init() {}

    /// The type name shown in summaries (`Linear`, `BertLayer`…).
    open var typeName: String { String(describing: type(of: self)) }

    /// Checkpoint entries (full dotted names) that are not parameters and are skipped silently on
    /// load, such as BERT's `embeddings.position_ids` buffer.
    open var ignoredStateKeys: Set<String> { [] }

    // MARK: Registration

    /// Registers `parameter` under its ``Parameter/localName`` and returns it.
    @discardableResult
    public func addParameter(_ parameter: Parameter) -> Parameter {
        localParameters.removeAll { $0.localName == parameter.localName }
        localParameters.append(parameter)
        parameter.name = Module.join(path, parameter.localName)
        return parameter
    }

    /// Creates and registers a parameter named `localName` holding `value`.
    @discardableResult
    public func addParameter(_ localName: String, _ value: Tensor, decays: Bool = true) -> Parameter {
        addParameter(Parameter(value, name: localName, decays: decays))
    }

    /// Registers `module` as the child `name` (replacing a child of that name) and returns it.
    @discardableResult
    public func addChild<M: Module>(_ name: String, _ module: M) -> M {
        if let i = children.firstIndex(where: { $0.name == name }) {
            children[i] = (name, module)
        } else {
            children.append((name, module))
        }
        module.setPath(Module.join(path, name))
        module.setTraining(isTraining)
        return module
    }

    private func setPath(_ p: String) {
        path = p
        for param in localParameters { param.name = Module.join(p, param.localName) }
        for (n, c) in children { c.setPath(Module.join(p, n)) }
    }

    static func join(_ a: String, _ b: String) -> String { a.isEmpty ? b : (b.isEmpty ? a : a + "." + b) }

    /// The name of `site` relative to this module's own path, joined (`dropout` → `encoder.dropout`).
    public func siteName(_ local: String) -> String { Module.join(path, local) }

    // MARK: Forward

    /// Computes the output for `x`. The default throws: modules whose input is not one tensor
    /// (models taking a ``Batch``) provide their own entry points.
    open func forward(_ x: Tensor, context: ForwardContext) throws -> Tensor {
        throw NNError.invalidInput(op: typeName, reason: "this module does not take a single tensor input")
    }

    /// Runs ``forward(_:context:)`` and applies the neuron mask registered for this module's path.
    public final func callAsFunction(_ x: Tensor, context: ForwardContext) throws -> Tensor {
        let y = try forward(x, context: context)
        return try context.applyNeuronMask(site: path, to: y)
    }

    /// Runs the module with a default context in its current mode (evaluation unless ``train(_:)``
    /// was called).
    public final func callAsFunction(_ x: Tensor) throws -> Tensor {
        try callAsFunction(x, context: ForwardContext(training: isTraining))
    }

    // MARK: Tree queries

    /// This module and every descendant, depth-first in registration order, with their paths.
    public func modules() -> [Module] {
        var out: [Module] = [self]
        for (_, c) in children { out += c.modules() }
        return out
    }

    /// The descendant at dotted `path` relative to this module ("" is this module).
    public func module(at relativePath: String) -> Module? {
        if relativePath.isEmpty { return self }
        var m: Module = self
        for part in relativePath.split(separator: ".") {
            guard let c = m.children.first(where: { $0.name == part })?.module else { return nil }
            m = c
        }
        return m
    }

    /// Every parameter of the subtree in depth-first registration order.
    public func parameters() -> [Parameter] {
        var out = localParameters
        for (_, c) in children { out += c.parameters() }
        return out
    }

    /// The parameters the optimizer updates.
    public func trainableParameters() -> [Parameter] { parameters().filter(\.isTrainable) }

    /// The parameter with dotted name `name` (as in the state dictionary), if any.
    public func parameter(named name: String) -> Parameter? {
        parameters().first { $0.name == name }
    }

    /// The parameter with dotted name `name`, or a typed error with suggestions.
    public func requireParameter(named name: String, op: String = "parameter") throws -> Parameter {
        if let p = parameter(named: name) { return p }
        throw NNError.unknownParameter(op: op, name: name, suggestions: NNError.suggestions(for: name, in: parameters().map(\.name)))
    }

    /// The total number of parameter elements.
    public var parameterCount: Int { parameters().reduce(0) { $0 + $1.count } }

    /// The number of trainable parameter elements.
    public var trainableParameterCount: Int { trainableParameters().reduce(0) { $0 + $1.count } }

    // MARK: Mode and gradients

    /// Switches this module and its subtree to training (`true`) or evaluation mode.
    public func train(_ on: Bool = true) { setTraining(on) }

    /// Switches this module and its subtree to evaluation mode.
    public func eval() { setTraining(false) }

    private func setTraining(_ on: Bool) {
        isTraining = on
        for (_, c) in children { c.setTraining(on) }
    }

    /// Clears every parameter's gradient.
    public func zeroGrad() { for p in parameters() { p.zeroGrad() } }

    /// Freezes (or unfreezes) every parameter whose name starts with `prefix` ("" for all).
    public func freeze(_ prefix: String = "", _ frozen: Bool = true) {
        for p in parameters() where prefix.isEmpty || p.name == prefix || p.name.hasPrefix(prefix + ".") {
            p.isTrainable = !frozen
        }
    }
}

/// An ordered list of modules named `0`, `1`, … (PyTorch's `ModuleList`), without a forward of its own.
public final class ModuleList: Module, @unchecked Sendable {
    /// The modules in order.
    public private(set) var items: [Module] = []

    /// A list holding `modules`.
    public init(_ modules: [Module]) {
        super.init()
        for m in modules { append(m) }
    }

    /// Appends `module` as the next index.
    public func append(_ module: Module) {
        addChild(String(items.count), module)
        items.append(module)
    }

    /// The number of modules.
    public var count: Int { items.count }
}
