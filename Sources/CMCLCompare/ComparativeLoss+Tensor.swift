import CMCLTensor

/// The comparative loss as a differentiable engine operation on a `[B, c+1]` loss tensor.
///
/// The forward value and the analytic gradient come from the plain-array core
/// (``ComparativeLoss/evaluate(losses:rows:columns:config:)``); the op records that gradient on
/// the autodiff tape with `Tensor.custom`, so the per-example task losses (column 0: full model,
/// columns 1...c: nested ablated variants) keep their own graph back to the model's weights.
///
/// ```swift
/// let losses = try Tensor.stack([l0, l1, l2], axis: 1)          // [B, 3], part of the graph
/// let out = try ComparativeLoss.loss(losses, config: config)
/// try out.value.backward()                                      // reaches every variant's weights
/// out.result.violationRate
/// ```
extension ComparativeLoss {
    /// The scalar batch loss of a `[B, c+1]` float32/float64 loss tensor, differentiable in it.
    /// - Throws: `CompareError` for a tensor that is not a float `[B, c+1]` matrix with `B >= 1`,
    ///   `c >= 1`, or that holds a non-finite loss.
    public static func loss(_ losses: Tensor, config: ComparativeLossConfig) throws -> ComparativeLossTensorOutput {
        let op = "comparative loss"
        let (rows, columns) = try matrixShape(losses, operation: op)
        let result: ComparativeLossResult<Double> = try evaluate(
            losses: losses.toDoubles(), rows: rows, columns: columns, config: config)
        let dtype = losses.dtype
        let gradient = try Tensor(doubles: result.gradient, shape: [rows, columns]).to(dtype)
        let value = Tensor.custom(name: op, inputs: [losses], output: Tensor(scalar: result.loss, dtype: dtype)) { g in
            [try gradient.mul(g)]
        }
        return ComparativeLossTensorOutput(value: value, result: result)
    }

    /// The span-extraction comparative loss of start and end loss tensors `[B, c+1]`,
    /// differentiable in both (see ``evaluateSpan(start:end:rows:columns:config:)``).
    /// - Throws: `CompareError` for mismatched or malformed matrices or non-finite losses.
    public static func spanLoss(start: Tensor, end: Tensor, config: ComparativeLossConfig) throws
        -> SpanComparativeLossTensorOutput {
        let op = "span comparative loss"
        let (rows, columns) = try matrixShape(start, operation: op + " (start)")
        guard end.shape == start.shape else {
            throw CompareError.mismatchedShapes(operation: op, lhs: start.shape, rhs: end.shape)
        }
        _ = try matrixShape(end, operation: op + " (end)")
        let result: SpanComparativeLossResult<Double> = try evaluateSpan(
            start: start.toDoubles(), end: end.toDoubles(), rows: rows, columns: columns, config: config)
        let dtype = start.dtype
        let gs = try Tensor(doubles: result.startGradient, shape: [rows, columns]).to(dtype)
        let ge = try Tensor(doubles: result.endGradient, shape: [rows, columns]).to(dtype)
        let value = Tensor.custom(name: op, inputs: [start, end], output: Tensor(scalar: result.loss, dtype: dtype)) { g in
            [try gs.mul(g), try ge.mul(g)]
        }
        return SpanComparativeLossTensorOutput(value: value, result: result)
    }

    static func matrixShape(_ t: Tensor, operation: String) throws(CompareError) -> (rows: Int, columns: Int) {
        guard t.rank == 2, t.dtype.isFloatingPoint else {
            throw .invalidInput(operation: operation,
                                reason: "expected a float [batch, c+1] loss matrix, got \(t.dtype) \(t.shape)")
        }
        if t.shape[0] < 1 { throw .emptyBatch(operation: operation) }
        if t.shape[1] < 2 { throw .tooFewVariants(operation: operation, columns: t.shape[1]) }
        return (t.shape[0], t.shape[1])
    }
}

/// The differentiable value of ``ComparativeLoss/loss(_:config:)`` and its breakdown.
public struct ComparativeLossTensorOutput: @unchecked Sendable {
    /// The scalar batch loss, recorded on the tape (same dtype as the input).
    public let value: Tensor
    /// Value, gradient, ranking and primary terms and violations, in double precision.
    public let result: ComparativeLossResult<Double>
}

/// The differentiable value of ``ComparativeLoss/spanLoss(start:end:config:)`` and its breakdown.
public struct SpanComparativeLossTensorOutput: @unchecked Sendable {
    /// The scalar batch loss, recorded on the tape (same dtype as the inputs).
    public let value: Tensor
    /// Value, gradients and breakdown, in double precision.
    public let result: SpanComparativeLossResult<Double>
}
