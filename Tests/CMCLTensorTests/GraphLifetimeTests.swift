import Testing
@testable import CMCLTensor

/// A recorded graph that is never back-propagated (a loss part only logged, an evaluation under
/// grad) must be freed with its output: no backward rule may hold its own output strongly.
@Suite("Autodiff: graphs are freed without backward")
struct GraphLifetimeTests {
    static let ops: [(String, @Sendable (Tensor) throws -> Tensor)] = [
        ("exp", { try $0.exp() }), ("tanh", { try $0.tanh() }), ("relu", { try $0.relu() }), ("sqrt", { try $0.abs().add(Tensor(scalar: 1)).sqrt() }),
        ("div", { try $0.div($0.add(Tensor(scalar: 3))) }), ("pow", { try $0.pow($0) }),
        ("softmax", { try $0.softmax(axis: -1) }), ("logSoftmax", { try $0.logSoftmax(axis: -1) }),
        ("biasActivation identity", { try $0.biasActivation(Tensor.zeros([3]), activation: .identity) }),
        ("biasActivation gelu", { try $0.biasActivation(Tensor.zeros([3]), activation: .gelu) }),
    ]

    @Test(arguments: GraphLifetimeTests.ops.map(\.0))
    func outputIsFreedWithoutBackward(name: String) throws {
        let op = try #require(GraphLifetimeTests.ops.first { $0.0 == name }?.1)
        let x = try Tensor([0.5, 1, 2, 0.25, 3, 1.5], shape: [2, 3])
        x.requiresGrad = true
        weak var weakOut: Tensor?
        weak var weakStorage: AnyObject?
        do {
            let out = try op(x)
            #expect(out.requiresGrad)
            weakOut = out
            weakStorage = out.storage
        }
        #expect(weakOut == nil, "\(name): the output outlives its last reference")
        #expect(weakStorage == nil, "\(name): the output's memory outlives it")
    }
}
