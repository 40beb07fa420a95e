/// The cross-model comparative loss over a `[B x (c+1)]` matrix of per-example task losses
/// (column 0: full model; columns 1...c: nested ablated variants), with its analytic gradient.
///
/// Batch loss = mean over examples. Gradient conventions (matching the PyTorch reference):
/// the target effect of `.comparative` mode is detached (no gradient flows through it);
/// the pairwise hinge passes the gradient of `e_j - e_i` at an exact tie (as torch 1.11 does); `primary = .max` routes its gradient to the
/// first maximal column.
///
/// ```swift
/// let config = try ComparativeLossConfig(mode: .comparative, target: .ultra)
/// let r = try ComparativeLoss.evaluate(losses: [0.2, 1.4,  1.4, 0.2], rows: 2, columns: 2, config: config)
/// r.loss       // batch mean
/// r.gradient   // d loss / d losses, row-major [2 x 2]
/// r.violations // 1: in row 1 the ablated variant has the lower loss
/// ```
public enum ComparativeLoss {
    /// Evaluates the loss for a row-major flat matrix.
    /// - Parameters:
    ///   - losses: `rows * columns` task losses, row-major.
    ///   - rows: batch size `B >= 1`.
    ///   - columns: `c + 1 >= 2` variants.
    /// - Throws: `CompareError` for a bad shape, `c < 1`, an empty batch, or a non-finite loss.
    public static func evaluate<Scalar: BinaryFloatingPoint & Sendable>(
        losses: [Scalar], rows: Int, columns: Int, config: ComparativeLossConfig
    ) throws(CompareError) -> ComparativeLossResult<Scalar> {
        let op = "comparative loss"
        let values = try checkedMatrix(losses, rows: rows, columns: columns, operation: op)
        try config.validate()
        let config = scheduled(config, primaryMean: (0..<rows).reduce(0.0) {
            $0 + primaryTerm(Array(values[($1 * columns)..<(($1 + 1) * columns)]), primary: config.primary).value
        } / Double(rows))
        var gradient = [Scalar](repeating: 0, count: rows * columns)
        var perExample = [Scalar](), perRanking = [Scalar](), perPrimary = [Scalar](), perViolations = [Int]()
        var total = 0.0, rankingTotal = 0.0, primaryTotal = 0.0
        let scale = 1 / Double(rows)
        for b in 0..<rows {
            let row = Array(values[(b * columns)..<((b + 1) * columns)])
            let part = example(row, config: config)
            total += part.value
            rankingTotal += part.ranking
            primaryTotal += part.primary
            perExample.append(Scalar(part.value))
            perRanking.append(Scalar(part.ranking))
            perPrimary.append(Scalar(part.primary))
            perViolations.append(RankingLoss.violations(row))
            for k in 0..<columns { gradient[b * columns + k] = Scalar(part.gradient[k] * scale) }
        }
        return ComparativeLossResult(
            loss: Scalar(total * scale), gradient: gradient, rows: rows, columns: columns,
            rankingTerm: Scalar(rankingTotal * scale), primaryTerm: Scalar(primaryTotal * scale),
            perExample: perExample, perExampleRanking: perRanking, perExamplePrimary: perPrimary,
            violationsPerExample: perViolations)
    }

    /// Evaluates the loss for a nested array `[B][c+1]`.
    /// - Throws: `CompareError.raggedRows` if rows differ in length, plus the errors of the flat form.
    public static func evaluate<Scalar: BinaryFloatingPoint & Sendable>(
        losses: [[Scalar]], config: ComparativeLossConfig
    ) throws(CompareError) -> ComparativeLossResult<Scalar> {
        let (flat, rows, columns) = try flatten(losses, operation: "comparative loss")
        return try evaluate(losses: flat, rows: rows, columns: columns, config: config)
    }

    /// One example's loss, its parts and `d value / d losses` (not yet divided by the batch size).
    struct ExampleParts {
        var value: Double
        var ranking: Double
        var primary: Double
        var gradient: [Double]
    }

