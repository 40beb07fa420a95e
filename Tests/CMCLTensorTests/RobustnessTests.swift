import Testing
@testable import CMCLTensor

/// The stream of this file's random tensors and layers (the engine has no default generator).
private let testRandom = Generator(seed: 0)

/// Inputs a user can pass that must produce a typed error (or a defined value), never a crash.
struct BadInput: CustomTestStringConvertible, Sendable {
    let name: String
    let run: @Sendable () throws -> Void
    var testDescription: String { name }
}

func m23() throws -> Tensor { try Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3]) }

let badInputs: [BadInput] = [
    BadInput(name: "negative size") { _ = try Tensor.zeros([2, -1]) },
    BadInput(name: "huge size") { _ = try Tensor.zeros([1 << 40, 1 << 10]) },
    BadInput(name: "overflowing size") { _ = try Tensor.ones([Int.max, 4]) },
    BadInput(name: "too many values for shape") { _ = try Tensor([1, 2, 3], shape: [2]) },
    BadInput(name: "reshape wrong count") { _ = try m23().reshape([4, 2]) },
    BadInput(name: "reshape two -1") { _ = try m23().reshape([-1, -1]) },
    BadInput(name: "reshape -1 into zero") { _ = try Tensor.zeros([0, 3]).reshape([0, -1]) },
    BadInput(name: "reshape negative") { _ = try m23().reshape([-3, -2]) },
    BadInput(name: "bad axis sum") { _ = try m23().sum(axes: [5]) },
    BadInput(name: "repeated axis") { _ = try m23().sum(axes: [1, -1]) },
    BadInput(name: "bad axis softmax") { _ = try m23().softmax(axis: -3) },
    BadInput(name: "bad permute") { _ = try m23().permute([0, 0]) },
    BadInput(name: "bad transpose axis") { _ = try m23().transpose(0, 7) },
    BadInput(name: "broadcast mismatch") { _ = try m23().add(Tensor.zeros([4])) },
    BadInput(name: "matmul inner mismatch") { _ = try m23().matmul(m23()) },
    BadInput(name: "matmul scalar") { _ = try Tensor(scalar: 1).matmul(m23()) },
    BadInput(name: "matmul batch mismatch") { _ = try Tensor.zeros([2, 2, 3]).matmul(Tensor.zeros([3, 3, 1])) },
    BadInput(name: "index out of range") { _ = try m23().select(axis: 0, index: 2) },
    BadInput(name: "index too many") { _ = try m23().index([.at(0), .at(0), .at(0)]) },
    BadInput(name: "slice zero step") { _ = try m23().slice(axis: 0, start: 0, end: 1, step: 0) },
    BadInput(name: "embedding id out of range") { _ = try m23().embedding(Tensor(ints: [2], shape: [1])) },
    BadInput(name: "embedding negative id") { _ = try m23().embedding(Tensor(ints: [-3], shape: [1])) },
    BadInput(name: "embedding float ids") { _ = try m23().embedding(Tensor([0], shape: [1])) },
    BadInput(name: "gather out of range") { _ = try m23().gather(axis: 1, indices: Tensor(ints: [3, 0], shape: [2, 1])) },
    BadInput(name: "gather rank mismatch") { _ = try m23().gather(axis: 1, indices: Tensor(ints: [0], shape: [1])) },
    BadInput(name: "oneHot out of range") { _ = try Tensor(ints: [5], shape: [1]).oneHot(classes: 3) },
    BadInput(name: "crossEntropy label out of range") { _ = try m23().crossEntropy(labels: Tensor(ints: [0, 3], shape: [2])) },
    BadInput(name: "crossEntropy shape") { _ = try m23().crossEntropy(labels: Tensor(ints: [0], shape: [1])) },
    BadInput(name: "concat mismatch") { _ = try Tensor.concat([m23(), Tensor.zeros([3, 3])], axis: 1) },
    BadInput(name: "concat empty list") { _ = try Tensor.concat([]) },
    BadInput(name: "stack mismatch") { _ = try Tensor.stack([m23(), Tensor.zeros([3, 2])]) },
    BadInput(name: "split sizes") { _ = try m23().split(sizes: [1, 1], axis: 1) },
    BadInput(name: "pad negative") { _ = try m23().pad([(0, -1)]) },
    BadInput(name: "item of many") { _ = try m23().item() },
    BadInput(name: "backward of non-scalar") { _ = try m23().requiringGrad().mul(2).backward() },
    BadInput(name: "backward without grad") { _ = try m23().sum().backward() },
    BadInput(name: "backward grad shape") { _ = try m23().requiringGrad().mul(2).backward(grad: Tensor.zeros([3])) },
    BadInput(name: "requiresGrad on ints") { _ = try Tensor(ints: [1], shape: [1]).requiringGrad() },
    BadInput(name: "max of empty") { _ = try Tensor.zeros([0, 3]).max(axes: [0]) },
    BadInput(name: "argmax of empty") { _ = try Tensor.zeros([0]).argmax() },
    BadInput(name: "layerNorm weight shape") { _ = try m23().layerNorm(weight: Tensor.ones([2]), bias: nil) },
    BadInput(name: "dropout bad rate") { _ = try m23().dropout(p: 1.5, generator: testRandom) },
    BadInput(name: "dropout mask shape") { _ = try m23().dropout(mask: Tensor.ones([2]), scale: 1) },
    BadInput(name: "uniform NaN bound") { _ = try Tensor.uniform([2], low: .nan, high: 1, generator: testRandom) },
    BadInput(name: "normal negative std") { _ = try Tensor.normal([2], std: -1, generator: testRandom) },
    BadInput(name: "bernoulli p > 1") { _ = try Tensor.bernoulli([2], p: 2, generator: testRandom) },
    BadInput(name: "randint empty range") { _ = try Tensor.randint([2], low: 3, high: 3, generator: testRandom) },
    BadInput(name: "randperm negative") { _ = try Tensor.randperm(-1, generator: testRandom) },
    BadInput(name: "arange zero step") { _ = try Tensor.arange(0, 1, step: 0) },
    BadInput(name: "arange infinite") { _ = try Tensor.arange(0, .infinity) },
    BadInput(name: "arange huge") { _ = try Tensor.arange(0, 1e18) },
    BadInput(name: "nested int overflow") { _ = try Tensor(nested: [1e12], dtype: .int32) },
    BadInput(name: "maskedFill mask shape") { _ = try m23().maskedFill(Tensor.ones([3, 3]), value: 0) },
    BadInput(name: "biasActivation shape") { _ = try m23().biasActivation(Tensor.ones([2]), activation: .relu) },
    BadInput(name: "init rank 1") { _ = try Init.xavierUniform([3], generator: testRandom) },
    BadInput(name: "chunk zero") { _ = try m23().chunk(0) },
    BadInput(name: "flatten reversed") { _ = try Tensor.zeros([2, 3, 4]).flatten(startAxis: 2, endAxis: 0) },
]

