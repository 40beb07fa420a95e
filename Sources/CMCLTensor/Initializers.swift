import Foundation

/// Weight initialisers. `fanIn`/`fanOut` follow PyTorch: for a shape `[out, in, k…]`,
/// fanIn = in·∏k and fanOut = out·∏k; for a rank-2 `[in, out]` weight used as `x @ w` pass
/// `transposed: true` to swap them.
///
/// ```swift
/// let w = try Init.xavierUniform([768, 768])
/// let e = try Init.truncatedNormal([30522, 768], std: 0.02)
/// ```
public enum Init {
    static func fans(_ shape: [Int], transposed: Bool) throws -> (fanIn: Int, fanOut: Int) {
        guard shape.count >= 2 else { throw TensorError.invalidShape(op: "init", shape: shape, reason: "fan-based initialisers need rank >= 2") }
        let receptive = shape.dropFirst(2).reduce(1, *)
        let a = shape[1] * receptive, b = shape[0] * receptive
        return transposed ? (b, a) : (a, b)
    }

    /// Normal with standard deviation `std`.
    public static func normal(_ shape: [Int], std: Double, dtype: DType = .float32, generator: Generator) throws -> Tensor {
        try Tensor.normal(shape, std: std, dtype: dtype, generator: generator)
    }

    /// Truncated normal (default: BERT's std 0.02, truncated at 2 std).
    public static func truncatedNormal(_ shape: [Int], std: Double = 0.02, bound: Double = 2, dtype: DType = .float32,
                                       generator: Generator) throws -> Tensor {
        try Tensor.truncatedNormal(shape, std: std, bound: bound, dtype: dtype, generator: generator)
    }

    /// Xavier/Glorot uniform: `U(−a, a)` with `a = gain·√(6/(fanIn+fanOut))`.
    public static func xavierUniform(_ shape: [Int], gain: Double = 1, transposed: Bool = false, dtype: DType = .float32,
                                     generator: Generator) throws -> Tensor {
        let (i, o) = try fans(shape, transposed: transposed)
        let a = gain * Foundation.sqrt(6 / Double(Swift.max(i + o, 1)))
        return try Tensor.uniform(shape, low: -a, high: a, dtype: dtype, generator: generator)
    }

    /// Xavier/Glorot normal: std `gain·√(2/(fanIn+fanOut))`.
    public static func xavierNormal(_ shape: [Int], gain: Double = 1, transposed: Bool = false, dtype: DType = .float32,
                                    generator: Generator) throws -> Tensor {
        let (i, o) = try fans(shape, transposed: transposed)
        return try Tensor.normal(shape, std: gain * Foundation.sqrt(2 / Double(Swift.max(i + o, 1))), dtype: dtype, generator: generator)
    }

    /// Kaiming/He uniform (ReLU gain √2 over fanIn): bound `√2·√(3/fanIn)`.
    public static func kaimingUniform(_ shape: [Int], transposed: Bool = false, dtype: DType = .float32,
                                      generator: Generator) throws -> Tensor {
        let (i, _) = try fans(shape, transposed: transposed)
        let a = Foundation.sqrt(2.0) * Foundation.sqrt(3 / Double(Swift.max(i, 1)))
        return try Tensor.uniform(shape, low: -a, high: a, dtype: dtype, generator: generator)
    }

    /// Kaiming/He normal: std `√(2/fanIn)`.
    public static func kaimingNormal(_ shape: [Int], transposed: Bool = false, dtype: DType = .float32,
                                     generator: Generator) throws -> Tensor {
        let (i, _) = try fans(shape, transposed: transposed)
        return try Tensor.normal(shape, std: Foundation.sqrt(2 / Double(Swift.max(i, 1))), dtype: dtype, generator: generator)
    }
}
