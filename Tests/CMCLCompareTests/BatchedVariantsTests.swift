import CMCLNN
import CMCLTensor
import Foundation
import Testing
@testable import CMCLCompare

/// The CmpDrop variants stacked along the batch in one forward pass against one pass per variant.
///
/// Losses: every row of the stacked pass is the same computation as the row of its variant's own
/// pass, with the same mask, so the `[B, c+1]` loss matrices agree to rounding (the products'
/// blocking may differ with the number of rows). Gradients: each weight's gradient is one sum
/// over the `(c+1)·B` stacked rows instead of `c+1` sums added afterwards, so they differ by the
/// order of additions only. In float64 (weights given as float64 overrides) that is ~1e-16
/// relative per addition and the bound below is 1e-12 of the gradient's scale; in float32 each
/// sum has at most a few hundred terms here, so reordering moves it by well under
/// 100 · 6e-8 of the sum of magnitudes: the bound is 1e-5 of the gradient's largest entry.
@Suite struct BatchedVariantsTests {
    struct Outcome {
        var losses: [Double]
        var parts: [String: Double]
        var gradients: [[Double]]
        var nextDraw: UInt64
    }

    /// One comparative step of `model` on `batch`, its gradients and the generator's next draw.
    static func run(_ model: TextModel, _ batch: Batch, execution: VariantExecution, steps: Int = 2,
                    config: ComparativeLossConfig? = nil, float64: Bool) throws -> Outcome {
        var objective = try ComparativeObjective(ablations: [.drop(CmpDrop(steps: steps))], config: config)
        objective.variantExecution = execution
        let parameters = model.trainableParameters()
        model.zeroGrad()
        var overrides = [String: Tensor]()
        var leaves = [Tensor]()
        if float64 {
            leaves = try parameters.map { try Tensor(doubles: $0.value.toDoubles(), shape: $0.shape).requiringGrad() }
            for (p, v) in zip(parameters, leaves) { overrides[p.name] = v }
        }
        let generator = Generator(seed: 21)
        let step = try objective.step(model: model, batch: batch,
                                      context: ForwardContext(training: true, generator: generator, parameterOverrides: overrides))
        try step.output.total.backward()
        let gradients = float64 ? leaves.map { $0.grad?.toDoubles() ?? [] } : parameters.map { $0.value.grad?.toDoubles() ?? [] }
        return Outcome(losses: step.losses.toDoubles(), parts: step.output.parts, gradients: gradients, nextDraw: generator.next())
    }

    static func compare(_ model: TextModel, _ batch: Batch, steps: Int = 2, config: ComparativeLossConfig? = nil,
                        float64: Bool, lossTolerance: Double, gradientTolerance: Double) throws {
        model.train()
        defer { model.eval() }
        let sequential = try run(model, batch, execution: .sequential, steps: steps, config: config, float64: float64)
        let batched = try run(model, batch, execution: .batched, steps: steps, config: config, float64: float64)
        // The same draws from the step's generator, in the same order: the stream continues alike.
        #expect(sequential.nextDraw == batched.nextDraw)
        #expect(sequential.losses.count == batch.size * (steps + 1) && batched.losses.count == sequential.losses.count)
        let lossScale = max(1, sequential.losses.map { abs($0) }.max() ?? 0)
        #expect(maxAbsDifference(sequential.losses, batched.losses) <= lossTolerance * lossScale)
        // The variants really differ, so the masks were applied.
        let columns = steps + 1
        #expect((0..<batch.size).contains { r in sequential.losses[r * columns] != sequential.losses[r * columns + steps] })
        for key in sequential.parts.keys {
            let a = sequential.parts[key] ?? .nan, b = batched.parts[key] ?? .nan
            #expect(abs(a - b) <= lossTolerance * max(1, abs(a)), "\(key): \(a) vs \(b)")
        }
        // A gradient that is zero in exact arithmetic (a key projection's bias: softmax ignores a
        // constant shift) comes out as rounding of cancelling terms as large as the other
        // gradients: its scale is at least 1 % of the largest gradient of the model.
        let largest = sequential.gradients.joined().map { abs($0) }.max() ?? 0
        for (k, p) in model.trainableParameters().enumerated() {
            let s = sequential.gradients[k], b = batched.gradients[k]
            #expect(!s.isEmpty && s.count == b.count, "\(p.name)")
            let scale = max(1e-2 * largest, s.map { abs($0) }.max() ?? 0)
            #expect(maxAbsDifference(s, b) <= gradientTolerance * scale, "\(p.name): \(maxAbsDifference(s, b)) of \(scale)")
        }
    }

    @Test func bagOfEmbeddingsInFloat64() throws {
        let model = try bagModel(seed: 5, dropout: 0.3)
        let batch = try syntheticSentimentBatch(rows: 12, length: 10, vocabulary: 40, seed: 8)
        try Self.compare(model, batch, float64: true, lossTolerance: 1e-14, gradientTolerance: 1e-12)
    }

