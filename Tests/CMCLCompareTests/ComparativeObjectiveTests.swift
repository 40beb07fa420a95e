import CMCLNN
import CMCLTensor
import Foundation
import Testing
@testable import CMCLCompare

/// The stream of this file's random tensors and layers (the engine has no default generator).
private let testRandom = Generator(seed: 0)

/// Trains `model` for `steps` steps on fresh synthetic batches, the way NN's trainer does
/// (one context per step sharing the run's generator), and returns each step's parts.
func trainSynthetic(_ model: TextModel, loss: LossFunction, steps: Int, seed: UInt64, vocabulary: Int = 40)
    throws -> [[String: Double]] {
    let optimizer = try Adam(learningRate: 0.02)
    let generator = Generator(seed: seed)
    model.train()
    defer { model.eval() }
    var records = [[String: Double]]()
    for s in 0..<steps {
        let batch = try syntheticSentimentBatch(rows: 32, length: 12, vocabulary: vocabulary, seed: seed &* 1000 &+ UInt64(s))
        model.zeroGrad()
        let out = try loss(model, batch, ForwardContext(training: true, generator: generator))
        try out.total.backward()
        try optimizer.step(model.trainableParameters())
        records.append(out.parts)
    }
    return records
}

func bagModel(seed: UInt64, dropout: Double = 0.1) throws -> BagOfEmbeddingsClassifier {
    try BagOfEmbeddingsClassifier(vocabularySize: 40, embeddingWidth: 32, hidden: [32], head: .classification(classes: 2),
                                  dropout: dropout, generator: Generator(seed: seed))
}

func mean(_ values: ArraySlice<Double>) -> Double { values.reduce(0, +) / Double(max(1, values.count)) }

@Suite struct ComparativeObjectiveTests {
    @Test(arguments: ["cmp-listwise", "reg-pairwise"])
    func gradientCheckThroughAModelInFloat64(setting: String) throws {
        let mlp = try MLP([4, 7, 3], activation: .tanh, dropout: 0.3, generator: Generator(seed: 3))
        let config = setting == "cmp-listwise"
            ? try ComparativeLossConfig(mode: .comparative, target: .ultra, ranking: .listwise, temperature: 0.5)
            : try ComparativeLossConfig(mode: .regularize, ranking: .pairwise, weight: 0.7, primary: .avg)
        let objective = try ComparativeObjective(ablations: [.drop(CmpDrop(steps: 2))], config: config, taskLoss: .classification)
        let x = try Tensor.uniform([5, 4], low: -2, high: 2, generator: Generator(seed: 4))
        let labels = try Tensor(ints: [0, 2, 1, 1, 0], shape: [5])
        let dummy = try Batch(ids: Tensor(ints: [Int32](repeating: 1, count: 5), shape: [5, 1]), labels: labels)
        let parameters = mlp.parameters()
        let report = try GradientCheck.check([x] + parameters.map(\.value)) { xs in
            // The weights enter as overrides, so the check perturbs them; a fresh generator with the
            // same seed gives every evaluation the same nested masks.
            var overrides = [String: Tensor]()
            for (p, v) in zip(parameters, xs.dropFirst()) { overrides[p.name] = v }
            let ctx = ForwardContext(training: true, generator: Generator(seed: 77), parameterOverrides: overrides)
            return try objective.step(model: mlp, batch: dummy, context: ctx) { _, variant in
                PerExampleLoss(values: try mlp(xs[0], context: variant).crossEntropy(labels: labels, reduction: .none))
            }.output.total
        }
        #expect(report.passed, "\(setting): \(report)")
        // The variants really differ (dropout acts), so the check covered the nested masks.
        let ctx = ForwardContext(training: true, generator: Generator(seed: 77))
        let step = try objective.step(model: mlp, batch: dummy, context: ctx) { _, variant in
            PerExampleLoss(values: try mlp(x.to(.float64), context: variant).crossEntropy(labels: labels, reduction: .none))
        }
        let columns = try step.losses.transpose().toDoubles()
        #expect(Array(columns[0..<5]) != Array(columns[5..<10]))
    }

