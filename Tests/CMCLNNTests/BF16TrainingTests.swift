import CMCLTensor
import Foundation
import Testing
@testable import CMCLNN

/// Mixed precision (`ForwardContext.precision = .bf16`, `TrainingOptions.precision`): a forward
/// pass stays within a stated tolerance of float32, gradients point the same way, and training a
/// small model reaches float32's accuracy band.
@Suite(.enabled(if: Precision.bf16Supported, "this CPU has no AVX512_BF16"))
struct BF16TrainingTests {
    static func model() throws -> Transformer {
        let config = BertConfig(vocabularySize: 60, hiddenSize: 64, layers: 2, heads: 4, intermediateSize: 128, maxPositions: 32)
        return try Transformer(config: config, head: .classification(classes: 3), generator: Generator(seed: 31))
    }

    static func batch() throws -> Batch {
        let g = Generator(seed: 32)
        return try Batch(ids: Tensor.randint([8, 24], low: 1, high: 60, generator: g), attentionMask: Tensor.ones([8, 24], dtype: .int32),
                         labels: Tensor.randint([8], low: 0, high: 3, generator: g))
    }

    /// Stated tolerance: every logit within 0.03 of float32's, the hidden states within 1 % (relative
    /// Frobenius norm); bf16 keeps 8 significant bits, so each product's operands move by at most
    /// 2^-9 relative. The two must differ (the products really ran in bf16).
    @Test func forwardWithinToleranceOfFloat32() throws {
        let net = try Self.model(), b = try Self.batch()
        let full: Tensor = try Tensor.withNoGrad { try net.hiddenStates(b, context: ForwardContext(precision: .fp32)).last }
        let mixed: Tensor = try Tensor.withNoGrad { try net.hiddenStates(b, context: ForwardContext(precision: .bf16)).last }
        let x: [Double] = full.toDoubles(), y: [Double] = mixed.toDoubles()
        var squared = 0.0, normSquared = 0.0
        for (u, v) in zip(x, y) { squared += (u - v) * (u - v); normSquared += u * u }
        let relative = squared.squareRoot() / normSquared.squareRoot()
        #expect(relative < 0.01, "relative difference \(relative)")
        #expect(squared > 0)
        let l32: [Double] = try Tensor.withNoGrad { try net(b, context: ForwardContext(precision: .fp32)).logits.toDoubles() }
        let l16: [Double] = try Tensor.withNoGrad { try net(b, context: ForwardContext(precision: .bf16)).logits.toDoubles() }
        var worst = 0.0
        for (u, v) in zip(l32, l16) { worst = Swift.max(worst, abs(u - v)) }
        #expect(worst < 0.03, "largest logit difference \(worst)")
    }

    /// Gradients in bf16 (forward and backward products) against float32: every parameter's gradient
    /// has cosine similarity above 0.99 with float32's. The key biases are left out: their true
    /// gradient is zero (a key bias adds the same q·b to every score of a query, which softmax
    /// ignores), so both runs hold rounding noise there.
    @Test func gradientsPointTheSameWay() throws {
        let net = try Self.model(), b = try Self.batch()
        func grads(_ p: Precision) throws -> [String: [Double]] {
            net.zeroGrad()
            let out = try net(b, context: ForwardContext(training: false, precision: p))
            try out.logits.crossEntropy(labels: b.labels!).backward()
            var g: [String: [Double]] = [:]
            for p in net.parameters() { g[p.name] = p.grad?.toDoubles() ?? [] }
            return g
        }
        let g32 = try grads(.fp32), g16 = try grads(.bf16)
        for (name, a) in g32 where !name.hasSuffix("key.bias") {
            let c = try #require(g16[name])
            let dot = zip(a, c).map { $0 * $1 }.reduce(0, +)
            let na = a.map { $0 * $0 }.reduce(0, +).squareRoot(), nc = c.map { $0 * $0 }.reduce(0, +).squareRoot()
            if na < 1e-12 { continue }                       // e.g. unused embedding rows
            #expect(dot / (na * nc) > 0.99, "\(name): cosine \(dot / (na * nc))")
        }
    }

    /// A small model trained in bf16 reaches the float32 run's accuracy band (both above 0.85 and
    /// within 0.05 of each other), and a bf16 run is as deterministic as a float32 one.
    @Test func trainingConvergesToTheSameBand() throws {
        let train = try syntheticSentiment(count: 512, seed: 1)
        let dev = try syntheticSentiment(count: 256, seed: 2).batches(size: 128)
        func run(_ p: Precision) throws -> (accuracy: Double, losses: [Double]) {
            let net = try BagOfEmbeddingsClassifier(vocabularySize: 60, embeddingWidth: 16, hidden: [16], dropout: 0.1, generator: Generator(seed: 3))
            let h = try fit(net, data: train.source(batchSize: 32), optimizer: AdamW(learningRate: 0.01, weightDecay: 0.01),
                            schedule: .warmupLinear(ratio: 0.1), epochs: 4, seed: 4, precision: p)
            return (try devMetrics(net, dev, precision: p)["accuracy"] ?? 0, h.losses)
        }
        let a32 = try run(.fp32), a16 = try run(.bf16)
        #expect(a32.accuracy > 0.85 && a16.accuracy > 0.85, "fp32 \(a32.accuracy), bf16 \(a16.accuracy)")
        #expect(abs(a32.accuracy - a16.accuracy) <= 0.05)
        #expect(a16.losses != a32.losses)
        #expect(try run(.bf16).losses == a16.losses)
    }

    /// A transformer trained a few steps in bf16 lowers its loss like float32 does.
    @Test func transformerLossFalls() throws {
        let data = try syntheticSentiment(count: 128, seed: 5)
        func losses(_ p: Precision) throws -> [Double] {
            let net = try Transformer(vocabularySize: 60, layers: 1, hidden: 32, heads: 2, intermediate: 64, maxPositions: 16,
                                      classes: 2, generator: Generator(seed: 11))
            return try fit(net, data: data.source(batchSize: 16), optimizer: AdamW(learningRate: 3e-3), epochs: 4, seed: 21, precision: p).losses
        }
        let l32 = try losses(.fp32), l16 = try losses(.bf16)
        let late = { (l: [Double]) in l.suffix(8).reduce(0, +) / 8 }, early = { (l: [Double]) in l.prefix(8).reduce(0, +) / 8 }
        #expect(late(l16) < early(l16))
        #expect(abs(late(l16) - late(l32)) < 0.1, "fp32 \(late(l32)), bf16 \(late(l16))")
    }
}
