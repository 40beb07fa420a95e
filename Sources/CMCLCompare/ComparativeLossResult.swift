/// The value, gradient and breakdown of a comparative-loss evaluation.
public struct ComparativeLossResult<Scalar: BinaryFloatingPoint & Sendable>: Sendable {
    /// Batch loss: the mean of `perExample`.
    public let loss: Scalar
    /// `d loss / d losses`, row-major `[rows x columns]`.
    public let gradient: [Scalar]
    /// Batch size `B`.
    public let rows: Int
    /// Number of variants `c + 1`.
    public let columns: Int
    /// Batch mean of the unweighted ranking loss (with the target in `.comparative` mode).
    public let rankingTerm: Scalar
    /// Batch mean of the primary task-loss term (0 in `.comparative` mode).
    public let primaryTerm: Scalar
    /// Per-example loss: the ranking loss, or `primary + weight * ranking`.
    public let perExample: [Scalar]
    /// Per-example unweighted ranking loss.
    public let perExampleRanking: [Scalar]
    /// Per-example primary term (0 in `.comparative` mode).
    public let perExamplePrimary: [Scalar]
    /// Per-example number of pairs `i < j` of variants where the more ablated variant `j` has a
    /// strictly lower task loss: violations of the comparison principle.
    public let violationsPerExample: [Int]

    /// Creates a result; normally produced by `ComparativeLoss.evaluate`.
    public init(loss: Scalar, gradient: [Scalar], rows: Int, columns: Int, rankingTerm: Scalar,
                primaryTerm: Scalar, perExample: [Scalar], perExampleRanking: [Scalar],
                perExamplePrimary: [Scalar], violationsPerExample: [Int]) {
        self.loss = loss
        self.gradient = gradient
        self.rows = rows
        self.columns = columns
        self.rankingTerm = rankingTerm
        self.primaryTerm = primaryTerm
        self.perExample = perExample
        self.perExampleRanking = perExampleRanking
        self.perExamplePrimary = perExamplePrimary
        self.violationsPerExample = violationsPerExample
    }

    /// Total violations of the comparison principle over the batch.
    public var violations: Int { violationsPerExample.reduce(0, +) }

    /// Number of variant pairs per example, `c (c + 1) / 2`.
    public var pairsPerExample: Int { columns * (columns - 1) / 2 }

    /// Fraction of all variant pairs in the batch that violate the comparison principle.
    public var violationRate: Double {
        let pairs = rows * pairsPerExample
        return pairs == 0 ? 0 : Double(violations) / Double(pairs)
    }

    /// The gradient row of example `row`; nil when `row` is out of range.
    public func gradient(row: Int) -> ArraySlice<Scalar>? {
        guard row >= 0, row < rows else { return nil }
        return gradient[(row * columns)..<((row + 1) * columns)]
    }
}
