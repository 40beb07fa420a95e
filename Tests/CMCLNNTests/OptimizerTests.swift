import CMCLTensor
import Foundation
import Testing
@testable import CMCLNN

/// The stream of this file's random tensors and layers (the engine has no default generator).
private let testRandom = Generator(seed: 0)

/// Optimizer updates and schedules against torch.optim / transformers (fixtures from
/// scripts/gen_nn_fixtures.py).
@Suite struct OptimizerTests {
    static let cases = ["sgd", "sgd_momentum", "sgd_nesterov_wd", "adam", "adam_l2", "adamw", "adamw_clip_schedule"]

    func makeOptimizer(_ name: String) throws -> Optimizer {
        switch name {
        case "sgd": return try SGD(learningRate: 0.1)
        case "sgd_momentum": return try SGD(learningRate: 0.05, momentum: 0.9, dampening: 0.1)
        case "sgd_nesterov_wd": return try SGD(learningRate: 0.05, momentum: 0.9, weightDecay: 0.01, nesterov: true)
        case "adam": return try Adam(learningRate: 0.01)
        case "adam_l2": return try Adam(learningRate: 0.01, weightDecay: 0.1)
        case "adamw": return try AdamW(learningRate: 0.01, beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0.1)
        default: return try AdamW(learningRate: 0.02, weightDecay: 0.01)
        }
    }

    @Test(arguments: cases) func updatesMatchTorch(_ name: String) throws {
        let fx = try loadJSON("optimizers.json")
        let all = try #require(fx["cases"] as? [[String: Any]])
        let c = try #require(all.first { $0["name"] as? String == name })
        let w = Parameter(try Tensor(doubles(fx["w0"]).map(Float.init), shape: [3, 4]), name: "w", decays: true)
        let b = Parameter(try Tensor(doubles(fx["b0"]).map(Float.init), shape: [4]), name: "b", decays: false)
        let storage = w.value
        let opt = try makeOptimizer(name)
        let grads = try #require(fx["grads"] as? [[String: Any]])
        let steps = try #require(c["steps"] as? [[String: Any]])
        let lrs = doubles(c["lrs"])
        let clip = (c["clip"] as? NSNumber)?.doubleValue
        for (i, (g, expected)) in zip(grads, steps).enumerated() {
            if !lrs.isEmpty { opt.learningRate = lrs[i] }
            w.value.grad = try Tensor(doubles(g["w"]).map(Float.init), shape: [3, 4])
            b.value.grad = try Tensor(doubles(g["b"]).map(Float.init), shape: [4])
            if let clip {
                let norm = try GradientClipping.clip([w, b], maxNorm: clip)
                #expect(Swift.abs(norm - ((expected["norm"] as? NSNumber)?.doubleValue ?? .nan)) < 1e-5)
            }
            try opt.step([w, b])
            #expect(maxAbsDiff(w.value, doubles(expected["w"])) < 2e-6, "\(name) step \(i + 1) weight")
            #expect(maxAbsDiff(b.value, doubles(expected["b"])) < 2e-6, "\(name) step \(i + 1) bias")
        }
        // Updates happen in place on the parameter's storage.
        #expect(w.value === storage)
    }

    @Test func schedulesMatchTransformers() throws {
        let fx = try loadJSON("schedules.json")
        let total = (fx["total"] as? NSNumber)?.intValue ?? 0
        let warm = (fx["warmup"] as? NSNumber)?.intValue ?? 0
        let schedules: [(String, LearningRateSchedule)] = [
            ("linear", try .warmupLinear(steps: warm)),
            ("cosine", try .warmupCosine(steps: warm)),
            ("constant", .constant(warmup: .steps(warm))),
        ]
        for (name, s) in schedules {
            let expected = doubles(fx[name])
            let got = (0..<total).map { s.factor(step: $0, totalSteps: total) }
            #expect(maxAbsDiff(got, expected) < 1e-12, "\(name)")
        }
        // Ratio warm-up rounds up as the Hugging Face trainer: 6% of 100 steps = 6 steps.
        let r = try LearningRateSchedule.warmupLinear(ratio: 0.06)
        #expect(r.factor(step: 3, totalSteps: 100) == 0.5)
        #expect(r.factor(step: 6, totalSteps: 100) == 1)
        #expect(throws: NNError.self) { try LearningRateSchedule.warmupLinear(ratio: 1.5) }
        #expect(throws: NNError.self) { try LearningRateSchedule.warmupLinear(ratio: 0.1, steps: 3) }
        #expect(LearningRateSchedule.linear(warmup: .ratio(.nan)).factor(step: 0, totalSteps: 10) == 1)
        #expect(LearningRateSchedule.linear(warmup: .ratio(1e300)).factor(step: 5, totalSteps: 10) == 0.5)
    }

    @Test func invalidHyperparametersAreTypedErrors() {
        #expect(throws: NNError.self) { try AdamW(learningRate: -1) }
        #expect(throws: NNError.self) { try Adam(beta1: 1.0) }
        #expect(throws: NNError.self) { try SGD(learningRate: 0.1, nesterov: true) }
        #expect(throws: NNError.self) { try SGD(learningRate: .nan) }
        #expect(throws: NNError.self) { try GradientClipping.clip([], maxNorm: 0) }
    }

    @Test func adamwSkipsDecayOnBiasesAndNorms() throws {
        let model = try Transformer(vocabularySize: 20, layers: 1, hidden: 8, heads: 2, intermediate: 16, maxPositions: 8, generator: testRandom)
        let params = model.trainableParameters()
        let before = Dictionary(uniqueKeysWithValues: params.map { ($0.name, $0.value.toArray()) })
        for p in params { p.value.grad = try Tensor.zeros(p.shape) }
        // With zero gradients Adam's step is zero, so only decoupled decay moves weights.
        try AdamW(learningRate: 0.1, weightDecay: 0.5).step(params)
        for p in params {
            let moved = zip(p.value.toArray(), before[p.name] ?? []).contains { $0 != $1 }
            let nonzero = (before[p.name] ?? []).contains { $0 != 0 }
            #expect(moved == (p.decays && nonzero), "\(p.name)")
        }
    }
}