    @Test func comparativeTrainingRunsAndRecordsItsParts() throws {
        let model = try bagModel(seed: 1)
        let objective = try ComparativeObjective(
            ablations: [.crop(CmpCrop(steps: 1, ratio: 0.2)), .drop(CmpDrop(steps: 2))],
            config: ComparativeLossConfig(mode: .regularize, ranking: .pairwise, weight: 1, primary: .max))
        #expect(objective.schedule.variants.map { [$0.cropLevel, $0.dropLevel] } == [[0, 0], [1, 0], [1, 1], [1, 2]])
        let records = try trainSynthetic(model, loss: objective.lossFunction, steps: 40, seed: 5)
        for r in records {
            for key in ["loss", "task", "l_0", "l_1", "l_2", "l_3", "ranking", "primary", "violation_rate"] {
                let v = try #require(r[key], "missing part \(key)")
                #expect(v.isFinite)
            }
            let rate = r["violation_rate"] ?? -1
            #expect(rate >= 0 && rate <= 1)
            // primary = max_k l_k per example, so its batch mean is at least every variant's mean.
            for k in 0...3 { #expect((r["primary"] ?? 0) >= (r["l_\(k)"] ?? .infinity) - 1e-6) }
        }
        let task = records.map { $0["task"] ?? .nan }
        #expect(mean(task.suffix(10)) < mean(task.prefix(10)) - 0.05, "task loss falls: \(task)")
        let evaluation = try syntheticSentimentBatch(rows: 200, length: 12, vocabulary: 40, seed: 999)
        let predictions = try model(evaluation).logits.argmax(axis: 1).toInts()
        let labels = evaluation.labels?.toInts() ?? []
        let accuracy = Double(zip(predictions, labels).filter { $0 == $1 }.count) / Double(labels.count)
        #expect(accuracy > 0.6, "accuracy \(accuracy)")
    }

    @Test func sameSeedGivesIdenticalLosses() throws {
        let objective = try ComparativeObjective(ablations: [.crop(CmpCrop(steps: 1)), .drop(CmpDrop(steps: 1))])
        func run(_ seed: UInt64) throws -> [Double] {
            try trainSynthetic(bagModel(seed: 2), loss: objective.lossFunction, steps: 6, seed: seed).map { $0["loss"] ?? .nan }
        }
        let a = try run(3), b = try run(3), c = try run(4)
        #expect(a == b)
        #expect(a != c)
    }

    @Test func cropOnlyVariantsShareOneDropoutDraw() throws {
        let model = try bagModel(seed: 4, dropout: 0.3)
        model.train()
        let objective = try ComparativeObjective(ablations: [.crop(CmpCrop(steps: 2))], taskLoss: .classification)
        let batch = try syntheticSentimentBatch(rows: 8, length: 12, vocabulary: 40, seed: 1)
        let step = try objective.step(model: model, batch: batch, context: ForwardContext(training: true, generator: Generator(seed: 1)))
        // One draw per site, all at level 1 (ordinary dropout at the site rate).
        #expect(step.dropout.uniforms(site: "dropout") != nil)
        #expect(step.batches.count == 3)
        #expect(step.losses.shape == [8, 3])
        // In evaluation no dropout acts and the full-model column equals the plain task loss.
        let evalStep = try objective.step(model: model, batch: batch, context: ForwardContext(training: false))
        let plain = try TaskLoss.classification.compute(model(batch, context: ForwardContext()), batch: batch).values.toArray()
        #expect(try evalStep.losses.transpose().toArray().prefix(8).elementsEqual(plain))
    }

    @Test func spanObjectiveTrainsTheAnswerer() throws {
        let model = try ToySpanModel(vocabulary: 50, width: 8, dropout: 0.2, seed: 6)
        let base = try CmpCropTests.batch(withSpans: true)
        let ids = try Tensor(ints: base.ids.toInts().map { $0 % 50 }, shape: base.ids.shape)
        let batch = try base.replacing(ids: ids, attentionMask: base.attentionMask)
        let objective = try ComparativeObjective(ablations: [.crop(CmpCrop(steps: 1, protectedTokenIDs: [2])), .drop(CmpDrop(steps: 1))])
        model.train()
        let out = try objective(model, batch, ForwardContext(training: true, generator: Generator(seed: 2)))
        try out.total.backward()
        #expect(model.answerer.weight.grad?.toArray().contains { $0 != 0 } == true)
        #expect(out.parts["l_2"] != nil && out.parts["violation_rate"] != nil)
        // R-Drop on spans: finite, and the divergence vanishes without dropout.
        let rdrop = try RDropObjective(alpha: 1, taskLoss: .span)
        let r = try rdrop(model, batch, ForwardContext(training: true, generator: Generator(seed: 3)))
        #expect((r.parts["kl"] ?? -1) > 0)
        let noDropout = try ToySpanModel(vocabulary: 50, width: 8, dropout: 0, seed: 6)
        let r0 = try rdrop(noDropout, batch, ForwardContext(training: true, generator: Generator(seed: 3)))
        #expect(abs(r0.parts["kl"] ?? -1) < 1e-9)
    }

    @Test func baselinesTrainInTheSameFramework() throws {
        let plain = try trainSynthetic(bagModel(seed: 7), loss: PlainObjective().lossFunction, steps: 30, seed: 8)
        let plainTask = plain.map { $0["task"] ?? .nan }
        #expect(mean(plainTask.suffix(8)) < mean(plainTask.prefix(8)))
        let rdrop = try RDropObjective(alpha: 0.5, reduction: .mean)
        let records = try trainSynthetic(bagModel(seed: 7), loss: rdrop.lossFunction, steps: 30, seed: 8)
        for r in records {
            let (loss, task, kl) = (r["loss"] ?? .nan, r["task"] ?? .nan, r["kl"] ?? .nan)
            #expect(kl >= 0)
            #expect(abs(loss - (task + 0.5 * kl)) < 1e-5)
        }
        let task = records.map { $0["task"] ?? .nan }
        #expect(mean(task.suffix(8)) < mean(task.prefix(8)))
    }

    @Test func rdropDivergenceGradientMatchesFiniteDifferences() throws {
        let rdrop = try RDropObjective(alpha: 1, reduction: .mean)
        let a = try Tensor.uniform([3, 4], low: -2, high: 2, dtype: .float64, generator: Generator(seed: 1))
        let b = try Tensor.uniform([3, 4], low: -2, high: 2, dtype: .float64, generator: Generator(seed: 2))
        let report = try GradientCheck.check([a, b]) { xs in try rdrop.symmetricKL(xs[0], xs[1]) }
        #expect(report.passed, "\(report)")
    }

    @Test func misuseIsATypedError() throws {
        #expect(throws: CompareError.tooFewVariants(operation: "ablation schedule", columns: 1)) { try ComparativeObjective(ablations: []) }
        #expect(throws: CompareError.invalidInput(operation: "comparative objective", reason: "give at most one cmpdrop operator (combine steps into one)")) {
            try ComparativeObjective(ablations: [.drop(CmpDrop(steps: 1)), .drop(CmpDrop(steps: 2))])
        }
        #expect(throws: CompareError.invalidParameter(operation: "r-drop", name: "alpha", value: -1.0, requirement: "it must be finite and >= 0")) { try RDropObjective(alpha: -1) }
        let objective = try ComparativeObjective(ablations: [.drop(CmpDrop(steps: 1))])
        let batch = try syntheticSentimentBatch(rows: 2, length: 6, vocabulary: 40, seed: 1)
        let mlp = try MLP([3, 2], generator: testRandom)
        #expect(throws: CompareError.self) { try objective(mlp, batch, ForwardContext(training: true)) }
        let unlabeled = try Batch(ids: batch.ids, attentionMask: batch.attentionMask)
        #expect(throws: NNError.invalidInput(op: "classification loss", reason: "the batch has no labels")) { try objective(bagModel(seed: 1), unlabeled, ForwardContext(training: true)) }
    }
}

