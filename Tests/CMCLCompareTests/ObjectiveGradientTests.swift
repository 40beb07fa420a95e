import CMCLNN
import CMCLTensor
import Foundation
import Testing
@testable import CMCLCompare

/// Finite-difference checks of whole training objectives through the real bag-of-embeddings
/// classifier: every weight enters as a float64 override, and each evaluation uses a fresh
/// generator with the same seed, so every pass sees the same dropout masks.
@Suite struct ObjectiveGradientTests {
    static func setup() throws -> (BagOfEmbeddingsClassifier, Batch) {
        let model = try BagOfEmbeddingsClassifier(vocabularySize: 40, embeddingWidth: 6, hidden: [5],
                                                  head: .classification(classes: 2), dropout: 0.3,
                                                  generator: Generator(seed: 11))
        model.train()
        let batch = try syntheticSentimentBatch(rows: 6, length: 8, vocabulary: 40, seed: 3)
        return (model, batch)
    }

    static func check(_ loss: LossFunction) throws -> GradientCheck.Report {
        let (model, batch) = try setup()
        let parameters = model.trainableParameters()
        return try GradientCheck.check(parameters.map(\.value)) { xs in
            var overrides = [String: Tensor]()
            for (p, v) in zip(parameters, xs) { overrides[p.name] = v }
            let ctx = ForwardContext(training: true, generator: Generator(seed: 5), parameterOverrides: overrides)
            return try loss(model, batch, ctx).total
        }
    }

    @Test func rdropObjective() throws {
        let report = try Self.check(RDropObjective(alpha: 1, reduction: .sum).lossFunction)
        #expect(report.passed, "\(report)")
    }

    @Test(arguments: ["cmp", "reg-max", "reg-fst"])
    func comparativeObjective(_ setting: String) throws {
        let config: ComparativeLossConfig
        switch setting {
        case "cmp": config = try ComparativeLossConfig(mode: .comparative)
        case "reg-max": config = try ComparativeLossConfig(mode: .regularize, weight: 1, primary: .max)
        default: config = try ComparativeLossConfig(mode: .regularize, weight: 1, primary: .fst)
        }
        let objective = try ComparativeObjective(ablations: [.drop(CmpDrop(steps: 2))], config: config)
        let report = try Self.check(objective.lossFunction)
        #expect(report.passed, "\(setting): \(report)")
    }

    /// The float32 training path (parameters themselves, fused float32 kernels) gives the same
    /// gradient as the float64 override path that the finite-difference checks verify.
    @Test(arguments: ["rdrop", "cmp", "reg-max"])
    func float32TrainingGradientsMatchFloat64(_ setting: String) throws {
        let loss: LossFunction
        switch setting {
        case "rdrop": loss = try RDropObjective(alpha: 1).lossFunction
        case "cmp": loss = try ComparativeObjective(ablations: [.drop(CmpDrop(steps: 2))]).lossFunction
        default:
            loss = try ComparativeObjective(ablations: [.drop(CmpDrop(steps: 2))],
                                            config: ComparativeLossConfig(mode: .regularize, weight: 1, primary: .max)).lossFunction
        }
        let (model, batch) = try Self.setup()
        let parameters = model.trainableParameters()
        model.zeroGrad()
        try loss(model, batch, ForwardContext(training: true, generator: Generator(seed: 5))).total.backward()
        let single = parameters.map { $0.value.grad?.toDoubles() ?? [] }
        model.zeroGrad()
        let doubles = try parameters.map { try Tensor(doubles: $0.value.toDoubles(), shape: $0.shape).requiringGrad() }
        var overrides = [String: Tensor]()
        for (p, v) in zip(parameters, doubles) { overrides[p.name] = v }
        try loss(model, batch, ForwardContext(training: true, generator: Generator(seed: 5), parameterOverrides: overrides)).total.backward()
        for (k, p) in parameters.enumerated() {
            let reference = doubles[k].grad?.toDoubles() ?? []
            #expect(!reference.isEmpty && single[k].count == reference.count, "\(p.name)")
            let scale = max(1e-3, reference.map { abs($0) }.max() ?? 0)
            #expect(maxAbsDifference(single[k], reference) < 1e-4 * scale, "\(setting) \(p.name)")
        }
    }
}
