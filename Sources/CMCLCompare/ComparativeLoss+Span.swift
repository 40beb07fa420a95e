/// Span extraction (start and end positions), as in the reference QA models.
///
/// With start losses `s` and end losses `t` of shape `[B x (c+1)]`, per example:
/// - `.comparative`: `(rank(s) + rank(t)) / 2`, each with its own detached target;
/// - `.regularize`: `primary((s + t) / 2) + weight * (rank(s) + rank(t)) / 2`.
/// Violations are counted on the reading-comprehension losses `(s + t) / 2`.
extension ComparativeLoss {
    /// Evaluates the span-extraction comparative loss and its gradients wrt both loss matrices.
    ///
    /// ```swift
    /// let r = try ComparativeLoss.evaluateSpan(start: s, end: t, rows: 4, columns: 3, config: config)
    /// r.loss; r.startGradient; r.endGradient
    /// ```
    /// - Throws: `CompareError` for bad shapes, `c < 1`, empty batches or non-finite losses.
    public static func evaluateSpan<Scalar: BinaryFloatingPoint & Sendable>(
        start: [Scalar], end: [Scalar], rows: Int, columns: Int, config: ComparativeLossConfig
    ) throws(CompareError) -> SpanComparativeLossResult<Scalar> {
        let op = "span comparative loss"
        if start.count != end.count {
            throw .mismatchedShapes(operation: op, lhs: [start.count], rhs: [end.count])
        }
        let s = try checkedMatrix(start, rows: rows, columns: columns, operation: op + " (start)")
        let t = try checkedMatrix(end, rows: rows, columns: columns, operation: op + " (end)")
        try config.validate()
        let config = scheduled(config, primaryMean: (0..<rows).reduce(0.0) { sum, b in
            let range = (b * columns)..<((b + 1) * columns)
            return sum + primaryTerm(zip(s[range], t[range]).map { ($0 + $1) / 2 }, primary: config.primary).value
        } / Double(rows))
        // Ranking parts come from the comparative form (or regularize with weight 1 and primary dropped).
        var rankingConfig = config
        if config.mode == .regularize { rankingConfig.weight = 1 }
        var startGradient = [Scalar](repeating: 0, count: s.count)
        var endGradient = [Scalar](repeating: 0, count: s.count)
        var perExample = [Scalar](), perViolations = [Int]()
        var total = 0.0, rankingTotal = 0.0, primaryTotal = 0.0
        let scale = 1 / Double(rows)
        for b in 0..<rows {
            let range = (b * columns)..<((b + 1) * columns)
            let rowS = Array(s[range]), rowT = Array(t[range])
            let rc = zip(rowS, rowT).map { ($0 + $1) / 2 }
            let partS = example(rowS, config: rankingConfig)
            let partT = example(rowT, config: rankingConfig)
            let ranking = (partS.ranking + partT.ranking) / 2
            var value: Double
            var gradS: [Double], gradT: [Double]
            var primary = 0.0
            switch config.mode {
            case .comparative:
                value = ranking
                gradS = partS.gradient.map { $0 / 2 }
                gradT = partT.gradient.map { $0 / 2 }
            case .regularize:
                // Ranking-only gradients: remove each part's primary contribution by re-deriving.
                let rankS = rankingGradient(rowS, config: config)
                let rankT = rankingGradient(rowT, config: config)
                let primaryPart = primaryTerm(rc, primary: config.primary)
                primary = primaryPart.value
                value = primary + config.weight * ranking
                gradS = (0..<columns).map { config.weight * rankS[$0] / 2 + primaryPart.gradient[$0] / 2 }
                gradT = (0..<columns).map { config.weight * rankT[$0] / 2 + primaryPart.gradient[$0] / 2 }
            }
            total += value
            rankingTotal += ranking
            primaryTotal += primary
            perExample.append(Scalar(value))
            perViolations.append(RankingLoss.violations(rc))
            for k in 0..<columns {
                startGradient[b * columns + k] = Scalar(gradS[k] * scale)
                endGradient[b * columns + k] = Scalar(gradT[k] * scale)
            }
        }
        return SpanComparativeLossResult(
            loss: Scalar(total * scale), startGradient: startGradient, endGradient: endGradient,
            rows: rows, columns: columns, rankingTerm: Scalar(rankingTotal * scale),
            primaryTerm: Scalar(primaryTotal * scale), perExample: perExample, violationsPerExample: perViolations)
    }

    /// `d rank(effects(losses)) / d losses` for the unweighted ranking over the effects (no target).
    static func rankingGradient(_ losses: [Double], config: ComparativeLossConfig) -> [Double] {
        let effects = losses.map { -$0 / config.temperature }
        let ranked = config.ranking == .pairwise ? RankingLoss.pairwise(effects) : RankingLoss.listwise(effects)
        return ranked.gradient.map { -$0 / config.temperature }
    }

    /// The primary term of a row and its gradient.
    static func primaryTerm(_ losses: [Double], primary: ComparativeLossConfig.Primary)
        -> (value: Double, gradient: [Double]) {
        let n = losses.count
        var gradient = [Double](repeating: 0, count: n)
        switch primary {
        case .avg:
            for k in 0..<n { gradient[k] = 1 / Double(n) }
            return (losses.reduce(0, +) / Double(n), gradient)
        case .fst:
            gradient[0] = 1
            return (losses[0], gradient)
        case .lst:
            gradient[n - 1] = 1
            return (losses[n - 1], gradient)
        case .max:
            var argmax = 0
            for k in 1..<n where losses[k] > losses[argmax] { argmax = k }
            gradient[argmax] = 1
            return (losses[argmax], gradient)
        }
    }
}

/// The value, gradients and breakdown of a span-extraction comparative loss.
public struct SpanComparativeLossResult<Scalar: BinaryFloatingPoint & Sendable>: Sendable {
    /// Batch loss: the mean of `perExample`.
    public let loss: Scalar
    /// `d loss / d start losses`, row-major `[rows x columns]`.
    public let startGradient: [Scalar]
    /// `d loss / d end losses`, row-major `[rows x columns]`.
    public let endGradient: [Scalar]
    /// Batch size `B`.
    public let rows: Int
    /// Number of variants `c + 1`.
    public let columns: Int
    /// Batch mean of `(rank(start) + rank(end)) / 2` (unweighted).
    public let rankingTerm: Scalar
    /// Batch mean of the primary term on `(start + end) / 2` (0 in `.comparative` mode).
    public let primaryTerm: Scalar
    /// Per-example loss.
    public let perExample: [Scalar]
    /// Per-example violations of the comparison principle on `(start + end) / 2`.
    public let violationsPerExample: [Int]

    /// Total violations over the batch.
    public var violations: Int { violationsPerExample.reduce(0, +) }
}
