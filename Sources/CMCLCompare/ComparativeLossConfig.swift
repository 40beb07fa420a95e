/// Configuration of the cross-model comparative loss (Zhu et al., arXiv 2301.03765).
///
/// Per example the loss sees the task losses `l_0` (full model) ... `l_c` (c successively
/// ablated, nested variants) and the effects `e_k = -l_k / temperature`.
///
/// - `.comparative` (the reference `just_cmp`): ranking loss over `[e_0 ... e_c, e_target]`, where
///   `e_target` is a detached target chosen by `target`.
/// - `.regularize`: `primary(l) + weight * ranking loss over [e_0 ... e_c]` (no target).
///
/// ```swift
/// let config = try ComparativeLossConfig(mode: "cmp", target: "first", ranking: "listwise")
/// let result = try ComparativeLoss.evaluate(losses: [0.2, 0.9, 1.4], rows: 1, columns: 3, config: config)
/// ```
public struct ComparativeLossConfig: Sendable, Hashable, CustomStringConvertible {
    /// How the ranking loss is combined with the task loss.
    public enum Mode: String, Sendable, Hashable, CaseIterable {
        /// Ranking loss over the effects and a detached target effect (`just_cmp`).
        case comparative
        /// Primary task loss plus a weighted ranking loss over the effects.
        case regularize
    }

    /// The detached target effect appended in `.comparative` mode.
    public enum Target: String, Sendable, Hashable, CaseIterable {
        /// `e = 0`, i.e. a task loss of zero.
        case ultra
        /// `max_k e_k`.
        case best
        /// `(e_0 + bestRest) / 2` if `e_0 > bestRest`, else `bestRest`, where `bestRest = max_{k>=1} e_k`.
        case first
    }

    /// The ranking loss over effects in their intended order (full model first).
    public enum Ranking: String, Sendable, Hashable, CaseIterable {
        /// Mean over pairs `i < j` of `max(0, e_j - e_i)`.
        case pairwise
        /// ListMLE in the intended order.
        case listwise
    }

    /// The primary task-loss term in `.regularize` mode.
    public enum Primary: String, Sendable, Hashable, CaseIterable {
        /// `max_k l_k`.
        case max
        /// `mean_k l_k`.
        case avg
        /// `l_0`, the full model.
        case fst
        /// `l_c`, the most ablated variant.
        case lst
    }

    /// Comparative (`just_cmp`) or regularizer mode.
    public var mode: Mode
    /// Target effect used in `.comparative` mode (ignored in `.regularize` mode).
    public var target: Target
    /// Pairwise hinge or listwise ListMLE.
    public var ranking: Ranking
    /// Temperature `T > 0` in `e_k = -l_k / T`.
    public var temperature: Double
    /// Weight of the ranking loss in `.regularize` mode (ignored in `.comparative` mode).
    public var weight: Double
    /// Primary task-loss term in `.regularize` mode (ignored in `.comparative` mode).
    public var primary: Primary
    /// The reference's `cr_schedule` (`.regularize` mode): the weighted ranking term is left out of
    /// a batch whose mean primary loss exceeds ``scheduleThreshold``, so the comparison starts
    /// once the task is partly learned.
    public var schedule: Bool

    /// The batch-mean primary loss above which `schedule` drops the ranking term (1.1, as in the
    /// reference code).
    public static let scheduleThreshold = 1.1

    /// Creates a validated configuration.
    /// - Throws: `CompareError.invalidParameter` for a temperature that is not finite and positive
    ///   or a weight that is not finite and non-negative.
    public init(mode: Mode = .comparative, target: Target = .ultra, ranking: Ranking = .pairwise,
                temperature: Double = 1.0, weight: Double = 1.0, primary: Primary = .max,
                schedule: Bool = false) throws(CompareError) {
        self.mode = mode
        self.schedule = schedule
        self.target = target
        self.ranking = ranking
        self.temperature = temperature
        self.weight = weight
        self.primary = primary
        try validate()
    }

    /// Creates a configuration from names, as a notebook user types them.
    ///
    /// Accepted spellings (case-insensitive): mode `comparative` | `cmp` | `just_cmp` | `regularize` |
    /// `reg` | `regularizer`; target `ultra` | `best` | `first`; ranking `pairwise` | `pair` | `listwise` |
    /// `list`; primary `max` | `avg` | `mean` | `fst` | `first` | `lst` | `last`.
    /// - Throws: `CompareError.unknownName` with did-you-mean candidates, or `invalidParameter`.
    public init(mode: String, target: String = "ultra", ranking: String = "pairwise",
                temperature: Double = 1.0, weight: Double = 1.0, primary: String = "max",
                schedule: Bool = false) throws(CompareError) {
        let op = "comparative loss"
        try self.init(
            mode: CompareError.resolve(mode, in: Self.modeNames, kind: "mode", operation: op),
            target: CompareError.resolve(target, in: Self.targetNames, kind: "target", operation: op),
            ranking: CompareError.resolve(ranking, in: Self.rankingNames, kind: "ranking", operation: op),
            temperature: temperature, weight: weight,
            primary: CompareError.resolve(primary, in: Self.primaryNames, kind: "primary", operation: op),
            schedule: schedule)
    }

    /// Creates a configuration with the reference code's option names
    /// (`just_cmp`, `loss_target`, `listwise`, `cr_temp`, `cr_weight`, `loss_primary`, `cr_schedule`).
    public init(justCompare: Bool, target: String = "ultra", listwise: Bool, temperature: Double,
                weight: Double = 1.0, primary: String = "max", schedule: Bool = false) throws(CompareError) {
        try self.init(mode: justCompare ? "comparative" : "regularize", target: target,
                      ranking: listwise ? "listwise" : "pairwise", temperature: temperature,
                      weight: weight, primary: primary, schedule: schedule)
    }

    /// Checks the numeric parameters.
    public func validate() throws(CompareError) {
        if !(temperature.isFinite && temperature > 0) {
            throw .invalidParameter(operation: "comparative loss", name: "temperature", value: temperature,
                                    requirement: "it must be finite and > 0")
        }
        if !(weight.isFinite && weight >= 0) {
            throw .invalidParameter(operation: "comparative loss", name: "weight", value: weight,
                                    requirement: "it must be finite and >= 0")
        }
    }

    public var description: String {
        switch mode {
        case .comparative:
            return "ComparativeLossConfig(comparative, target: \(target.rawValue), ranking: \(ranking.rawValue), "
                + "temperature: \(temperature))"
        case .regularize:
            return "ComparativeLossConfig(regularize, primary: \(primary.rawValue), weight: \(weight), "
                + "ranking: \(ranking.rawValue), temperature: \(temperature)\(schedule ? ", schedule" : ""))"
        }
    }

    /// Every spelling of each mode, target, ranking and primary (case-insensitive).
    public static let modeNames: [(String, Mode)] = [
        ("comparative", .comparative), ("cmp", .comparative), ("just_cmp", .comparative),
        ("regularize", .regularize), ("reg", .regularize), ("regularizer", .regularize),
    ]
    public static let targetNames: [(String, Target)] = [("ultra", .ultra), ("best", .best), ("first", .first)]
    public static let rankingNames: [(String, Ranking)] = [
        ("pairwise", .pairwise), ("pair", .pairwise), ("listwise", .listwise), ("list", .listwise),
    ]
    public static let primaryNames: [(String, Primary)] = [
        ("max", .max), ("avg", .avg), ("mean", .avg), ("fst", .fst), ("first", .fst), ("lst", .lst), ("last", .lst),
    ]
}
