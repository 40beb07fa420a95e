import CMCLTensor
import Foundation
import Testing
@testable import CMCLNN

/// The stream of this file's random tensors and layers (the engine has no default generator).
private let testRandom = Generator(seed: 0)

@Suite struct ModuleTests {
    @Test func mlpNamesMatchTorchSequentialLayout() throws {
        let mlp = try MLP([4, 8, 6, 3], activation: .relu, dropout: 0.1, generator: Generator(seed: 1))
        let names = mlp.parameters().map(\.name)
        #expect(names == ["0.weight", "0.bias", "3.weight", "3.bias", "6.weight", "6.bias"])
        #expect(mlp.parameter(named: "3.weight")?.shape == [6, 8])
        #expect(mlp.parameterCount == 4 * 8 + 8 + 8 * 6 + 6 + 6 * 3 + 3)
        #expect(mlp.maskableSites().map(\.name) == ["1", "4"])
        #expect(mlp.maskableSites().map(\.width) == [8, 6])
        #expect(mlp.dropoutSites().map(\.name) == ["2", "5"])
    }

    @Test func nestedPathsUpdateWhenAttached() throws {
        let root = Module()
        let block = Module()
        let dense = try Linear(3, 2, generator: testRandom)
        block.addChild("dense", dense)
        #expect(dense.weight.name == "dense.weight")
        root.addChild("block", block)
        #expect(dense.weight.name == "block.dense.weight")
        #expect(dense.path == "block.dense")
        #expect(root.module(at: "block.dense") === dense)
        #expect(root.parameters().map(\.name) == ["block.dense.weight", "block.dense.bias"])
    }

    @Test func linearMatchesManualProductAndBias() throws {
        let lin = try Linear(3, 2, generator: Generator(seed: 3))
        let x = try Tensor([1, 2, 3, -1, 0, 0.5], shape: [2, 3])
        let y = try lin(x).toDoubles()
        let w = lin.weight.value.toDoubles(), b = lin.bias!.value.toDoubles()
        let xv = x.toDoubles()
        for r in 0..<2 {
            for o in 0..<2 {
                let expected = (0..<3).reduce(b[o]) { $0 + xv[r * 3 + $1] * w[o * 3 + $1] }
                #expect(Swift.abs(y[r * 2 + o] - expected) < 1e-5)
            }
        }
        // Rank-3 inputs keep their leading dimensions.
        let x3 = try x.reshape([1, 2, 3])
        #expect(try lin(x3).shape == [1, 2, 2])
        #expect(throws: NNError.self) { try lin(Tensor.ones([2, 4])) }
    }

    @Test func newModulesEvaluateUntilTrained() throws {
        let d = try Dropout(0.5)
        let x = try Tensor.ones([1000])
        #expect(try d(x).toArray() == x.toArray())
        d.train()
        let y = try d(x).toArray()
        let zeros = y.filter { $0 == 0 }.count
        #expect(zeros > 400 && zeros < 600)
        #expect(y.allSatisfy { $0 == 0 || $0 == 2 })
    }

    @Test func dropoutOverrideSuppliesTheMultiplierBySite() throws {
        let net = try BagOfEmbeddingsClassifier(vocabularySize: 20, embeddingWidth: 4, hidden: [5], dropout: 0.3, generator: Generator(seed: 2))
        #expect(net.dropoutSites().map(\.name) == ["dropout", "mlp.2"])
        #expect(net.dropoutSites().map(\.rate) == [0.3, 0.3])
        var asked: [String: ([Int], Float)] = [:]
        let ctx = ForwardContext(training: true, generator: Generator(seed: 9))
        ctx.dropoutOverride = { site, shape, rate in
            asked[site] = (shape, rate)
            return site == "dropout" ? try Tensor.zeros([4]) : try Tensor.ones([shape[1]])
        }
        let batch = try Batch(ids: Tensor(ints: [1, 2, 3, 4], shape: [2, 2]))
        let out = try net(batch, context: ctx)
        #expect(asked["dropout"]?.0 == [2, 4])
        #expect(asked["dropout"]?.1 == 0.3)
        #expect(asked["mlp.2"]?.0 == [2, 5])
        // A zero multiplier on the pooled vector gives the output of a zero input.
        let zeroInput = ForwardContext()
        zeroInput.parameterOverrides["embedding.weight"] = try Tensor.zeros([20, 4])
        let expected = try net(batch, context: zeroInput).logits
        #expect(maxAbsDiff(out.logits, expected.toDoubles()) < 1e-6)
        // Disabled dropout ignores the hook entirely.
        asked = [:]
        ctx.dropoutEnabled = false
        _ = try net(batch, context: ctx)
        #expect(asked.isEmpty)
    }

