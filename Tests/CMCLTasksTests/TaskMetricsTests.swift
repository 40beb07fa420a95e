import CMCLData
import CMCLNN
import CMCLTensor
import Testing
@testable import CMCLTasks

@Suite struct TaskMetricsTests {
    /// Every metric a head offers has a declared direction; losses and errors are lower-better.
    @Test func everyMetricHasADeclaredDirection() {
        let heads: [TaskHead] = [.classification(classes: 2), .classification(classes: 3), .regression, .span, .ranking]
        for head in heads {
            for name in TaskMetrics.available(for: head) { #expect(TaskMetrics.direction(of: name) != nil, "\(name)") }
        }
        #expect(["loss", "mse", "rmse", "mae"].allSatisfy { TaskMetrics.direction(of: $0) == .lower })
        #expect(["accuracy", "f1", "mcc", "spearman", "exact_match", "mrr"].allSatisfy { TaskMetrics.direction(of: $0) == .higher })
        #expect(TaskMetrics.direction(of: "RMSE") == .lower && TaskMetrics.direction(of: "bleu") == nil)
    }

    @Test func namesResolveAgainstTheHead() throws {
        #expect(try TaskMetrics.resolve([], for: .regression) == ["mse", "rmse", "mae", "pearson", "loss"])
        #expect(try TaskMetrics.resolve(["MCC", "f1"], for: .classification(classes: 2)) == ["mcc", "f1"])
        #expect(throws: TaskError.unknownMetric(name: "spearman", head: "classification (2 classes)",
                                                available: ["accuracy", "f1", "macro_f1", "mcc", "loss"])) {
            _ = try TaskMetrics.resolve(["spearman"], for: .classification(classes: 2))
        }
    }

    /// Classification metrics are CMCLData's `Metrics`; ranking metrics come from the outputs.
    @Test func metricsFollowTheirDefinitions() throws {
        let classifier = try BagOfEmbeddingsClassifier(vocabularySize: 10, embeddingWidth: 4, hidden: [4], generator: Generator(seed: 2))
        let batch = try Batch(ids: Tensor(ints: [1, 2, 3, 4, 5, 6], shape: [6, 1]), labels: Tensor(ints: [0, 1, 0, 1, 1, 0], shape: [6]))
        let m = try TaskMetrics.evaluate(classifier, batches: [batch], metrics: ["accuracy", "f1", "mcc"])
        let predicted = try classifier(batch).logits.argmax(axis: -1).toInts()
        let gold: [Int32] = [0, 1, 0, 1, 1, 0]
        #expect(m["accuracy"] == (try Metrics.accuracy(predicted, gold)))
        #expect(m["f1"] == (try Metrics.f1(predicted, gold, average: .binary(positive: 1))))
        #expect(m["mcc"] == (try Metrics.matthews(predicted, gold)))
        // Ranking: groups of 3 candidates; relevance on row 1 of group 0 and row 2 of group 1.
        let net = try BagOfEmbeddingsClassifier(vocabularySize: 10, embeddingWidth: 4, hidden: [4], head: .ranking, generator: Generator(seed: 1))
        let ranked = try Batch(ids: Tensor(ints: [1, 2, 3, 4, 5, 6], shape: [6, 1]), labels: Tensor([0, 1, 0, 0, 0, 1], shape: [6]), groupSize: 3)
        let r = try TaskMetrics.evaluate(net, batches: [ranked], metrics: ["mrr", "accuracy", "loss"])
        let scores = try net(ranked).logits.toArray()
        func rr(_ q: Int, _ pos: Int) -> Double {
            let g = Array(scores[(3 * q)..<(3 * q + 3)])
            return 1 / Double(1 + g.filter { $0 > g[pos] }.count)
        }
        #expect(Swift.abs((r["mrr"] ?? 0) - (rr(0, 1) + rr(1, 2)) / 2) < 1e-12)
        #expect((r["loss"] ?? .nan).isFinite)
        #expect(throws: TaskError.needsTextModel) {
            _ = try TaskMetrics.evaluate(try Linear(2, 2, generator: Generator(seed: 0)), batches: [batch], metrics: [])
        }
    }

    /// `predict`'s loop: the argmax class of every row in batch order, scores for score heads.
    @Test func predictionsAreArgmaxClassesOrScoresInOrder() throws {
        let classifier = try BagOfEmbeddingsClassifier(vocabularySize: 10, embeddingWidth: 4, hidden: [4], head: .classification(classes: 3), generator: Generator(seed: 3))
        let a = try Batch(ids: Tensor(ints: [1, 2, 3, 4], shape: [4, 1])), b = try Batch(ids: Tensor(ints: [5, 6], shape: [2, 1]))
        let expected = try [a, b].flatMap { try classifier($0).logits.argmax(axis: 1).toInts().map(Double.init) }
        #expect(try TaskMetrics.predictions(classifier, batches: [a, b]) == expected)
        #expect(expected.count == 6 && expected.allSatisfy { (0..<3).contains(Int($0)) })
        let regressor = try BagOfEmbeddingsClassifier(vocabularySize: 10, embeddingWidth: 4, hidden: [4], head: .regression, generator: Generator(seed: 3))
        #expect(try TaskMetrics.predictions(regressor, batches: [a, b]) == (try [a, b].flatMap { try regressor($0).logits.toDoubles() }))
    }
}
