import CMCLNN
import CMCLTensor
import Foundation
import Testing
@testable import CMCLCompare

@Suite struct CmpDropTests {
    static func model(dropout: Double = 0.3, seed: UInt64 = 1) throws -> BagOfEmbeddingsClassifier {
        try BagOfEmbeddingsClassifier(vocabularySize: 60, embeddingWidth: 128, hidden: [96],
                                      head: .classification(classes: 2), dropout: dropout, generator: Generator(seed: seed))
    }

    /// Runs every variant of one step and returns the recorded multipliers by site and level.
    static func recordedMasks(model: BagOfEmbeddingsClassifier, drop: CmpDrop, batch: Batch, seed: UInt64)
        throws -> (step: NestedDropoutStep, masks: [String: [Int: [Float]]], outputs: [[Float]]) {
        let step = drop.makeStep(model: model, generator: Generator(seed: seed), recordMultipliers: true)
        var outputs = [[Float]]()
        for ctx in step.contexts(base: ForwardContext(training: true, generator: Generator(seed: 999))) {
            outputs.append(try model(batch, context: ctx).logits.toArray())
        }
        var masks = [String: [Int: [Float]]]()
        for m in step.multipliers { masks[m.site, default: [:]][m.level] = m.multiplier.toArray() }
        return (step, masks, outputs)
    }

    @Test func masksAreNestedAtEverySiteOfARealForward() throws {
        let net = try Self.model()
        let batch = try syntheticSentimentBatch(rows: 64, length: 12, vocabulary: 60, seed: 3)
        let drop = try CmpDrop(steps: 3)
        let (step, masks, _) = try Self.recordedMasks(model: net, drop: drop, batch: batch, seed: 42)
        let sites = net.dropoutSites().map(\.name)
        #expect(Set(sites) == ["dropout", "mlp.2"])
        #expect(Set(masks.keys) == Set(sites))
        #expect(step.multipliers.allSatisfy { $0.level >= 1 }, "the full model (k = 0) runs without dropout")
        for site in sites {
            let levels = try #require(masks[site])
            #expect(levels.keys.sorted() == [1, 2, 3])
            for k in 1...3 {
                let m = try #require(levels[k])
                let pk = 1 - pow(0.7, Double(k))
                let scale = Float(1 / (1 - pk))
                #expect(m.allSatisfy { $0 == 0 || abs($0 - scale) < 1e-5 }, "site \(site) k=\(k): multipliers are 0 or 1/(1-p_k)")
                let dropped = Double(m.filter { $0 == 0 }.count) / Double(m.count)
                #expect(abs(dropped - pk) < 0.03, "site \(site) k=\(k): dropped \(dropped) vs p_k \(pk)")
                if k < 3, let inner = levels[k + 1] {
                    #expect(zip(m, inner).allSatisfy { $1 == 0 || $0 != 0 }, "site \(site): kept at \(k + 1) ⇒ kept at \(k)")
                    #expect(inner.filter { $0 == 0 }.count > m.filter { $0 == 0 }.count)
                }
            }
        }
    }

    @Test func fullModelVariantEqualsEvaluationAndAblatedOnesDiffer() throws {
        let net = try Self.model()
        let batch = try syntheticSentimentBatch(rows: 8, length: 10, vocabulary: 60, seed: 4)
        let (_, _, outputs) = try Self.recordedMasks(model: net, drop: try CmpDrop(steps: 2), batch: batch, seed: 7)
        let evaluation = try net(batch, context: ForwardContext()).logits.toArray()
        #expect(outputs[0] == evaluation)
        #expect(outputs[1] != evaluation)
        #expect(outputs[2] != outputs[1])
    }

    @Test func explicitRateOverridesSiteRatesAndVariantsReportThem() throws {
        let net = try Self.model(dropout: 0.1)
        let variants = try CmpDrop(steps: 2).variants(net)
        #expect(variants.count == 3)
        #expect(variants[0].rates.values.allSatisfy { $0 == 0 })
        #expect(abs((variants[2].rates["dropout"] ?? 0) - 0.19) < 1e-12)
        let explicit = try CmpDrop(steps: 2, rate: 0.5).variants(net)
        #expect(abs((explicit[1].rates["mlp.2"] ?? 0) - 0.5) < 1e-12)
        #expect(abs((explicit[2].rates["mlp.2"] ?? 0) - 0.75) < 1e-12)
        let batch = try syntheticSentimentBatch(rows: 64, length: 12, vocabulary: 60, seed: 5)
        let (_, masks, _) = try Self.recordedMasks(model: net, drop: try CmpDrop(steps: 2, rate: 0.5), batch: batch, seed: 8)
        let m2 = try #require(masks["dropout"]?[2])
        let dropped = Double(m2.filter { $0 == 0 }.count) / Double(m2.count)
        #expect(abs(dropped - 0.75) < 0.03)
    }

    @Test func masksAreDeterministicFromTheStepGenerator() throws {
        let net = try Self.model()
        let batch = try syntheticSentimentBatch(rows: 16, length: 10, vocabulary: 60, seed: 6)
        let drop = try CmpDrop(steps: 2)
        let a = try Self.recordedMasks(model: net, drop: drop, batch: batch, seed: 100)
        let b = try Self.recordedMasks(model: net, drop: drop, batch: batch, seed: 100)
        let c = try Self.recordedMasks(model: net, drop: drop, batch: batch, seed: 101)
        #expect(a.masks == b.masks)
        #expect(a.outputs == b.outputs)
        #expect(a.masks != c.masks)
    }

    @Test func invalidSettingsAreTypedErrors() throws {
        #expect(throws: CompareError.invalidCount(operation: "cmpdrop", name: "steps", value: 0, requirement: "it must lie in 1...4096")) { try CmpDrop(steps: 0) }
        #expect(throws: CompareError.invalidParameter(operation: "cmpdrop", name: "rate", value: 1.0, requirement: "it must lie in [0, 1)")) { try CmpDrop(steps: 2, rate: 1) }
        #expect(throws: CompareError.invalidParameter(operation: "cmpdrop", name: "rate", value: -0.1, requirement: "it must lie in [0, 1)")) { try CmpDrop(steps: 2, rate: -0.1) }
        let step = try CmpDrop(steps: 1).makeStep(model: Self.model(), generator: Generator(seed: 1))
        #expect(throws: CompareError.indexOutOfRange(operation: "cmpdrop", name: "level", index: 2, count: 2)) { try step.multiplier(site: "dropout", shape: [2], level: 2) }
    }
}
