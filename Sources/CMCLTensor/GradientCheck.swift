/// The gradient-check helper: compares the tape's gradients with central finite differences in
/// double precision.
///
/// `f` maps the inputs to any tensor; the check differentiates `sum(f(x) · r)` for a fixed random
/// `r`, so every output element matters. Floating inputs are converted to `float64` leaves;
/// `int32` inputs (indices, labels) pass through undifferentiated.
///
/// ```swift
/// let report = try GradientCheck.check([a, b]) { x in try x[0].mul(x[1]).tanh() }
/// #expect(report.passed, "\(report)")
/// ```
public enum GradientCheck {
    /// The outcome of a check.
    public struct Report: Sendable, CustomStringConvertible {
        /// Largest `|analytic − numeric|` over all checked elements.
        public var maxAbsError: Double
        /// Largest error relative to `atol + rtol·|numeric|` (≤ 1 passes).
        public var worstRatio: Double
        /// Where the worst element is: input index, flat element index, analytic, numeric.
        public var worst: (input: Int, element: Int, analytic: Double, numeric: Double)?
        /// Whether every element is within tolerance.
        public var passed: Bool { worstRatio <= 1 }

        public var description: String {
            guard let w = worst else { return "gradcheck: nothing to check" }
            return "gradcheck: max abs error \(maxAbsError), worst at input \(w.input) element \(w.element): analytic \(w.analytic) vs numeric \(w.numeric)"
        }
    }

    /// Checks the gradients of `f` at `inputs`.
    public static func check(_ inputs: [Tensor], eps: Double = 1e-6, atol: Double = 1e-6, rtol: Double = 1e-4,
                             seed: UInt64 = 7, _ f: ([Tensor]) throws -> Tensor) throws -> Report {
        let xs: [Tensor] = try inputs.map { t in
            guard t.dtype.isFloatingPoint else { return t }
            return try t.detach().to(.float64).contiguousData().copyDetached().requiringGrad()
        }
        let y0 = try f(xs)
        let r = try Tensor.uniform(y0.shape, low: 0.5, high: 1.5, dtype: .float64, generator: Generator(seed: seed))
        func loss(_ y: Tensor) throws -> Tensor { try y.to(.float64).mul(r).sum() }
        try loss(y0).backward()
        var report = Report(maxAbsError: 0, worstRatio: 0, worst: nil)
        for (k, x) in xs.enumerated() where x.dtype == .float64 {
            let analytic = x.grad?.toDoubles() ?? [Double](repeating: 0, count: x.count)
            let p = x.pointer(Double.self)
            for i in 0..<x.count {
                let orig = p[i]
                p[i] = orig + eps
                let lp = try Tensor.withNoGrad { try loss(f(xs)).scalar() }
                p[i] = orig - eps
                let lm = try Tensor.withNoGrad { try loss(f(xs)).scalar() }
                p[i] = orig
                let numeric = (lp - lm) / (2 * eps)
                let err = Swift.abs(analytic[i] - numeric)
                let ratio = err.isNaN ? .infinity : err / (atol + rtol * Swift.abs(numeric))
                report.maxAbsError = Swift.max(report.maxAbsError, err.isNaN ? .infinity : err)
                if report.worst == nil || ratio > report.worstRatio {
                    report.worstRatio = ratio
                    report.worst = (k, i, analytic[i], numeric)
                }
            }
        }
        return report
    }
}

extension Tensor {
    /// A dense copy that is a fresh leaf.
    func copyDetached() -> Tensor {
        let out = Tensor(uninitializedShape: shape, dtype: dtype)
        copyStrided(from: self, to: out)
        return out
    }
}
