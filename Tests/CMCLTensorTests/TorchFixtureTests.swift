import Foundation
import Testing
@testable import CMCLTensor

/// Forward values and gradients compared with PyTorch (fixtures from scripts/gen_tensor_fixtures.py).
struct TorchFixtures: Decodable {
    struct Array: Decodable { let shape: [Int]; let data: [Double]; var dtype: String? }
    struct Case: Decodable {
        let name: String
        let inputs: [Array]
        let weights: [Double]
        let output: Array
        let grads: [[Double]?]
    }
    let cases: [Case]

    static func load() throws -> TorchFixtures {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/torch_ops.json")
        return try JSONDecoder().decode(TorchFixtures.self, from: Data(contentsOf: url))
    }
}

let torchOps: [String: @Sendable ([Tensor]) throws -> Tensor] = [
    "add_broadcast": { try $0[0].add($0[1]) },
    "mul_div": { x in try x[0].mul(x[1]).div(x[1].add(1)) },
    "pow": { try $0[0].pow($0[1]) },
    "unary_chain": { x in
        let a = x[0]
        return try a.exp().log().add(a.sqrt()).add(a.tanh()).add(a.sigmoid()).add(a.abs())
    },
    "relu": { try $0[0].relu() },
    "gelu_erf": { try $0[0].gelu() },
    "where_clamp": { x in try Tensor.where(x[0].gt(0), x[0], x[1]).clamp(min: -0.5, max: 0.7) },
    "masked_fill": { x in try x[0].maskedFill(Tensor([1, 0, 0, 1], shape: [1, 4]), value: -2) },
    "sum_mean_axes": { x in try x[0].sum(axes: [0, 2]).add(x[0].mean(axes: [0, 2])) },
    "max_axis": { try $0[0].max(axes: [1]) },
    "var_unbiased": { try $0[0].variance(axes: [1]) },
    "logsumexp": { try $0[0].logsumexp(axes: [1]) },
    "softmax": { try $0[0].softmax(axis: -1) },
    "log_softmax_axis1": { try $0[0].logSoftmax(axis: 1) },
    "matmul_2d": { try $0[0].matmul($0[1]) },
    "matmul_batched_broadcast": { try $0[0].matmul($0[1]) },
    "matmul_transposed": { try $0[0].transpose().matmul($0[1].transpose()) },
    "layer_norm": { try $0[0].layerNorm(weight: $0[1], bias: $0[2], eps: 1e-12) },
    "cross_entropy_ignore": { try $0[0].crossEntropy(labels: $0[1], ignoreIndex: -100) },
    "cross_entropy_none": { try $0[0].crossEntropy(labels: $0[1], reduction: .none) },
    "embedding": { try $0[0].embedding($0[1]) },
    "gather": { try $0[0].gather(axis: 1, indices: $0[1]) },
    "concat_slice_pad": { x in
        try Tensor.concat([x[0], x[1]], axis: 1).slice(axis: 1, start: 1, step: 2).pad([(0, 0), (1, 2)], value: 0.5)
    },
    "mlp_2layer": { x in
        try x[0].matmul(x[1]).add(x[2]).gelu().matmul(x[3]).add(x[4]).crossEntropy(labels: x[5])
    },
    "attention": { x in
        let q = try x[0].matmul(x[1]), k = try x[0].matmul(x[2]), v = try x[0].matmul(x[3])
        let p = try q.matmul(k.transpose()).maskedSoftmax(mask: x[4].detach(), scale: 1 / Double(8).squareRoot())
        return try p.matmul(v)
    },
]

@Suite struct TorchFixtureTests {
    static let fixtures = (try? TorchFixtures.load())?.cases ?? []

    @Test func fixturesLoadAndAreAllBound() throws {
        let f = try TorchFixtures.load()
        #expect(f.cases.count == torchOps.count)
        for c in f.cases { #expect(torchOps[c.name] != nil, "no Swift binding for fixture \(c.name)") }
    }

    @Test(arguments: fixtures.map(\.name))
    func matchesPyTorch(_ name: String) throws {
        let c = try #require(Self.fixtures.first { $0.name == name })
        let op = try #require(torchOps[name])
        let inputs: [Tensor] = try c.inputs.map { a in
            a.dtype == "int32"
                ? try Tensor(ints: a.data.map { Int32($0) }, shape: a.shape)
                : try Tensor(a.data.map { Float($0) }, shape: a.shape).requiringGrad()
        }
        let out = try op(inputs)
        #expect(out.shape == c.output.shape)
        #expect(close(out.toArray(), c.output.data, atol: 2e-5, rtol: 2e-4), "\(name) forward: \(out.toArray().prefix(6)) vs \(c.output.data.prefix(6))")
        let r = try Tensor(c.weights.map { Float($0) }, shape: c.output.shape)
        try out.mul(r).sum().backward()
        for (k, expected) in c.grads.enumerated() {
            guard let expected, inputs[k].dtype == .float32 else { continue }
            let got = try #require(inputs[k].grad, "\(name): no gradient for input \(k)").toArray()
            #expect(close(got, expected, atol: 5e-5, rtol: 5e-4), "\(name) grad \(k): \(got.prefix(6)) vs \(expected.prefix(6))")
        }
    }
}
