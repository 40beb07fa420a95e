import CMCLCompare
import CMCLNN
import CMCLTensor
import Testing
@testable import CMCLTasks

@Suite struct AblationAnalysisTests {
    static func setup() throws -> (TextModel, [Batch]) {
        let net = try BagOfEmbeddingsClassifier(vocabularySize: 20, embeddingWidth: 8, hidden: [16], dropout: 0.3, generator: Generator(seed: 4))
        var batches: [Batch] = []
        for b in 0..<2 {
            let ids: [Int32] = (0..<12).map { i -> Int32 in Int32(1 + (i * 7 + b * 3) % 19) }
            batches.append(try Batch(ids: Tensor(ints: ids, shape: [4, 3]), labels: Tensor(ints: [0, 1, 1, 0], shape: [4])))
        }
        return (net, batches)
    }

    /// Level 0 is the full model; every level's loss is the mean of its per-example losses; the
    /// violations are RankingLoss's count over each example's row of variant losses.
    @Test func curveAndViolationsFollowTheVariants() throws {
        let (net, batches) = try Self.setup()
        let analysis = AblationAnalysis(model: net, ablation: .drop(try CmpDrop(steps: 2, rate: 0.3)), seed: 5)
        #expect(analysis.levels == 3)
        var rows: [[[Double]]] = []   // batch → level → per-example losses
        try analysis.run(batches) { k, _, losses, _ in
            if k == 0 { rows.append([]) }
            rows[rows.count - 1].append(losses)
        }
        let loss = try analysis.curve(batches, metric: .loss)
        for k in 0..<3 {
            let all = rows.flatMap { $0[k] }
            #expect(Swift.abs(loss[k] - all.reduce(0, +) / Double(all.count)) < 1e-12)
        }
        let full = try Tensor.withNoGrad { try Evaluation.collect(net, batches: batches) }
        #expect(Swift.abs(loss[0] - full.lossSum / Double(full.lossCount)) < 1e-5)
        #expect(loss[2] != loss[0])
        let v = try analysis.violations(batches)
        let expected = rows.flatMap { levels in (0..<4).map { r in RankingLoss.violations(levels.map { $0[r] }) } }.reduce(0, +)
        #expect(v == AblationAnalysis.Violations(violated: expected, pairs: 8 * 3))
        let accuracy = try analysis.curve(batches, metric: .accuracy)
        #expect(accuracy.count == 3 && accuracy.allSatisfy { $0 >= 0 && $0 <= 1 })
        #expect(try analysis.curve(batches, metric: .accuracy) == accuracy)   // seeded: the same draws again
    }

    @Test func regressionHasNoAccuracy() throws {
        let net = try BagOfEmbeddingsClassifier(vocabularySize: 20, embeddingWidth: 8, hidden: [8], head: .regression, generator: Generator(seed: 1))
        let batch = try Batch(ids: Tensor(ints: [1, 2, 3, 4], shape: [2, 2]), labels: Tensor([0.5, 1.5], shape: [2]))
        let analysis = AblationAnalysis(model: net, ablation: .drop(try CmpDrop(steps: 1, rate: 0.1)), seed: 0)
        #expect(throws: TaskError.noAccuracy) { _ = try analysis.curve([batch], metric: .accuracy) }
        #expect(try analysis.curve([batch], metric: .loss).count == 2)
    }
}
