import Testing
@testable import CMCLTensor

/// One gradient-check case: a name, input shapes (exercising broadcasting), and the function.
struct GradCase: CustomTestStringConvertible, Sendable {
    let name: String
    let shapes: [[Int]]
    var low: Double = -1
    var high: Double = 1
    var eps: Double = 1e-6
    var atol: Double = 1e-6
    let f: @Sendable ([Tensor]) throws -> Tensor
    var testDescription: String { name }
}

let gradCases: [GradCase] = [
    GradCase(name: "add broadcast", shapes: [[2, 3, 4], [3, 1]]) { try $0[0].add($0[1]) },
    GradCase(name: "sub broadcast", shapes: [[4], [2, 3, 4]]) { try $0[0].sub($0[1]) },
    GradCase(name: "mul broadcast", shapes: [[2, 1, 4], [3, 1]]) { try $0[0].mul($0[1]) },
    GradCase(name: "div broadcast", shapes: [[2, 3], [3]], low: 0.5, high: 2) { try $0[0].div($0[1]) },
    GradCase(name: "pow tensor", shapes: [[2, 3], [3]], low: 0.5, high: 2) { try $0[0].pow($0[1]) },
    GradCase(name: "pow scalar", shapes: [[5]], low: 0.5, high: 2) { try $0[0].pow(2.5) },
    GradCase(name: "maximum", shapes: [[3, 4], [4]]) { try $0[0].maximum($0[1]) },
    GradCase(name: "minimum", shapes: [[3, 4], [3, 1]]) { try $0[0].minimum($0[1]) },
    GradCase(name: "scalar ops", shapes: [[3]]) { try $0[0].mul(3).add(1).rsub(2).div(4) },
    GradCase(name: "neg", shapes: [[3, 2]]) { try $0[0].neg() },
    GradCase(name: "exp", shapes: [[3, 2]]) { try $0[0].exp() },
    GradCase(name: "log", shapes: [[3, 2]], low: 0.5, high: 2) { try $0[0].log() },
    GradCase(name: "sqrt", shapes: [[3, 2]], low: 0.5, high: 2) { try $0[0].sqrt() },
    GradCase(name: "abs", shapes: [[7]]) { try $0[0].abs() },
    GradCase(name: "tanh", shapes: [[3, 2]]) { try $0[0].tanh() },
    GradCase(name: "sigmoid", shapes: [[3, 2]]) { try $0[0].sigmoid() },
    GradCase(name: "relu", shapes: [[9]]) { try $0[0].relu() },
    GradCase(name: "gelu", shapes: [[3, 4]], low: -3, high: 3) { try $0[0].gelu() },
    GradCase(name: "square reciprocal", shapes: [[4]], low: 0.5, high: 2) { try $0[0].square().reciprocal() },
    GradCase(name: "where", shapes: [[3, 4], [4], [3, 1]]) { try Tensor.where($0[0].gt(0), $0[1], $0[2]) },
    GradCase(name: "maskedFill", shapes: [[3, 4], [4]]) { try $0[0].maskedFill($0[1].gt(0), value: -5) },
    GradCase(name: "clamp", shapes: [[10]]) { try $0[0].clamp(min: -0.5, max: 0.5) },
    GradCase(name: "sum axes", shapes: [[2, 3, 4]]) { try $0[0].sum(axes: [0, 2]) },
    GradCase(name: "sum keepDims", shapes: [[2, 3, 4]]) { try $0[0].sum(axes: [1], keepDims: true) },
    GradCase(name: "mean", shapes: [[2, 3, 4]]) { try $0[0].mean(axes: [-1]) },
    GradCase(name: "variance", shapes: [[3, 5]]) { try $0[0].variance(axes: [1]) },
    GradCase(name: "max axes", shapes: [[3, 4, 2]]) { try $0[0].max(axes: [0, 2]) },
    GradCase(name: "min all", shapes: [[3, 4]]) { try $0[0].min() },
    GradCase(name: "logsumexp", shapes: [[3, 4]]) { try $0[0].logsumexp(axes: [1]) },
    GradCase(name: "softmax axis0", shapes: [[3, 4]]) { try $0[0].softmax(axis: 0) },
    GradCase(name: "logSoftmax", shapes: [[2, 3, 4]]) { try $0[0].logSoftmax(axis: -1) },
    GradCase(name: "maskedSoftmax", shapes: [[2, 3, 3], [3]]) { x in
        try x[0].maskedSoftmax(mask: Tensor(doubles: [0, 0, -1e4], shape: [3]), scale: 0.5).mul(x[1])
    },
    GradCase(name: "maskedSoftmax attention mask", shapes: [[2, 2, 3, 4]]) { x in
        try x[0].maskedSoftmax(mask: Tensor(doubles: [0, -1e4, 0, 0, 0, 0, -1e4, 0], shape: [2, 1, 1, 4]), scale: 0.125)
    },
    GradCase(name: "maskedSoftmax no mask", shapes: [[3, 5]]) { try $0[0].maskedSoftmax(mask: nil, scale: 2) },
    GradCase(name: "matmul 2d", shapes: [[3, 4], [4, 2]]) { try $0[0].matmul($0[1]) },
    GradCase(name: "matmul batched broadcast", shapes: [[2, 1, 3, 4], [3, 4, 2]]) { try $0[0].matmul($0[1]) },
    GradCase(name: "matmul transposed views", shapes: [[4, 3], [2, 4]]) { try $0[0].transpose().matmul($0[1].transpose()) },
    GradCase(name: "matmul vectors", shapes: [[4], [4, 3], [3]]) { try $0[0].matmul($0[1]).mul($0[2]).sum().add($0[1].matmul($0[2]).sum()) },
    GradCase(name: "reshape permute", shapes: [[2, 3, 4]]) { try $0[0].reshape([6, 4]).transpose().reshape([4, 3, 2]).permute([2, 0, 1]).mul(2) },
    GradCase(name: "slice step", shapes: [[5, 4]]) { try $0[0].slice(axis: 0, start: 1, end: 5, step: 2).slice(axis: 1, start: -2) },
    GradCase(name: "select index", shapes: [[3, 4]]) { try $0[0].index([.at(-1), .range(start: 0, end: 3, step: 2)]) },
    GradCase(name: "expand", shapes: [[3, 1]]) { try $0[0].expand([2, 3, 4]).mul(Tensor.arange(0, 4, dtype: .float64)) },
    GradCase(name: "concat stack", shapes: [[2, 3], [2, 1]]) { try Tensor.stack([Tensor.concat([$0[0], $0[1]], axis: 1), Tensor.concat([$0[1], $0[0]], axis: 1)]) },
    GradCase(name: "split chunk", shapes: [[6, 2]]) { let p = try $0[0].chunk(3); return try p[0].mul(p[2]).add(p[1]) },
    GradCase(name: "pad", shapes: [[2, 3]]) { try $0[0].pad([(1, 0), (2, 1)], value: 3).mul(Tensor.arange(0, 6, dtype: .float64)) },
    GradCase(name: "gather", shapes: [[3, 4]]) { try $0[0].gather(axis: 1, indices: Tensor(ints: [3, 0, 0, 1, 2, 2], shape: [3, 2])) },
    GradCase(name: "indexSelect repeated", shapes: [[4, 3]]) { try $0[0].indexSelect(axis: 0, indices: Tensor(ints: [1, 1, 3, -1], shape: [2, 2])) },
    GradCase(name: "embedding", shapes: [[5, 3]]) { try $0[0].embedding(Tensor(ints: [4, 0, 4, 2], shape: [2, 2])) },
    GradCase(name: "dropout mask", shapes: [[3, 4]]) { try $0[0].dropout(mask: Tensor(doubles: [1, 0, 1, 1], shape: [4]), scale: 1.25) },
    GradCase(name: "layerNorm affine", shapes: [[2, 3, 5], [5], [5]]) { try $0[0].layerNorm(weight: $0[1], bias: $0[2], eps: 1e-5) },
    GradCase(name: "layerNorm plain", shapes: [[4, 6]]) { try $0[0].layerNorm(weight: nil, bias: nil) },
    GradCase(name: "layerNorm residual", shapes: [[2, 3, 5], [2, 3, 5], [5], [5]]) {
        try $0[0].layerNorm(weight: $0[2], bias: $0[3], eps: 1e-5, residual: $0[1])
    },
    GradCase(name: "layerNorm residual plain", shapes: [[3, 4], [3, 4]]) { try $0[0].layerNorm(weight: nil, bias: nil, residual: $0[1]) },
    GradCase(name: "crossEntropy mean ignore", shapes: [[4, 5]], low: -3, high: 3) {
        try $0[0].crossEntropy(labels: Tensor(ints: [1, -100, 4, 0], shape: [4]))
    },
    GradCase(name: "crossEntropy none 3d", shapes: [[2, 2, 3]]) {
        try $0[0].crossEntropy(labels: Tensor(ints: [0, 2, 1, 1], shape: [2, 2]), reduction: .none)
    },
    GradCase(name: "crossEntropy sum", shapes: [[3, 4]]) { try $0[0].crossEntropy(labels: Tensor(ints: [3, 2, 1], shape: [3]), reduction: .sum) },
    GradCase(name: "nllLoss", shapes: [[3, 4]]) { try $0[0].logSoftmax().nllLoss(labels: Tensor(ints: [3, -100, 1], shape: [3])) },
    GradCase(name: "mseLoss", shapes: [[3, 4], [4]]) { try $0[0].mseLoss($0[1]) },
    GradCase(name: "to float32 and back", shapes: [[3]], eps: 1e-2, atol: 1e-3) { try $0[0].to(.float32).to(.float64).mul($0[0]) },
    GradCase(name: "biasActivation gelu", shapes: [[2, 3, 4], [4]], low: -2, high: 2) { try $0[0].biasActivation($0[1], activation: .gelu) },
    GradCase(name: "biasActivation relu", shapes: [[5, 4], [4]]) { try $0[0].biasActivation($0[1], activation: .relu) },
    GradCase(name: "biasActivation tanh", shapes: [[3, 4], [4]]) { try $0[0].biasActivation($0[1], activation: .tanh) },
    GradCase(name: "biasActivation sigmoid", shapes: [[3, 4], [4]]) { try $0[0].biasActivation($0[1], activation: .sigmoid) },
    GradCase(name: "biasActivation identity", shapes: [[3, 4], [4]]) { try $0[0].biasActivation($0[1], activation: .identity) },
    GradCase(name: "MLP 2-layer", shapes: [[4, 3], [3, 5], [5], [5, 2], [2]]) { x in
        try x[0].matmul(x[1]).add(x[2]).gelu().matmul(x[3]).add(x[4]).tanh()
    },
    GradCase(name: "attention", shapes: [[2, 3, 4], [4, 4], [4, 4], [4, 4]]) { x in
        let q = try x[0].matmul(x[1]), k = try x[0].matmul(x[2]), v = try x[0].matmul(x[3])
        let s = try q.matmul(k.transpose()).maskedSoftmax(mask: Tensor(doubles: [0, 0, -1e4], shape: [3]), scale: 0.5)
        return try s.matmul(v)
    },
]

