import CMCLBase
import CMCLTensor
import Foundation
import Testing
@testable import CMCLNN

/// The stream of this file's random tensors and layers (the engine has no default generator).
private let testRandom = Generator(seed: 0)

/// A synthetic sentiment task: tokens 1…10 are positive, 11…20 negative, 21…59 neutral; the label
/// says whether positive tokens outnumber negative ones. Independent of the model code.
func syntheticSentiment(count: Int, seed: UInt64) throws -> ExampleSet {
    let g = Generator(seed: seed)
    var ids: [[Int32]] = [], labels: [Double] = []
    while ids.count < count {
        let length = 4 + g.uniformIndex(below: 9)
        var row: [Int32] = [], score = 0
        for _ in 0..<length {
            let t = Int32(1 + g.uniformIndex(below: 59))
            if t <= 10 { score += 1 } else if t <= 20 { score -= 1 }
            row.append(t)
        }
        if score == 0 { continue }
        ids.append(row)
        labels.append(score > 0 ? 1 : 0)
    }
    return try ExampleSet(ids: ids, labels: labels)
}

/// Accuracy and mean loss on `dev` from the model's outputs (the metric tables live in CMCLTasks).
func devMetrics(_ model: Module, _ dev: [Batch], precision: Precision = .fp32) throws -> [String: Double] {
    let o = try Tensor.withNoGrad { try Evaluation.collect(model, batches: dev, precision: precision) }
    let hits = zip(o.predictions, o.targets).filter { $0 == $1 }.count
    return ["accuracy": Double(hits) / Double(o.targets.count), "loss": o.lossSum / Double(o.lossCount)]
}

@Suite struct TrainingTests {
    @Test func bagOfEmbeddingsLearnsSyntheticTaskQuickly() throws {
        let train = try syntheticSentiment(count: 512, seed: 1)
        let dev = try syntheticSentiment(count: 256, seed: 2).batches(size: 128)
        let net = try BagOfEmbeddingsClassifier(vocabularySize: 60, embeddingWidth: 16, hidden: [16], dropout: 0.1, generator: Generator(seed: 3))
        let before = try devMetrics(net, dev)["accuracy"] ?? 0
        let start = Date()
        var reports: [TrainingProgress] = []
        let history = try fit(net, data: train.source(batchSize: 32), optimizer: AdamW(learningRate: 0.01, weightDecay: 0.01),
                              schedule: .warmupLinear(ratio: 0.1), epochs: 4,
                              evaluate: { try devMetrics($0, dev) },
                              keepBest: "accuracy", seed: 4, progress: { reports.append($0) })
        let seconds = Date().timeIntervalSince(start)
        let after = try devMetrics(net, dev)["accuracy"] ?? 0
        #expect(after > 0.85, "accuracy \(before) → \(after)")
        #expect(seconds < 10)
        #expect(history.steps.count == 64 && history.plannedSteps == 64)
        #expect(history.evaluations.count == 4)
        #expect(history.steps[0].learningRate == 0)                        // warm-up starts at 0
        #expect(history.steps.allSatisfy { $0.parts["task"] == $0.loss })
        #expect(history.losses.suffix(8).reduce(0, +) < history.losses.prefix(8).reduce(0, +))
        // keep_best restored the best evaluation's weights.
        let best = try #require(history.best)
        #expect(best.metrics["accuracy"] == history.metric("accuracy").max())
        #expect(after == best.metrics["accuracy"])
        #expect(reports.filter { !$0.isEvaluation }.count == 64 && reports.filter(\.isEvaluation).count == 4)
        #expect(reports.last?.metricName == "accuracy")
        #expect(!net.isTraining)
    }

    @Test func sameSeedReproducesTheRunBitForBit() throws {
        func run() throws -> (TrainingHistory, [[Float]]) {
            let net = try Transformer(vocabularySize: 60, layers: 1, hidden: 16, heads: 2, intermediate: 32, maxPositions: 16,
                                      classes: 2, generator: Generator(seed: 11))
            let data = try syntheticSentiment(count: 64, seed: 5).source(batchSize: 16)
            let h = try fit(net, data: data, optimizer: AdamW(learningRate: 1e-3), schedule: .warmupLinear(ratio: 0.1), steps: 6, seed: 21)
            return (h, net.parameters().map { $0.value.toArray() })
        }
        let (h1, w1) = try run()
        let (h2, w2) = try run()
        #expect(h1.losses == h2.losses)
        #expect(h1.steps.map(\.gradientNorm) == h2.steps.map(\.gradientNorm))
        #expect(w1 == w2)
        #expect(Set(h1.losses).count > 1)
    }

    @Test func shouldStopEndsAfterTheCurrentStep() throws {
        let net = try BagOfEmbeddingsClassifier(vocabularySize: 60, embeddingWidth: 8, hidden: [8], generator: testRandom)
        var calls = 0
        let history = try fit(net, data: syntheticSentiment(count: 64, seed: 1).source(batchSize: 8),
                              optimizer: SGD(learningRate: 0.1), epochs: 5, seed: 0, shouldStop: { calls += 1; return calls >= 3 })
        #expect(history.stoppedEarly)
        #expect(history.steps.count == 3)
        #expect(net.parameters().allSatisfy { $0.value.toArray().allSatisfy(\.isFinite) })
    }

    @Test func customLossReportsItsParts() throws {
        let net = try BagOfEmbeddingsClassifier(vocabularySize: 60, embeddingWidth: 8, hidden: [8], generator: testRandom)
        let base = TaskLoss.standard()
        let loss: LossFunction = { model, batch, ctx in
            let a = try base(model, batch, ctx)
            let ctx2 = ForwardContext(training: true, generator: ctx.generator, skippedLayers: [])
            let b = try base(model, batch, ctx2)
            return LossOutput(total: try a.total.add(b.total).div(2), parts: ["k0": a.parts["task"] ?? 0, "k1": b.parts["task"] ?? 0])
        }
        let h = try fit(net, data: syntheticSentiment(count: 32, seed: 1).source(batchSize: 16), loss: loss,
                        optimizer: Adam(learningRate: 0.01), steps: 3,
                        evaluate: { _ in ["score": 1] }, every: 2)
        for s in h.steps {
            #expect(Set(s.parts.keys) == ["k0", "k1"])
            let k0 = s.parts["k0"] ?? 0, k1 = s.parts["k1"] ?? 0
            #expect(Swift.abs(s.loss - (k0 + k1) / 2) < 1e-5)
        }
        #expect(h.evaluations.map(\.step) == [2, 3])            // every 2 steps, then at the end
    }

    @Test func fitRejectsBadSettings() throws {
        let net = try BagOfEmbeddingsClassifier(vocabularySize: 60, embeddingWidth: 8, hidden: [8], generator: testRandom)
        let data = try syntheticSentiment(count: 16, seed: 1).source(batchSize: 8)
        #expect(throws: NNError.self) { try fit(net, data: data, optimizer: SGD(learningRate: 0.1), epochs: -1) }
        #expect(throws: NNError.self) { try fit(net, data: data, optimizer: SGD(learningRate: 0.1), keepBest: "accuracy") }
        #expect(throws: NNError.self) {
            try fit(net, data: data, optimizer: SGD(learningRate: 0.1), evaluate: { _ in ["f1": 0] }, keepBest: "accuracy")
        }
    }
}
