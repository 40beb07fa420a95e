import CMCLBase
import CMCLNN
import CMCLTensor

/// A model seen through analysis ablations — masked neurons, masked attention heads, skipped
/// layers, magnitude-pruned weights — without copying any weight.
///
/// The view stores only small masks; each forward pass hands them to the model through a
/// ``ForwardContext`` (`neuronMasks`, `headMasks`, `skippedLayers`, and `parameterOverrides`
/// computed as `weight × mask` from the live parameter, so training the model updates the view
/// and gradients reach the original weights). Every method returns a new view (value semantics).
///
/// ```swift
/// let view = try net.ablated()
///     .maskNeurons(site: "mlp.1", units: [0, 5, 9])
///     .skipLayers([2])
///     .prune(ratio: 0.3)
/// let out = try view(batch)                       // same module, ablated forward
/// view.description                                // what is ablated
/// ```
public struct AblatedModel: @unchecked Sendable, CustomStringConvertible {
    /// How magnitude pruning chooses its threshold.
    public enum PruneScope: String, Sendable, Hashable, CaseIterable {
        /// One threshold over all pruned matrices together.
        case global
        /// Each matrix loses the same fraction of its entries.
        case perMatrix
    }

    /// The model every forward pass runs (shared, never copied).
    public let model: Module
    /// Neuron-site id → `[width]` 0/1 multiplier.
    public private(set) var neuronMasks: [String: Tensor] = [:]
    /// Transformer layer → `[heads]` 0/1 multiplier.
    public private(set) var headMasks: [Int: Tensor] = [:]
    /// Layers that become the identity.
    public private(set) var skippedLayers: Set<Int> = []
    /// Parameter name → 0/1 mask of the parameter's shape (pruning).
    public private(set) var weightMasks: [String: Tensor] = [:]

    /// A view of `model` with no ablation.
    public init(_ model: Module) { self.model = model }

    /// The view with `units` of neuron site `site` zeroed (composes with earlier masks).
    /// - Throws: `CompareError` for an unknown site or a unit outside the site's width.
    public func maskNeurons(site: String, units: [Int]) throws -> AblatedModel {
        let op = "mask_neurons"
        let sites = model.sites().filter { $0.kind == .neurons }
        guard let found = sites.first(where: { $0.name == site }), let width = found.width else {
            throw CompareError.unknownName(operation: op, kind: "neuron site", given: site,
                                           candidates: Suggestion.choices(for: site, among: sites.map(\.name)),
                                           valid: sites.map(\.name))
        }
        var copy = self
        copy.neuronMasks[site] = try Self.zeroing(units, width: width, existing: neuronMasks[site], operation: op, name: "unit")
        return copy
    }

    /// The view with `heads` of the attention in `layer` zeroed (composes with earlier masks).
    /// - Throws: `CompareError` for a layer without attention heads or a head out of range.
    public func maskHeads(layer: Int, heads: [Int]) throws -> AblatedModel {
        let op = "mask_heads"
        let sites = model.sites().filter { $0.kind == .heads }
        guard let found = sites.first(where: { $0.layer == layer }), let width = found.width else {
            throw CompareError.indexOutOfRange(operation: op + " (layers with heads: \(sites.compactMap(\.layer)))",
                                               name: "layer", index: layer, count: sites.count)
        }
        var copy = self
        copy.headMasks[layer] = try Self.zeroing(heads, width: width, existing: headMasks[layer], operation: op, name: "head")
        return copy
    }

    /// The view with `layers` skipped (each becomes the identity).
    /// - Throws: `CompareError` for a layer index the model does not have.
    public func skipLayers(_ layers: [Int]) throws -> AblatedModel {
        let available = Set(model.sites().filter { $0.kind == .layer }.compactMap(\.layer))
        for l in layers where !available.contains(l) {
            throw CompareError.indexOutOfRange(operation: "skip_layers (layers: \(available.sorted()))",
                                               name: "layer", index: l, count: available.count)
        }
        var copy = self
        copy.skippedLayers.formUnion(layers)
        return copy
    }

    /// The view with the `ratio` smallest-magnitude entries of the weight matrices zeroed: the
    /// weights of every ``Linear`` (and, with `includeEmbeddings`, every ``Embedding``) — never
    /// biases or layer-norm parameters. Replaces an earlier pruning of this view.
    /// - Throws: `CompareError` for a ratio outside `[0, 1]` or a model without weight matrices.
    public func prune(ratio: Double, scope: PruneScope = .global, includeEmbeddings: Bool = false) throws -> AblatedModel {
        let op = "prune"
        if !(ratio >= 0 && ratio <= 1) {
            throw CompareError.invalidParameter(operation: op, name: "ratio", value: ratio, requirement: "it must lie in [0, 1]")
        }
        let matrices = Self.prunableWeights(model, includeEmbeddings: includeEmbeddings)
        if matrices.isEmpty {
            throw CompareError.invalidInput(operation: op, reason: "\(model.typeName) has no weight matrices to prune")
        }
        let magnitudes = matrices.map { $0.value.toArray().map { Swift.abs($0) } }
        var keeps = magnitudes.map { [Bool](repeating: true, count: $0.count) }
        // Prunes the `count` smallest magnitudes of `members`; ties go in (matrix, index) order.
        func prune(_ members: [Int], count: Int) {
            guard count > 0 else { return }
            let threshold = members.flatMap { magnitudes[$0] }.sorted()[count - 1]
            var ties = count - members.reduce(0) { $0 + magnitudes[$1].filter { $0 < threshold }.count }
            for m in members {
                for (i, value) in magnitudes[m].enumerated() {
                    if value < threshold {
                        keeps[m][i] = false
                    } else if value == threshold && ties > 0 {
                        keeps[m][i] = false
                        ties -= 1
                    }
                }
            }
        }
        switch scope {
        case .global:
            let total = magnitudes.reduce(0) { $0 + $1.count }
            prune(Array(magnitudes.indices), count: Int((ratio * Double(total)).rounded(.down)))
        case .perMatrix:
            for m in magnitudes.indices {
                prune([m], count: Int((ratio * Double(magnitudes[m].count)).rounded(.down)))
            }
        }
        var copy = self
        copy.weightMasks = [:]
        for (m, parameter) in matrices.enumerated() {
            copy.weightMasks[parameter.name] = try Tensor(keeps[m].map { $0 ? 1 : 0 }, shape: parameter.shape)
        }
        return copy
    }