/// Batches that carry re-encoded crop levels (the reference's CmpCrop input) are used as they are.
@Suite struct ReencodedCropTests {
    @Test func objectiveUsesTheBatchCropLevels() throws {
        let model = try bagModel(seed: 1)
        var batch = try syntheticSentimentBatch(rows: 4, length: 10, vocabulary: 40, seed: 1)
        let level1 = try syntheticSentimentBatch(rows: 4, length: 8, vocabulary: 40, seed: 2)
        let level2 = try syntheticSentimentBatch(rows: 4, length: 6, vocabulary: 40, seed: 3)
        batch.cropLevels = [level1, level2]
        let objective = try ComparativeObjective(ablations: [.crop(CmpCrop(steps: 2))])
        let step = try objective.step(model: model, batch: batch, context: ForwardContext(training: true, generator: Generator(seed: 1)))
        #expect(step.batches.map(\.length) == [10, 8, 6])
        #expect(step.batches[1].ids.toInts() == level1.ids.toInts())
        let tooMany = try ComparativeObjective(ablations: [.crop(CmpCrop(steps: 3))])
        #expect(throws: CompareError.invalidInput(operation: "cmpcrop", reason: "the batch carries 2 re-encoded crop levels but cmpcrop(3) needs 3")) {
            _ = try tooMany.step(model: model, batch: batch, context: ForwardContext(training: true, generator: Generator(seed: 1)))
        }
    }

    @Test func answerMaskSetsSpanLogitsOutsideToMinus1e30() throws {
        var batch = try Batch(ids: Tensor(ints: [1, 2, 3], shape: [1, 3]))
        batch = try batch.withAnswerMask(Tensor([0, 1, 1], shape: [1, 3]))
        let masked = try batch.maskingSpanLogits(Tensor([0.5, -2, 3], shape: [1, 3])).toDoubles()
        #expect(masked[0] < -0.99e30 && masked[1] == -2 && masked[2] == 3)
    }
}
