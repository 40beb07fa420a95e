import CMCLNN
import CMCLTensor

/// The CmpDrop ablation operator: `steps` nested dropout variants of one model.
///
/// Variant `k = 0` is the full model (every dropout site off). Variant `k = 1...c` runs every
/// dropout site at `p_k = 1 - (1 - p)^k`, where `p` is the site's own rate (or the explicit
/// `rate`). Masks are nested across `k`: per training step each site draws ONE uniform tensor of
/// its input's shape from the step's generator, reused by every `k` (keep where `U >= p_k`, scale
/// kept units by `1 / (1 - p_k)`), so a unit dropped at step `k` stays dropped at `k + 1`.
///
/// ```swift
/// let drop = try CmpDrop(steps: 2)                      // rates from the model's dropout sites
/// let step = try drop.makeStep(model: net, generator: Generator(seed: 1))
/// let contexts = step.contexts(base: ForwardContext(training: true))   // k = 0, 1, 2
/// let outputs = try contexts.map { try net(batch, context: $0) }
/// try drop.variants(net)[2].rates["dropout"]            // 0.19 for a site at p = 0.1
/// ```
public struct CmpDrop: Sendable, Hashable, CustomStringConvertible {
    /// Number of ablated variants `c >= 1`.
    public let steps: Int
    /// Base rate used at every site, or nil to use each site's configured rate.
    public let rate: Double?

    /// A CmpDrop operator.
    /// - Throws: `CompareError` if `steps` is not in `1...4096` or `rate` is not in `[0, 1)`.
    public init(steps: Int, rate: Double? = nil) throws(CompareError) {
        if steps < 1 || steps > AblationSpec.maxSteps {
            throw .invalidCount(operation: "cmpdrop", name: "steps", value: steps,
                                requirement: "it must lie in 1...\(AblationSpec.maxSteps)")
        }
        if let rate, !(rate >= 0 && rate < 1) {
            throw .invalidParameter(operation: "cmpdrop", name: "rate", value: rate, requirement: "it must lie in [0, 1)")
        }
        self.steps = steps
        self.rate = rate
    }

    public var description: String {
        "cmpdrop(\(steps)" + (rate.map { ", rate: \($0)" } ?? "") + ")"
    }

    /// One variant of a model under this operator: its level `k` and the rate of every dropout site.
    public struct Variant: Sendable, Hashable, CustomStringConvertible {
        /// The level `k` (0 = full model).
        public let level: Int
        /// Dropout site id → `p_k` at that site.
        public let rates: [String: Double]

        public var description: String {
            "k=\(level): " + rates.sorted { $0.key < $1.key }.map { "\($0.key) p=\($0.value)" }.joined(separator: ", ")
        }
    }

    /// The variants `0...steps` of `model`: the rate `p_k` of each dropout site.
    /// - Throws: `CompareError` when a site's rate is outside `[0, 1)`.
    public func variants(_ model: Module) throws(CompareError) -> [Variant] {
        let sites = model.dropoutSites()
        var result = [Variant]()
        for k in 0...steps {
            var rates = [String: Double]()
            for site in sites {
                rates[site.name] = try NestedDropout.rate(rate ?? site.rate ?? 0, step: k)
            }
            result.append(Variant(level: k, rates: rates))
        }
        return result
    }

    /// The masks of one training step of `model`, drawn lazily from `generator`.
    public func makeStep(model: Module, generator: Generator, recordMultipliers: Bool = false) -> NestedDropoutStep {
        var siteRates = [String: Double]()
        for site in model.dropoutSites() { siteRates[site.name] = site.rate }
        return NestedDropoutStep(steps: steps, rate: rate, siteRates: siteRates, generator: generator,
                                 recordMultipliers: recordMultipliers)
    }
}

/// The shared dropout draws of one training step under ``CmpDrop``, and the forward contexts of
/// its variants.
///
/// The first request for a site draws one uniform tensor of the site's input shape from the
/// step's generator and caches it; every level reuses it, so masks are nested across levels and
/// a step is reproducible from its generator's state.
public final class NestedDropoutStep: @unchecked Sendable {
    /// Number of ablated levels `c`.
    public let steps: Int
    /// Explicit base rate, or nil for each site's own rate.
    public let rate: Double?
    /// Site id → configured rate, from the model.
    public let siteRates: [String: Double]
    /// The generator the uniforms are drawn from.
    public let generator: Generator
    /// Whether every multiplier handed to a dropout site is kept in ``multipliers``.
    public let recordMultipliers: Bool