    /// The configuration in effect for a batch: with `schedule` (`.regularize` mode) and a batch-mean
    /// primary loss above ``ComparativeLossConfig/scheduleThreshold``, the ranking weight is 0.
    static func scheduled(_ config: ComparativeLossConfig, primaryMean: Double) -> ComparativeLossConfig {
        guard config.mode == .regularize, config.schedule,
              primaryMean > ComparativeLossConfig.scheduleThreshold else { return config }
        var off = config
        off.weight = 0
        return off
    }

    /// Detached target effect for `.comparative` mode.
    static func targetEffect(_ effects: [Double], target: ComparativeLossConfig.Target) -> Double {
        switch target {
        case .ultra:
            return 0
        case .best:
            return effects.max() ?? 0
        case .first:
            let bestRest = effects.dropFirst().max() ?? effects[0]
            return effects[0] > bestRest ? (effects[0] + bestRest) / 2 : bestRest
        }
    }

    /// The loss of one example (a row of `c + 1 >= 2` finite task losses).
    static func example(_ losses: [Double], config: ComparativeLossConfig) -> ExampleParts {
        let n = losses.count
        let t = config.temperature
        let effects = losses.map { -$0 / t }
        func rank(_ values: [Double]) -> (value: Double, gradient: [Double]) {
            switch config.ranking {
            case .pairwise: return RankingLoss.pairwise(values)
            case .listwise: return RankingLoss.listwise(values)
            }
        }
        switch config.mode {
        case .comparative:
            let ranked = rank(effects + [targetEffect(effects, target: config.target)])
            // Drop the detached target's gradient; chain through e_k = -l_k / T.
            let gradient = (0..<n).map { -ranked.gradient[$0] / t }
            return ExampleParts(value: ranked.value, ranking: ranked.value, primary: 0, gradient: gradient)
        case .regularize:
            let ranked = rank(effects)
            var gradient = (0..<n).map { -ranked.gradient[$0] * config.weight / t }
            let primary: Double
            switch config.primary {
            case .avg:
                primary = losses.reduce(0, +) / Double(n)
                for k in 0..<n { gradient[k] += 1 / Double(n) }
            case .fst:
                primary = losses[0]
                gradient[0] += 1
            case .lst:
                primary = losses[n - 1]
                gradient[n - 1] += 1
            case .max:
                var argmax = 0
                for k in 1..<n where losses[k] > losses[argmax] { argmax = k }
                primary = losses[argmax]
                gradient[argmax] += 1
            }
            return ExampleParts(value: primary + config.weight * ranked.value, ranking: ranked.value,
                                primary: primary, gradient: gradient)
        }
    }

    /// Validates a flat matrix and converts it to `Double`.
    static func checkedMatrix<Scalar: BinaryFloatingPoint>(
        _ losses: [Scalar], rows: Int, columns: Int, operation: String
    ) throws(CompareError) -> [Double] {
        if rows < 1 { throw .emptyBatch(operation: operation) }
        if columns < 2 { throw .tooFewVariants(operation: operation, columns: columns) }
        let (count, overflow) = rows.multipliedReportingOverflow(by: columns)
        if overflow || count != losses.count {
            throw .shapeMismatch(operation: operation, count: losses.count, rows: rows, columns: columns)
        }
        var values = [Double]()
        values.reserveCapacity(count)
        for (index, loss) in losses.enumerated() {
            let value = Double(loss)
            if !value.isFinite {
                throw .nonFinite(operation: operation, row: index / columns, column: index % columns, value: value)
            }
            values.append(value)
        }
        return values
    }

    /// Flattens a nested matrix, rejecting ragged rows and empty batches.
    static func flatten<Scalar>(_ rows: [[Scalar]], operation: String) throws(CompareError)
        -> (flat: [Scalar], rows: Int, columns: Int) {
        guard let first = rows.first else { throw .emptyBatch(operation: operation) }
        for (index, row) in rows.enumerated() where row.count != first.count {
            throw .raggedRows(operation: operation, row: index, expected: first.count, got: row.count)
        }
        return (rows.flatMap { $0 }, rows.count, first.count)
    }
}
