import CMCLTensor
import Foundation
import Testing
@testable import CMCLNN

/// The encoder on packed real tokens against the same encoder on the padded batch: same logits,
/// same gradients, same random draws.
@Suite struct TokenPackingTests {
    /// Four sequences of lengths 9, 3, 6 and 1 padded to 9 (19 of 36 positions real).
    static func paddedBatch() throws -> Batch {
        let lengths = [9, 3, 6, 1], t = 9
        let g = Generator(seed: 7)
        let ids = try Tensor.randint([lengths.count, t], low: 1, high: 40, generator: g).toInts()
        var maskedIDs = ids, mask = [Int32](repeating: 0, count: ids.count), types = [Int32](repeating: 0, count: ids.count)
        for (r, n) in lengths.enumerated() {
            for c in 0..<t {
                if c < n { mask[r * t + c] = 1; types[r * t + c] = c >= n / 2 ? 1 : 0 } else { maskedIDs[r * t + c] = 0 }
            }
        }
        return try Batch(ids: Tensor(ints: maskedIDs, shape: [lengths.count, t]),
                         attentionMask: Tensor(ints: mask, shape: [lengths.count, t]),
                         tokenTypes: Tensor(ints: types, shape: [lengths.count, t]),
                         labels: Tensor(ints: [0, 1, 1, 0], shape: [lengths.count]))
    }

    static func model(head: TaskHead = .classification(classes: 2), dtype: DType = .float32,
                      family: EncoderFamily = .bert, embeddingSize: Int? = nil) throws -> Transformer {
        var config = BertConfig(vocabularySize: 40, hiddenSize: 16, layers: 2, heads: 2, intermediateSize: 24, maxPositions: 16,
                                hiddenDropout: 0.2, attentionDropout: 0.1)
        config.family = family
        config.embeddingSize = embeddingSize
        if family == .roberta { config.maxPositions = 16 + 2 }
        let m = try Transformer(config: config, head: head, generator: Generator(seed: 3))
        if dtype != .float32 {
            for p in m.parameters() { p.value = try p.value.to(dtype) }
        }
        return m
    }

    /// Loss and every parameter's gradient of one training pass.
    static func pass(_ model: Transformer, _ batch: Batch, packed: Bool, context: () -> ForwardContext) throws
        -> (logits: Tensor, grads: [String: [Double]]) {
        model.packsTokens = packed
        for p in model.parameters() { p.value.grad = nil }
        let out = try model(batch, context: context())
        let loss = try out.logits.crossEntropy(labels: batch.labels!)
        try loss.backward()
        var grads: [String: [Double]] = [:]
        for p in model.parameters() { grads[p.name] = p.grad?.toDoubles() ?? [] }
        return (out.logits, grads)
    }

    static func expectClose(_ a: (logits: Tensor, grads: [String: [Double]]), _ b: (logits: Tensor, grads: [String: [Double]]),
                            logits tolerance: Double, gradients relative: Double) {
        #expect(maxAbsDiff(a.logits, b.logits.toDoubles()) <= tolerance)
        #expect(Set(a.grads.keys) == Set(b.grads.keys))
        for (name, g) in a.grads {
            let h = b.grads[name] ?? []
            let scale = Swift.max(1e-30, g.map(Swift.abs).max() ?? 0)
            #expect(g.count == h.count, "\(name)")
            #expect(maxAbsDiff(g, h) <= relative * scale, "\(name): \(maxAbsDiff(g, h)) of \(scale)")
        }
    }

    @Test func packingListsTheRealTokens() throws {
        let batch = try Self.paddedBatch()
        let packing = try #require(try TokenPacking(batch))
        #expect(packing.count == 19)
        #expect(packing.firstRows.toInts() == [0, 9, 12, 18])
        #expect(Array(packing.positions.toInts().prefix(12)) == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])
        #expect(Array(packing.positions.toInts().suffix(7)) == [18, 19, 20, 21, 22, 23, 27])
        let x = try Tensor.arange(0, 72, dtype: .float32).reshape([4, 9, 2])
        let packed = try packing.pack(x)
        #expect(packed.shape == [19, 2])
        let back = try packing.unpack(packed).toDoubles()
        let mask = batch.attentionMask!.toInts()
        for p in 0..<36 {
            #expect(back[2 * p] == (mask[p] != 0 ? Double(2 * p) : 0))
        }
    }

    @Test func batchesWithoutEnoughPaddingAreNotPacked() throws {
        let full = try Batch(ids: Tensor(ints: [1, 2, 3, 4, 5, 6], shape: [2, 3]), attentionMask: Tensor.ones([2, 3], dtype: .int32))
        #expect(try TokenPacking(full) == nil)
        #expect(try TokenPacking(Batch(ids: Tensor(ints: [1, 2, 3, 4, 5, 6], shape: [2, 3]))) == nil)
        // A sequence starting with padding: the classifier reads that position, so no packing.
        let left = try Batch(ids: Tensor(ints: [0, 2, 3, 4, 0, 0], shape: [2, 3]),
                             attentionMask: Tensor(ints: [0, 1, 1, 1, 0, 0], shape: [2, 3]))
        #expect(try TokenPacking(left) == nil)
    }

