import CMCLBase
import Testing
@testable import CMCLTensor

@Suite struct TensorBasicsTests {
    @Test func creationAndAccess() throws {
        let t = try Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
        #expect(t.shape == [2, 3] && t.count == 6 && t.rank == 2 && t.dtype == .float32)
        #expect(t.toArray() == [1, 2, 3, 4, 5, 6])
        #expect(try Tensor.zeros([2]).toArray() == [0, 0])
        #expect(try Tensor.ones([2], dtype: .float64).toDoubles() == [1, 1])
        #expect(try Tensor.full([3], value: 2.5).toArray() == [2.5, 2.5, 2.5])
        #expect(try Tensor.arange(0, 5).toInts() == [0, 1, 2, 3, 4])
        #expect(try Tensor.arange(0, 1, step: 0.25).toArray() == [0, 0.25, 0.5, 0.75])
        #expect(try Tensor.eye(2, 3).toArray() == [1, 0, 0, 0, 1, 0])
        #expect(try Tensor(scalar: 3).item() == 3)
        #expect(throws: TensorError.self) { try t.item() }
        let n = try Tensor(nested: [[1, 2], [3, 4]])
        #expect(n.dtype == .int32 && n.shape == [2, 2])
        let f = try Tensor(nested: [[1, 2.5]])
        #expect(f.dtype == .float32 && f.toArray() == [1, 2.5])
        #expect(throws: TensorError.self) { try Tensor(nested: [[1, 2], [3]]) }
        #expect(throws: TensorError.self) { try Tensor(nested: [[1, 2], 3]) }
        #expect(throws: TensorError.self) { try Tensor([1, 2], shape: [3]) }
    }

    @Test func broadcastingArithmetic() throws {
        let a = try Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
        let b = try Tensor([10, 20, 30], shape: [3])
        #expect(try (a + b).toArray() == [11, 22, 33, 14, 25, 36])
        let c = try Tensor([1, 2], shape: [2, 1])
        #expect(try (a * c).toArray() == [1, 2, 3, 8, 10, 12])
        #expect(try (a - 1).toArray() == [0, 1, 2, 3, 4, 5])
        #expect(try a.gt(3).toArray() == [0, 0, 0, 1, 1, 1])
        let bad = try Tensor([1, 2], shape: [2])
        #expect(throws: TensorError.incompatibleShapes(op: "add", lhs: [2, 3], rhs: [2], reason: "cannot broadcast")) { try a + bad }
    }

    @Test func matmulErrorMessage() throws {
        let a = try Tensor.zeros([2, 3]), b = try Tensor.zeros([4, 5])
        do {
            _ = try a.matmul(b)
            Issue.record("expected an error")
        } catch let e as TensorError {
            #expect(e.description == "matmul: shapes [2, 3] and [4, 5] are not compatible (inner dimensions 3 and 4 differ)")
        }
    }

    @Test func matmulValues() throws {
        let a = try Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
        let b = try Tensor([7, 8, 9, 10, 11, 12], shape: [3, 2])
        #expect(try a.matmul(b).toArray() == [58, 64, 139, 154])
        // Transposed view goes to BLAS without a copy and agrees.
        #expect(try a.transpose().transpose().matmul(b).toArray() == [58, 64, 139, 154])
        #expect(try b.transpose().matmul(a.transpose()).toArray() == [58, 139, 64, 154])
        // Vector cases.
        let v = try Tensor([1, 1, 1], shape: [3])
        #expect(try a.matmul(v).toArray() == [6, 15])
        #expect(try v.matmul(b).toArray() == [27, 30])
        #expect(try v.matmul(v).shape == [])
        // Batched with broadcast batch dims.
        let batch = try Tensor.stack([a, a.mul(2)])                   // [2, 2, 3]
        let out = try batch.matmul(b)                                  // [2, 2, 2]
        #expect(out.toArray() == [58, 64, 139, 154, 116, 128, 278, 308])
        let bb = try Tensor.stack([b, b]).unsqueeze(0)                 // [1, 2, 3, 2]
        #expect(try batch.unsqueeze(1).matmul(bb).shape == [2, 2, 2, 2])
    }

