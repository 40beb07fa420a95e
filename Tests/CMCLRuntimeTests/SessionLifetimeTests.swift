import CMCLLang
import Foundation
import Testing
@testable import CMCLRuntime

/// Holds a weak reference across the large-stack thread.
private final class WeakSession: @unchecked Sendable {
    weak var vm: Interpreter?
}

private final class WeakContainer: @unchecked Sendable {
    weak var object: Container?
}

/// Programs that leave functions, closures, cycles and modules behind in their session.
private let programs = [
    "1 + 1",
    "fn f(x) => x + 1\nlet g = fn(y) => f(y)\ng(1)",
    "fn counter() { let n = 0; fn() { n += 1; n } }\nlet c = counter()\nc()\nc()",
    "let r = {a: 1}\nr.self = r\nlet xs = [r]\nxs.append(xs)\nmap(xs, fn(v) => 1)",
    "let t = zeros(1000)\nfn again(n) => if n == 0 { t.sum() } else { again(n - 1) }\nagain(3)",
    "sorted([3, 1, 2], key: fn(v) => -v)",
    "oops(",
    "let x = 1\nundefined_name + x",
]

@Suite("Sessions are freed when their host lets go of them")
struct SessionLifetimeTests {
    @Test(arguments: programs)
    func aSessionIsFreed(_ program: String) {
        let box = WeakSession()
        LargeStack.run {
            let vm = Interpreter.session()
            _ = vm.run(SourceFile(name: "t.cmcl", text: program))
            box.vm = vm
        }
        #expect(box.vm == nil, "the session that ran \(program.debugDescription) is still alive")
    }

    @Test func cyclesLeftInASessionAreFreedWithIt() {
        let box = WeakSession()
        let record = WeakContainer()
        LargeStack.run {
            let vm = Interpreter.session()
            _ = vm.run(SourceFile(name: "t.cmcl", text: "let r = {t: zeros(1000)}\nr.self = r\nlet f = fn() => r\nr.f = f"))
            if case .record(let r)? = vm.global("r") { record.object = r }
            box.vm = vm
        }
        #expect(box.vm == nil)
        #expect(record.object == nil, "a cycle the session left behind outlived it")
    }
}