    @Test(arguments: [1, 3])
    func bagOfEmbeddingsInFloat32(steps: Int) throws {
        let model = try bagModel(seed: 6, dropout: 0.2)
        let batch = try syntheticSentimentBatch(rows: 16, length: 12, vocabulary: 40, seed: 9)
        let config = try ComparativeLossConfig(mode: .regularize, weight: 1, primary: .max)
        try Self.compare(model, batch, steps: steps, config: config, float64: false, lossTolerance: 1e-6, gradientTolerance: 1e-5)
    }

    static func smallTransformer(head: TaskHead = .classification(classes: 3)) throws -> Transformer {
        try Transformer(config: BertConfig(vocabularySize: 60, hiddenSize: 16, layers: 2, heads: 2, intermediateSize: 32,
                                           maxPositions: 32, hiddenDropout: 0.2, attentionDropout: 0.2),
                        head: head, generator: Generator(seed: 4))
    }

    static func transformerBatch(rows: Int, length: Int, seed: UInt64) throws -> Batch {
        let g = Generator(seed: seed)
        let ids = try Tensor.randint([rows, length], low: 1, high: 60, generator: g)
        var mask = [Int32]()
        for r in 0..<rows { mask += (0..<length).map { $0 < length - r % 3 ? 1 : 0 } }
        return try Batch(ids: ids, attentionMask: Tensor(ints: mask, shape: [rows, length]),
                         labels: Tensor.randint([rows], low: 0, high: 3, generator: g))
    }

    @Test func transformerClassifierInFloat32() throws {
        try Self.compare(Self.smallTransformer(), Self.transformerBatch(rows: 6, length: 9, seed: 2),
                         float64: false, lossTolerance: 1e-6, gradientTolerance: 1e-5)
    }

    @Test func transformerSpanHeadInFloat32() throws {
        let model = try Self.smallTransformer(head: .span)
        var batch = try Self.transformerBatch(rows: 5, length: 8, seed: 3)
        batch.startPositions = try Tensor(ints: [1, 2, 0, 5, 3], shape: [5])
        batch.endPositions = try Tensor(ints: [2, 4, 0, 6, 3], shape: [5])
        try Self.compare(model, batch, float64: false, lossTolerance: 1e-6, gradientTolerance: 1e-5)
    }

    /// Whole seeded training runs: the logged losses of every step agree.
    @Test func seededTrainingRunsAgree() throws {
        var records = [[[String: Double]]]()
        for execution in VariantExecution.allCases {
            var objective = try ComparativeObjective(ablations: [.drop(CmpDrop(steps: 2))])
            objective.variantExecution = execution
            records.append(try trainSynthetic(bagModel(seed: 3), loss: objective.lossFunction, steps: 6, seed: 12))
        }
        for (s, b) in zip(records[0], records[1]) {
            for (key, value) in s { #expect(abs(value - (b[key] ?? .nan)) <= 1e-4 * max(1, abs(value)), "\(key)") }
        }
    }

    /// One pass per variant is the default; inputs the stacked pass cannot take run that way.
    @Test func cropsAndAblationHooksRunSequentially() throws {
        let model = try bagModel(seed: 2, dropout: 0.2)
        let batch = try syntheticSentimentBatch(rows: 8, length: 10, vocabulary: 40, seed: 4)
        var objective = try ComparativeObjective(ablations: [.drop(CmpDrop(steps: 1))])
        #expect(objective.variantExecution == .sequential)
        objective.variantExecution = .batched
        let ctx = ForwardContext(training: true, generator: Generator(seed: 1))
        #expect(objective.canStackVariants(model: model, batch: batch, context: ctx))
        ctx.skippedLayers = [0]
        #expect(!objective.canStackVariants(model: model, batch: batch, context: ctx))
        var crop = try ComparativeObjective(ablations: [.crop(CmpCrop(steps: 1)), .drop(CmpDrop(steps: 1))])
        crop.variantExecution = .batched
        #expect(!crop.canStackVariants(model: model, batch: batch, context: ForwardContext(training: true)))
        var sequential = objective
        sequential.variantExecution = .sequential
        #expect(!sequential.canStackVariants(model: model, batch: batch, context: ForwardContext(training: true)))
    }

    /// A dropout site whose input does not lead with the stacked rows is reported, not mis-masked.
    @Test func stackedMultiplierChecksTheRows() throws {
        let step = try CmpDrop(steps: 2).makeStep(model: bagModel(seed: 1), generator: Generator(seed: 1))
        #expect(throws: CompareError.invalidInput(operation: "cmpdrop", reason: "dropout site dropout got an input of shape [7, 4], which does not lead with the 3 × 3 stacked rows")) {
            try step.stackedMultiplier(site: "dropout", shape: [7, 4], levels: [0, 1, 2], rows: 3)
        }
        let m = try step.stackedMultiplier(site: "dropout", shape: [6, 4], levels: [0, 1, 2], rows: 2)
        let values = m.toDoubles()
        #expect(values.prefix(8).allSatisfy { $0 == 1 })
        let level1 = try step.multiplier(site: "dropout", shape: [2, 4], level: 1).toDoubles()
        let level2 = try step.multiplier(site: "dropout", shape: [2, 4], level: 2).toDoubles()
        #expect(Array(values[8..<16]) == level1 && Array(values[16..<24]) == level2)
    }
}
