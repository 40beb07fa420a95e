import CMCLTensor

/// A place in a model where an ablation can act.
public struct Site: Sendable, Equatable, CustomStringConvertible {
    /// What kind of ablation the site takes.
    public enum Kind: String, Sendable, Equatable {
        /// A dropout module: ``ForwardContext/dropoutOverride`` supplies its multiplier.
        case dropout
        /// A module whose output units ``ForwardContext/neuronMasks`` can mask (last dimension).
        case neurons
        /// An attention module whose heads ``ForwardContext/headMasks`` can mask (by ``layer``).
        case heads
        /// A transformer layer that ``ForwardContext/skippedLayers`` can skip (by ``layer``).
        case layer
    }

    /// The kind of site.
    public var kind: Kind
    /// The site id: the dotted path of its module.
    public var name: String
    /// The configured dropout rate (dropout sites), else nil.
    public var rate: Double?
    /// The number of units the site masks (output width, heads), or nil when it depends on the
    /// input (e.g. attention-probability dropout).
    public var width: Int?
    /// The transformer layer index (head and layer sites).
    public var layer: Int?

    /// A site description.
    public init(kind: Kind, name: String, rate: Double? = nil, width: Int? = nil, layer: Int? = nil) {
        self.kind = kind
        self.name = name
        self.rate = rate
        self.width = width
        self.layer = layer
    }

    public var description: String {
        var s = "\(kind.rawValue) \(name)"
        if let rate { s += " p=\(rate)" }
        if let width { s += " width=\(width)" }
        if let layer { s += " layer=\(layer)" }
        return s
    }
}

/// Modules that are ablation sites describe themselves through this protocol.
public protocol SiteProviding: Module {
    /// The sites this module itself contributes (not its children).
    var ownSites: [Site] { get }
}

extension Module {
    /// Every ablation site of the subtree, depth-first.
    public func sites() -> [Site] {
        modules().flatMap { ($0 as? SiteProviding)?.ownSites ?? [] }
    }

    /// The dropout sites (name, rate) of the subtree, in forward order.
    public func dropoutSites() -> [Site] { sites().filter { $0.kind == .dropout } }

    /// The sites that take neuron masks, head masks or layer skipping.
    public func maskableSites() -> [Site] { sites().filter { $0.kind != .dropout } }

    /// Checks that every ablation in `context` names a site of this model with a fitting shape,
    /// so a typo fails loudly instead of silently ablating nothing.
    public func validate(_ context: ForwardContext) throws {
        let all = sites()
        let neurons = Dictionary(all.filter { $0.kind == .neurons }.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for (name, mask) in context.neuronMasks {
            guard let site = neurons[name] else {
                throw NNError.unknownSite(op: "neuron mask", site: name, suggestions: NNError.suggestions(for: name, in: Array(neurons.keys)))
            }
            if let w = site.width, !(mask.rank >= 1 && (mask.shape[mask.rank - 1] == w || mask.shape[mask.rank - 1] == 1)) {
                throw NNError.shapeMismatch(op: "neuron mask", name: name, expected: [w], found: mask.shape)
            }
        }
        let heads = Dictionary(all.filter { $0.kind == .heads }.compactMap { s in s.layer.map { ($0, s) } }, uniquingKeysWith: { a, _ in a })
        for (layer, mask) in context.headMasks {
            guard let site = heads[layer] else {
                throw NNError.unknownSite(op: "head mask", site: "layer \(layer)", suggestions: heads.keys.sorted().prefix(3).map { "layer \($0)" })
            }
            if let w = site.width, mask.shape.last != w {
                throw NNError.shapeMismatch(op: "head mask", name: site.name, expected: [w], found: mask.shape)
            }
        }
        let layers = Set(all.filter { $0.kind == .layer }.compactMap(\.layer))
        for l in context.skippedLayers where !layers.contains(l) {
            throw NNError.unknownSite(op: "skip layer", site: "layer \(l)", suggestions: layers.sorted().prefix(3).map { "layer \($0)" })
        }
        for (name, t) in context.parameterOverrides {
            let p = try requireParameter(named: name, op: "parameter override")
            if p.shape != t.shape { throw NNError.shapeMismatch(op: "parameter override", name: name, expected: p.shape, found: t.shape) }
        }
    }
}