@Suite struct RobustnessTests {
    @Test(arguments: badInputs)
    func throwsTypedError(_ input: BadInput) {
        #expect(throws: TensorError.self, "\(input.name)") { try input.run() }
    }

    @Test func errorsNameTheOperationAndShapes() throws {
        do { _ = try m23().add(Tensor.zeros([4])); Issue.record("no error") } catch let e as TensorError {
            #expect(e.description == "add: shapes [2, 3] and [4] are not compatible (cannot broadcast)")
        }
        do { _ = try Tensor.zeros([1 << 40, 1 << 10]); Issue.record("no error") } catch let e as TensorError {
            #expect(e.description.hasPrefix("zeros: a tensor of shape [1099511627776, 1024] needs"))
        }
    }

    @Test func emptyAndNonFiniteValuesAreDefined() throws {
        let e = try Tensor.zeros([0, 3])
        #expect(try e.sum().item() == 0)
        #expect(try e.sum(axes: [0]).toArray() == [0, 0, 0])
        #expect(try e.softmax().shape == [0, 3])
        #expect(try e.matmul(Tensor.zeros([3, 2])).shape == [0, 2])
        #expect(try Tensor.zeros([2, 0]).matmul(Tensor.zeros([0, 2])).toArray() == [0, 0, 0, 0])
        #expect(try e.add(Tensor.ones([3])).shape == [0, 3])
        #expect(try e.layerNorm(weight: nil, bias: nil).shape == [0, 3])
        #expect(try Tensor.concat([e, Tensor.ones([1, 3])]).shape == [1, 3])
        let x = try Tensor([.nan, .infinity, -.infinity, 1], shape: [4])
        #expect(try x.max().item().isNaN)
        #expect(try x.softmax().toArray().allSatisfy { $0.isNaN })
        let allMasked = try Tensor([-.infinity, -.infinity], shape: [2]).softmax().toArray()
        #expect(allMasked.allSatisfy { $0.isNaN } || allMasked == [0.5, 0.5])
        #expect(try Tensor([1e30, -1e30], shape: [2]).logSoftmax().toArray() == [0, -2e30])
        #expect(try x.toInts() == [0, 0, 0, 1])
        #expect(try x.argmax().toInts() == [0])
    }
}
