// The matrix products of a MiniLM-L6 training step (batch 16 × 64 tokens: 1,024 rows, hidden 384,
// feed-forward 1,536, 12 heads of 64 × 32), timed in bf16 and fp32 by `CMCLBench` (kernels).
import CMCLTensor

struct ProductShape {
    let name: String
    /// `[batch…, m, k] @ [batch…, k, n]`, the second operand given as stored and transposed when `transposeB`.
    let batch: [Int], m: Int, k: Int, n: Int, transposeB: Bool, transposeA: Bool

    static let bf16Shapes: [ProductShape] = [
        ProductShape(name: "matmul1024", batch: [], m: 1024, k: 1024, n: 1024, transposeB: false, transposeA: false),
        // Forward projections x · Wᵀ (weights [out, in]).
        ProductShape(name: "minilm_qkv_1024x384x384", batch: [], m: 1024, k: 384, n: 384, transposeB: true, transposeA: false),
        ProductShape(name: "minilm_ffn_up_1024x384x1536", batch: [], m: 1024, k: 384, n: 1536, transposeB: true, transposeA: false),
        ProductShape(name: "minilm_ffn_down_1024x1536x384", batch: [], m: 1024, k: 1536, n: 384, transposeB: true, transposeA: false),
        // Backward: the weight gradient gᵀ · x (k = tokens).
        ProductShape(name: "minilm_dW_ffn_1536x1024x384", batch: [], m: 1536, k: 1024, n: 384, transposeB: false, transposeA: true),
        // Attention scores per head, q · kᵀ, 16 × 12 heads.
        ProductShape(name: "minilm_scores_192x64x32x64", batch: [192], m: 64, k: 32, n: 64, transposeB: true, transposeA: false),
    ]

    var flops: Double { 2 * Double(batch.reduce(1, *) * m * k * n) }

    func gflops(_ precision: Precision, generator g: Generator) throws -> Double {
        let a0 = try Tensor.randn(batch + (transposeA ? [k, m] : [m, k]), generator: g)
        let b0 = try Tensor.randn(batch + (transposeB ? [n, k] : [k, n]), generator: g)
        let a = transposeA ? try a0.transpose() : a0, b = transposeB ? try b0.transpose() : b0
        let reps = Swift.max(5, Swift.min(200, Int(4e9 / flops)))
        let t = try median(reps: reps) { _ = try a.matmul(b, precision: precision) }
        return flops / t / 1e9
    }
}