    @Test func reductions() throws {
        let a = try Tensor([1, 5, 3, 4, 2, 6], shape: [2, 3])
        #expect(try a.sum().item() == 21)
        #expect(try a.sum(axes: [0]).toArray() == [5, 7, 9])
        #expect(try a.sum(axes: [1], keepDims: true).shape == [2, 1])
        #expect(try a.mean(axes: [1]).toArray() == [3, 4])
        #expect(try a.max(axes: [1]).toArray() == [5, 6])
        #expect(try a.min().item() == 1)
        #expect(try a.argmax(axis: 1).toInts() == [1, 2])
        #expect(try a.argmax().toInts() == [5])
        #expect(close(try a.variance(axes: [1]).toArray(), [4, 4]))
        #expect(close(try a.logsumexp(axes: [1]).toArray(), [5.1429316, 6.1429316]))
        #expect(throws: TensorError.invalidAxis(op: "sum", axis: 2, rank: 2)) { try a.sum(axes: [2]) }
    }

    @Test func shapeOps() throws {
        let a = try Tensor.arange(0, 6, dtype: .float32).reshape([2, 3])
        #expect(try a.transpose().toArray() == [0, 3, 1, 4, 2, 5])
        #expect(try a.reshape([3, -1]).shape == [3, 2])
        #expect(try a.slice(axis: 1, start: 1).toArray() == [1, 2, 4, 5])
        #expect(try a.slice(axis: 1, start: 0, end: 3, step: 2).toArray() == [0, 2, 3, 5])
        #expect(try a.select(axis: 0, index: -1).toArray() == [3, 4, 5])
        #expect(try a.index([.all, .at(1)]).toArray() == [1, 4])
        #expect(try a.index([.newAxis]).shape == [1, 2, 3])
        #expect(try Tensor.concat([a, a], axis: 1).shape == [2, 6])
        #expect(try Tensor.stack([a, a], axis: 1).shape == [2, 2, 3])
        let parts = try a.split(sizes: [1, 2], axis: 1)
        #expect(parts[1].toArray() == [1, 2, 4, 5])
        #expect(try a.pad([(0, 0), (1, 0)], value: 9).toArray() == [9, 0, 1, 2, 9, 3, 4, 5])
        let ids = try Tensor(ints: [2, 0], shape: [2])
        #expect(try ids.oneHot(classes: 3).toArray() == [0, 0, 1, 1, 0, 0])
        #expect(try a.indexSelect(axis: 1, indices: ids).toArray() == [2, 0, 5, 3])
        #expect(try a.embedding(try Tensor(ints: [1, 1, 0], shape: [3])).shape == [3, 3])
        let gi = try Tensor(ints: [2, 0], shape: [2, 1])
        #expect(try a.gather(axis: 1, indices: gi).toArray() == [2, 3])
        #expect(try a.permute([1, 0]).contiguous().toArray() == [0, 3, 1, 4, 2, 5])
    }

    @Test func softmaxAndCrossEntropy() throws {
        let x = try Tensor([1, 2, 3, 1000, 1000, 1000], shape: [2, 3])
        let p = try x.softmax().toDoubles()
        #expect(close(p, [0.09003057, 0.24472847, 0.66524096, 1 / 3.0, 1 / 3.0, 1 / 3.0]))
        #expect(close(try x.logSoftmax().toDoubles(), [-2.40760596, -1.40760596, -0.40760596, -1.0986123, -1.0986123, -1.0986123]))
        let y = try Tensor(ints: [2, -100], shape: [2])
        #expect(close([try x.crossEntropy(labels: y).item()], [0.40760596]))
    }

