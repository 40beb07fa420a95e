import CMCLBase
import CMCLNN
import CMCLTensor
@testable import CMCLCompare

/// A residual block that is a layer site (skippable) with a per-"head" gate site: the output is
/// `x + gate ⊙ tanh(x W^T)` where the gate is the head mask of this layer, broadcast over
/// `heads` equal chunks of the width.
final class ToyLayer: Module, SiteProviding {
    let dense: Linear
    let index: Int
    let heads: Int

    init(width: Int, heads: Int, index: Int, generator: Generator) throws {
        dense = try Linear(width, width, generator: generator)
        self.index = index
        self.heads = heads
        super.init()
        addChild("dense", dense)
    }

    var ownSites: [Site] {
        [Site(kind: .layer, name: path, layer: index), Site(kind: .heads, name: path, width: heads, layer: index)]
    }

    override func forward(_ x: Tensor, context: ForwardContext) throws -> Tensor {
        if context.skippedLayers.contains(index) { return x }
        var h = try dense(x, context: context).tanh()
        if let gate = context.headMasks[index] {
            let width = x.shape[x.rank - 1]
            let perUnit = try gate.reshape([heads, 1]).expand([heads, width / heads]).reshape([width])
            h = try h.mul(perUnit.to(h.dtype))
        }
        return try x.add(h)
    }
}

/// A stack of ``ToyLayer``s.
final class ToyEncoder: Module {
    let layers: ModuleList

    init(width: Int, heads: Int, depth: Int, seed: UInt64) throws {
        let g = Generator(seed: seed)
        layers = ModuleList(try (0..<depth).map { try ToyLayer(width: width, heads: heads, index: $0, generator: g) })
        super.init()
        addChild("layer", layers)
    }

    override func forward(_ x: Tensor, context: ForwardContext) throws -> Tensor {
        var h = x
        for layer in layers.items { h = try layer(h, context: context) }
        return h
    }
}

/// A span model: token embeddings → dropout → Linear(d, 2) giving start and end logits `[B, T]`,
/// padding at -1000.
final class ToySpanModel: TextModel {
    let embedding: Embedding
    let dropout: Dropout
    let answerer: Linear

    init(vocabulary: Int, width: Int, dropout p: Double, seed: UInt64) throws {
        let g = Generator(seed: seed)
        embedding = try Embedding(vocabulary, width, std: 0.5, generator: g)
        dropout = try Dropout(p)
        answerer = try Linear(width, 2, generator: g)
        super.init(head: .span)
        addChild("embedding", embedding)
        addChild("dropout", dropout)
        addChild("answerer", answerer)
    }

    override func forward(_ batch: Batch, context: ForwardContext) throws -> ModelOutput {
        let e = try dropout(embedding(batch.ids, context: context), context: context)
        let logits = try answerer(e, context: context)                         // [B, T, 2]
        let mask = try (batch.attentionMask ?? Tensor.ones(batch.ids.shape)).to(.float32)
        let pad = try mask.rsub(1).mul(-1000)
        let start = try logits.select(axis: 2, index: 0).mul(mask).add(pad)
        let end = try logits.select(axis: 2, index: 1).mul(mask).add(pad)
        return ModelOutput(logits: logits, startLogits: start, endLogits: end)
    }
}

/// A synthetic sentiment task: label 1 when "positive" ids (1...5) outnumber "negative" ids
/// (6...10) in a row of random filler (11..<vocab); rows have random real lengths with padding 0.
func syntheticSentimentBatch(rows: Int, length: Int, vocabulary: Int, seed: UInt64) throws -> Batch {
    var rng = Xoshiro256StarStar(seed: seed)
    var ids = [Int32](), mask = [Int32](), labels = [Int32]()
    for _ in 0..<rows {
        let n = 4 + rng.uniformIndex(below: length - 3)
        var score = 0
        var row = [Int32](repeating: 0, count: length)
        var rowMask = [Int32](repeating: 0, count: length)
        for j in 0..<n {
            let r = rng.uniformIndex(below: 4)
            let id: Int
            if r == 0 { id = 1 + rng.uniformIndex(below: 5); score += 1 }
            else if r == 1 { id = 6 + rng.uniformIndex(below: 5); score -= 1 }
            else { id = 11 + rng.uniformIndex(below: vocabulary - 11) }
            row[j] = Int32(id)
            rowMask[j] = 1
        }
        ids += row
        mask += rowMask
        labels.append(score > 0 ? 1 : 0)
    }
    return try Batch(ids: Tensor(ints: ids, shape: [rows, length]), attentionMask: Tensor(ints: mask, shape: [rows, length]),
                     labels: Tensor(ints: labels, shape: [rows]))
}
