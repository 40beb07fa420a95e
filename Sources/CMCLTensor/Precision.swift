import CMCLBF16

/// The precision matrix products run in, chosen per call (and per forward pass through
/// `ForwardContext.precision`), never process-wide.
///
/// - `fp32`: float32 operands and accumulation (OpenBLAS sgemm), the default.
/// - `bf16`: mixed precision as PyTorch's CPU autocast does it: the two float32 operands of a
///   product are rounded to bfloat16 (round to nearest even) and the products are accumulated in
///   float32 (VDPBF16PS, `Sources/CMCLBF16`); the result is float32. Only float32 products change:
///   float64 products (gradient checks) stay exact.
///
/// ```swift
/// let y = try x.matmul(w, precision: .bf16)
/// ```
public enum Precision: String, Sendable, CaseIterable, CustomStringConvertible {
    case fp32, bf16

    public var description: String { rawValue }

    /// Whether this CPU runs bfloat16 products (AVX-512 F, BW, VL and BF16).
    public static var bf16Supported: Bool { cmcl_bf16_supported() != 0 }

    /// Why `bf16` cannot run here.
    public static let bf16Unsupported = "bfloat16 precision needs a CPU with AVX512_BF16 (the avx512_bf16 flag in /proc/cpuinfo) "
        + "and AVX-512 F, BW and VL; this CPU lacks them, so use precision \"fp32\""

    /// Throws when this precision cannot run on this CPU (`supported`: whether it has AVX512_BF16).
    public func check(op: String = "precision", supported: Bool = Precision.bf16Supported) throws {
        if self == .bf16 && !supported { throw TensorError.invalidArgument(op: op, reason: Precision.bf16Unsupported) }
    }

    /// `x` rounded to bfloat16 and back, as a `bf16` product rounds its operands (for tests).
    public static func roundedToBF16(_ x: Float) -> Float { cmcl_bf16_round(x) }
}