    @Test func whereMaskedFillClamp() throws {
        let x = try Tensor([-1, 0, 2, .nan], shape: [4])
        #expect(try Tensor.where(x.gt(0), x, Tensor(scalar: 7)).toArray() == [7, 7, 2, 7])
        let m = try x.maskedFill(x.ne(x), value: 0)
        #expect(m.toArray() == [-1, 0, 2, 0])
        #expect(try x.clamp(min: 0, max: 1).toArray()[0 ..< 3] == [0, 0, 1])
    }

    @Test func autodiffBasics() throws {
        let w = try Tensor([1, 2, 3, 4], shape: [2, 2]).requiringGrad()
        let x = try Tensor([1, 1], shape: [2, 1])
        let loss = try w.matmul(x).sum()
        try loss.backward()
        #expect(w.grad?.toArray() == [1, 1, 1, 1])
        // Accumulates on a second pass; the graph of the first was freed.
        try w.matmul(x).sum().backward()
        #expect(w.grad?.toArray() == [2, 2, 2, 2])
        #expect(throws: TensorError.self) { try loss.backward() }
        w.zeroGrad()
        #expect(w.grad == nil)
        // No-grad scope and detach.
        let y = try Tensor.withNoGrad { try w.mul(2) }
        #expect(!y.requiresGrad && Tensor.isGradEnabled)
        #expect(!w.detach().requiresGrad)
        #expect(throws: TensorError.self) { try y.sum().backward() }
    }

    @Test func customOp() throws {
        let x = try Tensor(doubles: [1, 2, 3], shape: [3]).requiringGrad()
        let y = Tensor.custom(name: "cube", inputs: [x], output: try x.detach().pow(3)) { g in
            [try g.mul(x.detach().pow(2)).mul(3)]
        }
        try y.sum().backward()
        #expect(x.grad?.toDoubles() == [3, 12, 27])
    }

    @Test func generatorDeterminism() throws {
        let a = try Tensor.uniform([1000], generator: Generator(seed: 123)).toArray()
        let b = try Tensor.uniform([1000], generator: Generator(seed: 123)).toArray()
        let c = try Tensor.uniform([1000], generator: Generator(seed: 124)).toArray()
        #expect(a == b && a != c)
        #expect(a.allSatisfy { $0 >= 0 && $0 < 1 })
        let n1 = try Tensor.randn([501], generator: Generator(seed: 5)).toArray()
        let n2 = try Tensor.randn([501], generator: Generator(seed: 5)).toArray()
        #expect(n1 == n2)
        let perm = try Tensor.randperm(50, generator: Generator(seed: 1)).toInts()
        #expect(perm.sorted() == (0..<50).map { Int32($0) })
        let ri = try Tensor.randint([200], low: -3, high: 4, generator: Generator(seed: 2)).toInts()
        #expect(ri.allSatisfy { $0 >= -3 && $0 < 4 } && Set(ri).count == 7)
        // Known first outputs of xoshiro256** seeded by SplitMix64(0) — independent reference values.
        let g = Generator(seed: 0)
        #expect(g.next() == 0x99EC5F36CB75F2B4)
    }

    @Test func dropoutWithSharedDraw() throws {
        let x = try Tensor.ones([1000])
        let u = try Tensor.uniform([1000], generator: Generator(seed: 9))
        var kept: [Int] = []
        for p in [0.1, 0.3, 0.5] {
            let (mask, scale) = try Tensor.dropoutMask(uniform: u, p: p)
            let y = try x.dropout(mask: mask, scale: scale).toArray()
            kept.append(y.filter { $0 != 0 }.count)
            #expect(y.allSatisfy { $0 == 0 || Swift.abs($0 - Float(1 / (1 - p))) < 1e-6 })
        }
        // Nested: a unit kept at a higher rate is kept at every lower rate.
        #expect(kept[0] >= kept[1] && kept[1] >= kept[2])
        let m1 = try u.ge(0.5).toArray(), m2 = try u.ge(0.1).toArray()
        #expect(zip(m1, m2).allSatisfy { $0 <= $1 })
    }
}
