import CMCLNN
import CMCLTensor
import Testing
@testable import CMCLCompare

/// The stream of this file's random tensors and layers (the engine has no default generator).
private let testRandom = Generator(seed: 0)

@Suite struct AblatedModelTests {
    static func input(_ rows: Int, _ width: Int, seed: UInt64) throws -> Tensor {
        try Tensor.uniform([rows, width], low: -1, high: 1, generator: Generator(seed: seed))
    }

    /// Identity and contents of every parameter tensor.
    static func snapshot(_ m: Module) -> [(ObjectIdentifier, [Float])] {
        m.parameters().map { (ObjectIdentifier($0.value), $0.value.toArray()) }
    }

    static func same(_ a: [(ObjectIdentifier, [Float])], _ b: [(ObjectIdentifier, [Float])]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
    }

    @Test func skippedLayerIsTheIdentity() throws {
        let encoder = try ToyEncoder(width: 8, heads: 2, depth: 3, seed: 1)
        let x = try Self.input(4, 8, seed: 2)
        let before = Self.snapshot(encoder)
        let view = try encoder.ablated().skipLayers([1])
        let skipped = try view(x).toArray()
        // Independent expectation: run layers 0 and 2 by hand.
        let ctx = ForwardContext()
        let manual = try encoder.layers.items[2](encoder.layers.items[0](x, context: ctx), context: ctx).toArray()
        #expect(skipped == manual)
        let all = try encoder.ablated().skipLayers([0, 1, 2])
        #expect(try all(x).toArray() == x.toArray())
        #expect(Self.same(before, Self.snapshot(encoder)), "no parameter was copied or changed")
        #expect(throws: CompareError.self) { try encoder.ablated().skipLayers([3]) }
    }

