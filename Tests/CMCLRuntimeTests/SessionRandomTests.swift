import CMCLLang
import CMCLTensor
import Testing
@testable import CMCLRuntime

/// The random generator belongs to the session: what one session draws or seeds never changes
/// another's numbers, and `:reset` starts over from seed 0.
@Suite struct SessionRandomTests {
    static func draw(_ vm: Interpreter, _ code: String = "print(rand(4).tolist())") -> String {
        var out = ""
        vm.output = { out += $0 }
        let r = vm.run(SourceFile(name: "t.cmcl", text: code))
        #expect(r.diagnostics.isEmpty, "\(r.diagnostics.map(\.message))")
        return out
    }

    @Test func sessionsDoNotShareAGenerator() {
        let a = Interpreter.session(), b = Interpreter.session()
        let first = Self.draw(a)
        _ = Self.draw(b, "seed(99)\nrandn(1000)\nlet net = linear(4, 4)")
        #expect(Self.draw(Interpreter.session()) == first)  // b's draws and seed left others alone
        #expect(Self.draw(a) != first)                      // a's own stream moved on
        _ = try? Tensor.rand([100], generator: Generator(seed: 12345))  // an engine stream of its own
        #expect(Self.draw(Interpreter.session()) == first)
    }

    @Test func resetStartsAFreshGenerator() {
        let vm = Interpreter.session()
        let first = Self.draw(vm)
        _ = Self.draw(vm, "seed(7)\nrand(10)")
        vm.resetSession()
        #expect(Self.draw(vm) == first)
    }

    @Test func seedReproducesModelsAndDraws() {
        let code = "seed(3)\nlet net = mlp([4, 8, 2])\nprint(net.params()[\"0.weight\"].sum().item(), randint(0, 100, 5).tolist())"
        let a = Self.draw(Interpreter.session(), code)
        let b = Self.draw(Interpreter.session(), "rand(50)\n" + code)
        #expect(a == b && !a.isEmpty)
    }
}