@Suite struct GradientCheckTests {
    @Test(arguments: gradCases)
    func gradientMatchesFiniteDifferences(_ c: GradCase) throws {
        let g = Generator(seed: UInt64(c.name.utf8.reduce(0) { $0 &* 31 &+ Int($1) } & 0xFFFF))
        let inputs = try c.shapes.map { try rnd($0, g, low: c.low, high: c.high) }
        let report = try GradientCheck.check(inputs, eps: c.eps, atol: c.atol, c.f)
        #expect(report.passed, "\(c.name): \(report)")
    }

    @Test func checkerCatchesAWrongGradient() throws {
        // A deliberately wrong backward must fail the check (so the check can fail).
        let x = try rnd([4], Generator(seed: 1))
        let report = try GradientCheck.check([x]) { xs in
            Tensor.custom(name: "bad", inputs: [xs[0]], output: try xs[0].detach().square()) { g in [try g.mul(3)] }
        }
        #expect(!report.passed)
    }

    @Test func embeddingGradientTouchesOnlyUsedRows() throws {
        let table = try Tensor.randn([6, 2], generator: Generator(seed: 3)).requiringGrad()
        try table.embedding(Tensor(ints: [1, 4, 1], shape: [3])).sum().backward()
        #expect(table.grad?.toArray() == [0, 0, 2, 2, 0, 0, 0, 0, 1, 1, 0, 0])
    }
}
