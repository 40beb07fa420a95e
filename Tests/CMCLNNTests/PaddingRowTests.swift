import CMCLTensor
import Foundation
import Testing
@testable import CMCLNN

/// The stream of this file's random tensors and layers (the engine has no default generator).
private let testRandom = Generator(seed: 0)

/// The padding row of a Hugging Face checkpoint's word embeddings is never trained, as
/// transformers' `nn.Embedding(padding_idx=pad_token_id)`: after one identical AdamW step on a
/// loss that reaches every position (scripts/gen_padding_row_fixture.py), the padding row moved
/// by weight decay alone and a used row moved as in PyTorch.
@Suite struct PaddingRowTests {
    static var cases: [[String: Any]] { ((try? loadJSON("padding_row.json"))?["cases"] as? [[String: Any]]) ?? [] }

    @Test func fixtureHasBothFamilies() {
        #expect(Self.cases.compactMap { $0["family"] as? String } == ["bert", "roberta"])
    }

    @Test(arguments: 0..<2)
    func oneStepMovesThePaddingRowByWeightDecayOnly(_ index: Int) throws {
        try #require(index < Self.cases.count)
        let c = Self.cases[index]
        let family = try #require(c["family"] as? String)
        let e = try PretrainedTests.expected(family)
        let (model, _) = try Transformer.pretrained(directory: PretrainedTests.directory(family), generator: testRandom)
        let pad = try #require(c["pad_id"] as? Int), used = try #require(c["used_id"] as? Int)
        #expect(model.config.freezesPaddingRow && model.config.padTokenID == pad)
        #expect(model.embeddings.wordEmbeddings.paddingIndex == pad)
        let batch = try PretrainedTests.batch(e)
        let t = batch.length, hidden = model.config.hiddenSize
        var w: [Float] = []
        for i in 0..<t { for j in 0..<hidden { w.append(Float((i * 7 + j * 3) % 11 - 5) / 10) } }
        let weights = try Tensor(w, shape: [t, hidden])
        let table = model.embeddings.wordEmbeddings.weight
        let row = { (r: Int) throws -> [Double] in try table.value.select(axis: 0, index: r).toArray().map(Double.init) }
        #expect(maxDiff(try row(pad), doubles(c["pad_before"])) < 1e-7)
        let loss = try model.hiddenStates(batch).last.mul(weights).sum()
        let expectedLoss = try #require(c["loss"] as? Double)
        let value = try loss.item()
        #expect(abs(value - expectedLoss) < 1e-4 * max(1, abs(expectedLoss)), "loss \(value) vs \(expectedLoss)")
        try loss.backward()
        let grad = try #require(table.grad)
        #expect(try grad.select(axis: 0, index: pad).toArray().allSatisfy { $0 == 0 }, "no gradient for the padding row")
        try AdamW(learningRate: try #require(c["lr"] as? Double), weightDecay: try #require(c["weight_decay"] as? Double)).step(model)
        let padDiff = maxDiff(try row(pad), doubles(c["pad_after"]))
        #expect(padDiff < 1e-7, "\(family) padding row after one step: max abs diff \(padDiff)")
        let usedDiff = maxDiff(try row(used), doubles(c["used_after"]))
        #expect(usedDiff < 1e-4, "\(family) row \(used) after one step: max abs diff \(usedDiff)")
        #expect(maxDiff(try row(used), doubles(c["used_before"])) > 1e-3, "the used row moved")
    }

    /// Saved and reloaded in cmcl's own format, the model keeps the padding row frozen; a model
    /// built from scratch trains every row.
    @Test func theSettingSurvivesCheckpointsAndScratchModelsTrainEveryRow() throws {
        let (model, _) = try Transformer.pretrained(directory: PretrainedTests.directory("bert"), generator: testRandom)
        #expect(model.architecture["padding_row"] == "frozen")
        let scratch = try Transformer(vocabularySize: 50, layers: 1, hidden: 8, heads: 2, generator: testRandom)
        #expect(scratch.embeddings.wordEmbeddings.paddingIndex == nil && scratch.architecture["padding_row"] == nil)
    }

    func maxDiff(_ a: [Double], _ b: [Double]) -> Double {
        guard a.count == b.count, !a.isEmpty else { return .infinity }
        return zip(a, b).map { abs($0 - $1) }.max() ?? .infinity
    }
}