    /// The fraction of prunable weight entries zeroed by ``prune(ratio:scope:includeEmbeddings:)``.
    public var prunedFraction: Double {
        var total = 0, zeroed = 0
        for mask in weightMasks.values {
            total += mask.count
            zeroed += mask.toArray().reduce(0) { $0 + ($1 == 0 ? 1 : 0) }
        }
        return total == 0 ? 0 : Double(zeroed) / Double(total)
    }

    /// Adds this view's ablations to `base` (a new context; `base` is unchanged).
    /// - Throws: if a pruned parameter no longer exists or changed shape.
    public func apply(to base: ForwardContext) throws -> ForwardContext {
        let ctx = base.derived()
        for (site, mask) in neuronMasks {
            ctx.neuronMasks[site] = try ctx.neuronMasks[site].map { try $0.mul(mask) } ?? mask
        }
        for (layer, mask) in headMasks {
            ctx.headMasks[layer] = try ctx.headMasks[layer].map { try $0.mul(mask) } ?? mask
        }
        ctx.skippedLayers.formUnion(skippedLayers)
        for (name, mask) in weightMasks {
            let parameter = try model.requireParameter(named: name, op: "prune")
            let weight = try ctx.resolve(parameter)
            ctx.parameterOverrides[name] = try weight.mul(mask.dtype == weight.dtype ? mask : mask.to(weight.dtype))
        }
        return ctx
    }

    /// An evaluation context (or a training one) carrying this view's ablations.
    public func context(training: Bool = false, generator: Generator) throws -> ForwardContext {
        try apply(to: ForwardContext(training: training, generator: generator))
    }

    /// Runs the ablated text model on `batch`.
    /// - Throws: `CompareError.invalidInput` when the model is not a ``TextModel``, or the model's errors.
    public func callAsFunction(_ batch: Batch, context: ForwardContext? = nil) throws -> ModelOutput {
        guard let text = model as? TextModel else {
            throw CompareError.invalidInput(operation: "ablated model", reason: "\(model.typeName) does not take a batch")
        }
        return try text.forward(batch, context: apply(to: context ?? ForwardContext()))
    }

    /// Runs the ablated module on a tensor input.
    public func callAsFunction(_ x: Tensor, context: ForwardContext? = nil) throws -> Tensor {
        try model(x, context: apply(to: context ?? ForwardContext()))
    }

    public var description: String {
        var parts = [String]()
        for (site, mask) in neuronMasks.sorted(by: { $0.key < $1.key }) {
            parts.append("neurons \(site): \(Self.zeroCount(mask))/\(mask.count) masked")
        }
        for (layer, mask) in headMasks.sorted(by: { $0.key < $1.key }) {
            parts.append("heads layer \(layer): \(Self.zeroCount(mask))/\(mask.count) masked")
        }
        if !skippedLayers.isEmpty { parts.append("skipped layers \(skippedLayers.sorted())") }
        if !weightMasks.isEmpty {
            parts.append("pruned \(weightMasks.count) matrices (\((prunedFraction * 1000).rounded() / 10)% of entries)")
        }
        return "AblatedModel(\(model.typeName)" + (parts.isEmpty ? "" : ": " + parts.joined(separator: "; ")) + ")"
    }

    /// Weight matrices that pruning may touch.
    static func prunableWeights(_ model: Module, includeEmbeddings: Bool) -> [Parameter] {
        model.modules().compactMap { module in
            if let linear = module as? Linear { return linear.weight }
            if includeEmbeddings, let embedding = module as? Embedding { return embedding.weight }
            return nil
        }
    }

    static func zeroing(_ indices: [Int], width: Int, existing: Tensor?, operation: String, name: String) throws -> Tensor {
        var values = existing?.toArray() ?? [Float](repeating: 1, count: width)
        for i in indices {
            if i < 0 || i >= width { throw CompareError.indexOutOfRange(operation: operation, name: name, index: i, count: width) }
            values[i] = 0
        }
        return try Tensor(values, shape: [width])
    }

    static func zeroCount(_ mask: Tensor) -> Int { mask.toArray().reduce(0) { $0 + ($1 == 0 ? 1 : 0) } }
}

extension Module {
    /// An ablation view of this model with nothing ablated yet.
    public func ablated() -> AblatedModel { AblatedModel(self) }
}