    private var uniformCache: [String: Tensor] = [:]
    private var recorded: [SiteMultiplier] = []

    /// A step; normally made by ``CmpDrop/makeStep(model:generator:recordMultipliers:)``.
    public init(steps: Int, rate: Double?, siteRates: [String: Double], generator: Generator,
                recordMultipliers: Bool = false) {
        self.steps = steps
        self.rate = rate
        self.siteRates = siteRates
        self.generator = generator
        self.recordMultipliers = recordMultipliers
    }

    /// A multiplier handed to one dropout site during one forward pass.
    public struct SiteMultiplier: @unchecked Sendable {
        /// The dropout site id.
        public let site: String
        /// The level `k` of the variant.
        public let level: Int
        /// The rate `p_k` used.
        public let rate: Double
        /// keep × `1 / (1 - p_k)`, the shape of the site's input.
        public let multiplier: Tensor
    }

    /// Every multiplier handed out so far (when ``recordMultipliers`` is on), in call order.
    public var multipliers: [SiteMultiplier] { recorded }

    /// The cached uniform draw of `site` (nil before the site first ran at a level >= 1).
    public func uniforms(site: String) -> Tensor? {
        uniformCache.first { $0.key.hasPrefix(site + "|") }?.value
    }

    /// The base rate `p` of `site` (explicit rate, else the site's configured rate, else `fallback`).
    public func baseRate(site: String, fallback: Double) -> Double { rate ?? siteRates[site] ?? fallback }

    /// The multiplier (keep-mask × scale) of `site` at `level` for an input of `shape`.
    /// - Throws: `CompareError` for a level outside `0...steps` or a bad rate.
    public func multiplier(site: String, shape: [Int], level: Int, fallbackRate: Double = 0) throws -> Tensor {
        if level < 0 || level > steps {
            throw CompareError.indexOutOfRange(operation: "cmpdrop", name: "level", index: level, count: steps + 1)
        }
        let p = baseRate(site: site, fallback: fallbackRate)
        let pk = try NestedDropout.rate(p, step: level)
        let key = Self.key(site, shape)
        let u: Tensor
        if let cached = uniformCache[key] {
            u = cached
        } else {
            u = try Tensor.uniform(shape, generator: generator)
            uniformCache[key] = u
        }
        let m = try u.ge(pk).mul(1 / (1 - pk))
        if recordMultipliers { recorded.append(SiteMultiplier(site: site, level: level, rate: pk, multiplier: m)) }
        return m
    }

    /// The forward context of variant `level`, derived from `base` (its mode, generator and other
    /// ablation hooks are kept): level 0 turns dropout off, level `k >= 1` supplies nested masks.
    public func context(level: Int, base: ForwardContext) -> ForwardContext {
        let ctx = base.derived()
        if level == 0 {
            ctx.dropoutEnabled = false
            ctx.dropoutOverride = nil
        } else {
            ctx.dropoutEnabled = true
            ctx.dropoutOverride = { [self] site, shape, configured in
                try self.multiplier(site: site, shape: shape, level: level, fallbackRate: Double(configured))
            }
        }
        return ctx
    }

    /// The contexts of levels `0...steps`.
    public func contexts(base: ForwardContext) -> [ForwardContext] {
        (0...steps).map { context(level: $0, base: base) }
    }

    static func key(_ site: String, _ shape: [Int]?) -> String {
        site + "|" + (shape?.map(String.init).joined(separator: "x") ?? "")
    }
}

extension ForwardContext {
    /// A new context with the same mode, generator, ablation hooks and precision (a shallow copy: tensors are
    /// shared, not copied).
    public func derived() -> ForwardContext {
        ForwardContext(training: training, generator: generator, dropoutEnabled: dropoutEnabled,
                       dropoutOverride: dropoutOverride, neuronMasks: neuronMasks, headMasks: headMasks,
                       skippedLayers: skippedLayers, parameterOverrides: parameterOverrides, precision: precision)
    }
}
