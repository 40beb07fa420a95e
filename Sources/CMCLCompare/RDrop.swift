import Foundation

/// The R-Drop regulariser (Liang et al., 2021), the baseline the comparative loss is compared with:
/// the symmetric KL divergence between the output distributions of two dropout passes.
///
/// For logits `a`, `b` of shape `[rows x classes]`, `p = softmax(a)`, `q = softmax(b)` per row:
/// `loss = alpha * reduce_rows( (KL(p || q) + KL(q || p)) / 2 )`, reduce = sum or mean.
///
/// Gradient (per row, `S = KL(p||q) + KL(q||p)`):
/// `dS/da_j = p_j (log p_j - log q_j - KL(p||q)) + p_j - q_j`, and symmetrically for `b`.
///
/// ```swift
/// let r = try RDrop.symmetricKL(logitsA: a, logitsB: b, rows: 8, classes: 3, alpha: 4)
/// r.loss; r.gradientA; r.gradientB
/// ```
public enum RDrop {
    /// How the per-row divergences are combined.
    public enum Reduction: String, Sendable, Hashable, CaseIterable {
        /// Sum over rows (the R-Drop reference code).
        case sum
        /// Mean over rows.
        case mean
    }

    /// The value and gradients of the R-Drop term.
    public struct Result: Sendable, Hashable {
        /// `alpha * reduce((KL(p||q) + KL(q||p)) / 2)`.
        public let loss: Double
        /// Per-row symmetric divergence `(KL(p||q) + KL(q||p)) / 2` (without alpha).
        public let perRow: [Double]
        /// `d loss / d logitsA`, row-major.
        public let gradientA: [Double]
        /// `d loss / d logitsB`, row-major.
        public let gradientB: [Double]
    }

    /// Computes the R-Drop term and its gradients.
    /// - Throws: `CompareError` for mismatched or wrong shapes, non-finite logits or a bad alpha.
    public static func symmetricKL<Scalar: BinaryFloatingPoint>(
        logitsA: [Scalar], logitsB: [Scalar], rows: Int, classes: Int, alpha: Double = 1,
        reduction: Reduction = .sum
    ) throws(CompareError) -> Result {
        let op = "r-drop"
        if logitsA.count != logitsB.count {
            throw .mismatchedShapes(operation: op, lhs: [logitsA.count], rhs: [logitsB.count])
        }
        if rows < 1 { throw .emptyBatch(operation: op) }
        if classes < 1 {
            throw .invalidCount(operation: op, name: "classes", value: classes, requirement: "it must be >= 1")
        }
        if rows.multipliedReportingOverflow(by: classes) != (logitsA.count, false) {
            throw .shapeMismatch(operation: op, count: logitsA.count, rows: rows, columns: classes)
        }
        if !(alpha.isFinite && alpha >= 0) {
            throw .invalidParameter(operation: op, name: "alpha", value: alpha, requirement: "it must be finite and >= 0")
        }
        let a = try finite(logitsA, columns: classes, operation: op + " (logits A)")
        let b = try finite(logitsB, columns: classes, operation: op + " (logits B)")
        let factor = alpha * (reduction == .mean ? 1 / Double(rows) : 1)
        var perRow = [Double](), gradientA = [Double](), gradientB = [Double]()
        perRow.reserveCapacity(rows)
        gradientA.reserveCapacity(a.count)
        gradientB.reserveCapacity(b.count)
        for r in 0..<rows {
            let range = (r * classes)..<((r + 1) * classes)
            let logP = logSoftmax(a[range]), logQ = logSoftmax(b[range])
            let p = logP.map { exp($0) }, q = logQ.map { exp($0) }
            var klPQ = 0.0, klQP = 0.0
            for j in 0..<classes {
                klPQ += p[j] * (logP[j] - logQ[j])
                klQP += q[j] * (logQ[j] - logP[j])
            }
            perRow.append((klPQ + klQP) / 2)
            // d/d a of S/2 and of d/d b of S/2, times the reduction factor.
            for j in 0..<classes {
                gradientA.append(factor * (p[j] * (logP[j] - logQ[j] - klPQ) + p[j] - q[j]) / 2)
            }
            for j in 0..<classes {
                gradientB.append(factor * (q[j] * (logQ[j] - logP[j] - klQP) + q[j] - p[j]) / 2)
            }
        }
        return Result(loss: factor * perRow.reduce(0, +), perRow: perRow, gradientA: gradientA, gradientB: gradientB)
    }

    /// Numerically stable log-softmax of one row.
    static func logSoftmax(_ row: ArraySlice<Double>) -> [Double] {
        let m = row.max() ?? 0
        let logSum = log(row.reduce(0) { $0 + exp($1 - m) }) + m
        return row.map { $0 - logSum }
    }

    static func finite<Scalar: BinaryFloatingPoint>(_ values: [Scalar], columns: Int, operation: String)
        throws(CompareError) -> [Double] {
        var result = [Double]()
        result.reserveCapacity(values.count)
        for (index, value) in values.enumerated() {
            let x = Double(value)
            if !x.isFinite {
                throw .nonFinite(operation: operation, row: index / columns, column: index % columns, value: x)
            }
            result.append(x)
        }
        return result
    }
}