    @Test func evaluationGivesThePaddedLogitsAndHiddenStatesOfRealTokens() throws {
        let model = try Self.model(), batch = try Self.paddedBatch()
        model.packsTokens = false
        let padded = try model(batch)
        model.packsTokens = true
        let packed = try model(batch)
        #expect(maxAbsDiff(packed.logits, padded.logits.toDoubles()) <= 1e-6)
        #expect(maxAbsDiff(try #require(packed.pooled), try #require(padded.pooled).toDoubles()) <= 1e-6)
        let h = try #require(packed.hidden).toDoubles(), hp = try #require(padded.hidden).toDoubles()
        let mask = batch.attentionMask!.toInts()
        var largest = 0.0, paddingZero = true
        for p in 0..<mask.count {
            for j in 0..<16 {
                if mask[p] != 0 { largest = Swift.max(largest, Swift.abs(h[p * 16 + j] - hp[p * 16 + j])) }
                else if h[p * 16 + j] != 0 { paddingZero = false }
            }
        }
        #expect(largest <= 1e-5)
        #expect(paddingZero)
    }

    @Test func trainingDrawsTheSameDropoutAndGivesTheSameGradients() throws {
        let model = try Self.model(), batch = try Self.paddedBatch()
        let generator = Generator(seed: 11)
        let padded = try Self.pass(model, batch, packed: false) { ForwardContext(training: true, generator: generator) }
        let after = generator.next()
        generator.reseed(11)
        let packed = try Self.pass(model, batch, packed: true) { ForwardContext(training: true, generator: generator) }
        #expect(generator.next() == after)
        Self.expectClose(packed, padded, logits: 1e-6, gradients: 1e-5)
        // Dropout is on: the pass differs from evaluation, so equal logits are not an accident.
        #expect(maxAbsDiff(try model(batch).logits, padded.logits.toDoubles()) > 1e-4)
    }

    @Test func dropoutOverridesAreAskedForThePaddedShape() throws {
        let model = try Self.model(), batch = try Self.paddedBatch()
        var shapes: [[String]] = [[], []]
        func context(_ run: Int) -> ForwardContext {
            let ctx = ForwardContext(training: true, generator: Generator(seed: 1))
            ctx.dropoutOverride = { site, shape, rate in
                shapes[run].append(site + " " + shape.map(String.init).joined(separator: "x"))
                let u = try Tensor.uniform(shape, generator: Generator(seed: UInt64(site.utf8.count * 31 + shape.reduce(0, +))))
                return try u.ge(Double(rate) * 2).mul(1 / (1 - Double(rate) * 2))
            }
            return ctx
        }
        let padded = try Self.pass(model, batch, packed: false) { context(0) }
        let packed = try Self.pass(model, batch, packed: true) { context(1) }
        #expect(shapes[0] == shapes[1])
        #expect(shapes[0].contains("embeddings.dropout 4x9x16"))
        Self.expectClose(packed, padded, logits: 1e-6, gradients: 1e-5)
    }

    @Test(arguments: [(EncoderFamily.roberta, nil), (.electra, 8), (.electra, nil)] as [(EncoderFamily, Int?)])
    func otherFamiliesAgree(family: EncoderFamily, embeddingSize: Int?) throws {
        let model = try Self.model(family: family, embeddingSize: embeddingSize), batch = try Self.paddedBatch()
        let padded = try Self.pass(model, batch, packed: false) { ForwardContext(training: true, generator: Generator(seed: 2)) }
        let packed = try Self.pass(model, batch, packed: true) { ForwardContext(training: true, generator: Generator(seed: 2)) }
        Self.expectClose(packed, padded, logits: 1e-6, gradients: 1e-5)
    }

    @Test func headMasksAgree() throws {
        let model = try Self.model(), batch = try Self.paddedBatch()
        func context() -> ForwardContext {
            let ctx = ForwardContext(training: true, generator: Generator(seed: 4))
            ctx.headMasks[1] = try! Tensor([1, 0, 1, 1, 0, 1, 1, 1], shape: [4, 2])
            return ctx
        }
        let padded = try Self.pass(model, batch, packed: false, context: context)
        let packed = try Self.pass(model, batch, packed: true, context: context)
        Self.expectClose(packed, padded, logits: 1e-6, gradients: 1e-5)
    }

    @Test func masksOtherThanZeroAndOneAreNotPacked() throws {
        let batch = try Batch(ids: Tensor(ints: [1, 2, 3, 4, 5, 6], shape: [2, 3]),
                              attentionMask: Tensor([1, 0.5, 0, 1, 0, 0], shape: [2, 3]))
        #expect(try TokenPacking(batch) == nil)
    }

    @Test func float64PassesAgreeToRounding() throws {
        let model = try Self.model(dtype: .float64), batch = try Self.paddedBatch()
        let padded = try Self.pass(model, batch, packed: false) { ForwardContext(training: true, generator: Generator(seed: 5)) }
        let packed = try Self.pass(model, batch, packed: true) { ForwardContext(training: true, generator: Generator(seed: 5)) }
        #expect(packed.logits.dtype == .float64)
        Self.expectClose(packed, padded, logits: 1e-13, gradients: 1e-12)
    }

    @Test func spanHeadsAndNeuronMasksKeepThePaddedPath() throws {
        // Span heads read every position (Hugging Face does not mask padding in their logits).
        let span = try Self.model(head: .span), batch = try Self.paddedBatch()
        let out = try span(batch)
        #expect(try #require(out.startLogits).shape == [4, 9])
        // A neuron mask of any shape applies to the padded layout as before.
        let model = try Self.model()
        let ctx = ForwardContext()
        ctx.neuronMasks["encoder.layer.0.intermediate"] = try Tensor.ones([4, 1, 24])
        let masked = try model(batch, context: ctx)
        model.packsTokens = false
        #expect(maxAbsDiff(masked.logits, try model(batch).logits.toDoubles()) <= 1e-6)
    }
}