    @Test func maskedHeadsZeroTheirShareOfTheLayer() throws {
        let encoder = try ToyEncoder(width: 8, heads: 2, depth: 1, seed: 3)
        let x = try Self.input(3, 8, seed: 4)
        let full = try encoder(x).toArray()
        let out = try encoder.ablated().maskHeads(layer: 0, heads: [1])(x).toArray()
        let xs = x.toArray()
        for row in 0..<3 {
            for j in 0..<8 {
                let i = row * 8 + j
                if j < 4 { #expect(out[i] == full[i]) } else { #expect(out[i] == xs[i], "head 1 units carry only the residual") }
            }
        }
        #expect(throws: CompareError.indexOutOfRange(operation: "mask_heads", name: "head", index: 2, count: 2)) { try encoder.ablated().maskHeads(layer: 0, heads: [2]) }
        #expect(throws: CompareError.self) { try encoder.ablated().maskHeads(layer: 5, heads: [0]) }
    }

    @Test func maskedNeuronsZeroHiddenUnits() throws {
        let mlp = try MLP([5, 6, 3], activation: .relu, generator: Generator(seed: 5))
        let x = try Self.input(4, 5, seed: 6)
        #expect(mlp.maskableSites().map(\.name) == ["1"])
        let allMasked = try mlp.ablated().maskNeurons(site: "1", units: Array(0..<6))
        let out = try allMasked(x).toArray()
        let linears = mlp.layers.compactMap { $0 as? Linear }
        let bias = linears.last?.bias?.value.toArray() ?? []
        for row in 0..<4 { #expect(Array(out[(row * 3)..<(row * 3 + 3)]) == bias) }
        // Masking units 0 and 3 equals zeroing columns 0 and 3 of the last weight matrix.
        let view = try mlp.ablated().maskNeurons(site: "1", units: [0]).maskNeurons(site: "1", units: [3])
        let last = try #require(linears.last)
        let w = last.weight.value.toArray()
        let zeroed = try Tensor(w.enumerated().map { $0.offset % 6 == 0 || $0.offset % 6 == 3 ? 0 : $0.element }, shape: [3, 6])
        let ctx = ForwardContext(parameterOverrides: [last.weight.name: zeroed])
        let expected = try mlp(x, context: ctx).toArray()
        let got = try view(x).toArray()
        #expect(zip(got, expected).allSatisfy { abs($0 - $1) < 1e-6 })
        #expect(view.description.contains("2/6 masked"))
        #expect(throws: CompareError.unknownName(operation: "mask_neurons", kind: "neuron site", given: "2", candidates: ["1"], valid: ["1"])) { try mlp.ablated().maskNeurons(site: "2", units: [0]) }
        #expect(throws: CompareError.indexOutOfRange(operation: "mask_neurons", name: "unit", index: 6, count: 6)) { try mlp.ablated().maskNeurons(site: "1", units: [6]) }
    }

    @Test func globalPruningZeroesTheSmallestWeightsWithoutCopies() throws {
        let mlp = try MLP([6, 10, 4], activation: .tanh, generator: Generator(seed: 7))
        let before = Self.snapshot(mlp)
        let view = try mlp.ablated().prune(ratio: 0.4)
        let linears = mlp.layers.compactMap { $0 as? Linear }
        let total = linears.reduce(0) { $0 + $1.weight.count }
        #expect(view.weightMasks.count == 2, "only the weight matrices, never biases")
        #expect(abs(view.prunedFraction - Double(Int(0.4 * Double(total))) / Double(total)) < 1e-12)
        // Every pruned magnitude is <= every kept magnitude, over all matrices together.
        var pruned = [Float](), kept = [Float]()
        for l in linears {
            let mask = try #require(view.weightMasks[l.weight.name]).toArray()
            for (m, w) in zip(mask, l.weight.value.toArray()) { if m == 0 { pruned.append(abs(w)) } else { kept.append(abs(w)) } }
        }
        #expect((pruned.max() ?? 0) <= (kept.min() ?? 1))
        // The ablated forward equals a forward with hand-pruned weight tensors.
        let x = try Self.input(3, 6, seed: 8)
        var overrides = [String: Tensor]()
        let threshold = pruned.max() ?? 0
        for l in linears {
            overrides[l.weight.name] = try Tensor(l.weight.value.toArray().map { abs($0) <= threshold ? 0 : $0 }, shape: l.weight.shape)
        }
        let expected = try mlp(x, context: ForwardContext(parameterOverrides: overrides)).toArray()
        let got = try view(x).toArray()
        #expect(zip(got, expected).allSatisfy { abs($0 - $1) < 1e-6 })
        #expect(got != (try mlp(x).toArray()))
        #expect(Self.same(before, Self.snapshot(mlp)), "parameters keep their identity and values")
        // Gradients reach the original weights, zero where pruned.
        let ctx = try view.context(training: true, generator: testRandom)
        try mlp(x, context: ctx).sum().backward()
        let first = linears[0]
        let grad = try #require(first.weight.grad).toArray()
        let mask = try #require(view.weightMasks[first.weight.name]).toArray()
        #expect(zip(grad, mask).allSatisfy { $1 != 0 || $0 == 0 })
        #expect(grad.contains { $0 != 0 })
    }

    @Test func pruningBreaksTiesToPruneExactlyTheRatio() throws {
        let mlp = try MLP([5, 4, 3], generator: Generator(seed: 2))
        for l in mlp.layers.compactMap({ $0 as? Linear }) { l.weight.value = try Tensor.full(l.weight.shape, value: 0.5) }
        let view = try mlp.ablated().prune(ratio: 0.3)
        let zeros = view.weightMasks.values.reduce(0) { $0 + $1.toArray().filter { $0 == 0 }.count }
        #expect(zeros == Int(0.3 * 32))
        #expect(try mlp.ablated().prune(ratio: 0).prunedFraction == 0)
        #expect(try mlp.ablated().prune(ratio: 1).prunedFraction == 1)
    }

    @Test func perMatrixPruningPrunesEachMatrixEqually() throws {
        let net = try BagOfEmbeddingsClassifier(vocabularySize: 30, embeddingWidth: 12, hidden: [9], dropout: 0,
                                                generator: Generator(seed: 9))
        let view = try net.ablated().prune(ratio: 0.25, scope: .perMatrix)
        let linearWeights = Set(net.mlp.layers.compactMap { ($0 as? Linear)?.weight.name })
        #expect(linearWeights.count == 2)
        #expect(Set(view.weightMasks.keys) == linearWeights)
        for (name, mask) in view.weightMasks {
            let zeros = mask.toArray().filter { $0 == 0 }.count
            #expect(zeros == Int(0.25 * Double(mask.count)), "\(name)")
        }
        let withEmbeddings = try net.ablated().prune(ratio: 0.25, includeEmbeddings: true)
        #expect(withEmbeddings.weightMasks.keys.contains("embedding.weight"))
        #expect(throws: CompareError.invalidParameter(operation: "prune", name: "ratio", value: 1.5, requirement: "it must lie in [0, 1]")) { try net.ablated().prune(ratio: 1.5) }
        let batch = try syntheticSentimentBatch(rows: 4, length: 8, vocabulary: 30, seed: 1)
        #expect(try view(batch).logits.shape == [4, 2])
    }
}