    @Test func neuronMaskAndParameterOverrideAreDifferentiableAblations() throws {
        let g = Generator(seed: 5)
        let net = try BagOfEmbeddingsClassifier(vocabularySize: 10, embeddingWidth: 3, hidden: [4], dropout: 0, generator: g)
        let batch = try Batch(ids: Tensor(ints: [1, 2, 3], shape: [1, 3]), labels: Tensor(ints: [1], shape: [1]))
        // Masking every hidden unit leaves logits equal to the last bias.
        let ctx = ForwardContext()
        ctx.neuronMasks["mlp.1"] = try Tensor.zeros([4])
        let logits = try net(batch, context: ctx).logits
        let lastBias = try #require(net.parameter(named: "mlp.3.bias"))
        #expect(maxAbsDiff(logits, lastBias.value.toDoubles()) < 1e-7)
        // An override weight·mask still sends a gradient to the weight, zero where pruned.
        let w = try net.requireParameter(named: "mlp.0.weight")
        let mask = try Tensor([1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0], shape: [4, 3])
        let pctx = ForwardContext()
        pctx.parameterOverrides["mlp.0.weight"] = try w.value.mul(mask)
        let loss = try TaskLoss.compute(net(batch, context: pctx), batch: batch, head: net.head)
        try loss.backward()
        let grad = try #require(w.grad).toArray()
        for (gv, m) in zip(grad, mask.toArray()) where m == 0 { #expect(gv == 0) }
        #expect(grad.contains { $0 != 0 })
        // Bad ablations are typed errors.
        let bad = ForwardContext()
        bad.parameterOverrides["mlp.0.weight"] = try Tensor.zeros([2, 2])
        #expect(throws: NNError.self) { try net(batch, context: bad) }
        let typo = ForwardContext()
        typo.neuronMasks["mlp.7"] = try Tensor.ones([4])
        #expect(throws: NNError.self) { try net.validate(typo) }
    }

    @Test func freezeExcludesParametersFromTraining() throws {
        let net = try BagOfEmbeddingsClassifier(vocabularySize: 10, embeddingWidth: 3, hidden: [4], generator: testRandom)
        net.freeze("embedding")
        #expect(!net.trainableParameters().contains { $0.name == "embedding.weight" })
        #expect(net.trainableParameterCount == net.parameterCount - 30)
        net.freeze("embedding", false)
        #expect(net.trainableParameterCount == net.parameterCount)
    }

    @Test func constructorsRejectBadSizes() {
        #expect(throws: NNError.self) { try Linear(0, 3, generator: testRandom) }
        #expect(throws: NNError.self) { try Dropout(1.0) }
        #expect(throws: NNError.self) { try MLP([3], generator: testRandom) }
        #expect(throws: NNError.self) { try ActivationLayer("swishy") }
        #expect(throws: NNError.self) { try Transformer(vocabularySize: 10, hidden: 30, heads: 4, generator: testRandom) }
        #expect(throws: NNError.self) { try BagOfEmbeddingsClassifier(vocabularySize: 10, head: .span, generator: testRandom) }
        #expect(throws: NNError.self) { try Batch(ids: Tensor([1, 2], shape: [1, 2])) }
    }
}

@Suite struct SummaryTests {
    @Test func summaryListsEveryParameterAndTheTotal() throws {
        let net = try BagOfEmbeddingsClassifier(vocabularySize: 1000, embeddingWidth: 8, hidden: [4], head: .classification(classes: 3), generator: testRandom)
        let text = net.summary()
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines[0] == "BagOfEmbeddingsClassifier — classification (3 classes)")
        #expect(lines.contains { $0.hasPrefix("embedding.weight") && $0.contains("Embedding") && $0.contains("[1000, 8]") && $0.hasSuffix("8,000") })
        #expect(lines.contains { $0.hasPrefix("mlp.3.bias") && $0.hasSuffix("3") })
        // 8000 + (8·4 + 4) + (4·3 + 3) = 8051
        #expect(lines.last == "total 8,051 parameters (8,051 trainable, 0.03 MiB)")
        #expect(lines.count == 3 + 5 + 1)
    }
}
