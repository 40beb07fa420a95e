import CMCLLang
import Testing
@testable import CMCLRuntime

/// Runs `code` in a fresh session and hands the session to `inspect` while it is alive.
private func withSession<T>(_ code: String, _ inspect: @escaping (Interpreter, RunResult) -> T) -> T {
    LargeStack.run {
        let vm = Interpreter.session()
        let result = vm.run(SourceFile(name: "t.cmcl", text: code))
        return inspect(vm, result)
    }
}

@Suite("Interpreter: closures capture variables, cycles are collected")
struct MemoryTests {
    @Test func namedInnerFunctionsSeeTheEnclosingLocals() {
        #expect(eval("fn outer() { let total = 0; fn add(x) { total += x }; add(2); add(3); total }\nouter()") == "5")
        // Through two levels, and with a function declared before the variable it uses.
        #expect(eval("fn f(a) { fn g() { fn h() => a * 2; h() }; g() }\nf(21)") == "42")
        #expect(eval("fn f() { fn get() => later; let later = 7; get() }\nf()").hasPrefix("error: name `later`"))
        // A function after `return` still exists (functions are made first).
        #expect(eval("fn f() { return helper(1); fn helper(x) => x + 1 }\nf()") == "2")
    }

    @Test func anUnknownNameIsReportedOnce() {
        let r = run("fn outer() { fn add(x) { totl += x }; add(2) }")
        #expect(r.errors == ["name `totl` is not defined"])
    }

    @Test func closuresCaptureOnlyTheVariablesTheyUse() {
        let counts = withSession("""
            fn make() {
              let big = [1, 2, 3]
              let k = 2
              fn(x) => x * k
            }
            let f = make()
            fn plain() => fn(x) => x + 1
            let g = plain()
            """) { vm, _ -> [Int] in
            var counts: [Int] = []
            for name in ["f", "g"] {
                if case .closure(let c)? = vm.global(name) { counts.append(c.captures.count) }
            }
            return counts
        }
        #expect(counts == [1, 0])
    }

    @Test func unreachableCyclesAreCollected() {
        let (leftover, value) = withSession("""
            let keep = {name: "kept"}
            keep.self = keep
            let ring = [1]
            ring.append(ring)
            for i in range(30000) {
              let r = {i: i}
              r.self = r
              let xs = [i]
              xs.append(xs)
            }
            fn g() { let f = nil; f = fn() => f; f }
            for i in range(30000) { g() }
            """) { vm, result -> (Int, String) in
            vm.collector.collect()
            return (vm.collector.count, result.diagnostics.map(\.message).joined())
        }
        #expect(value == "")
        // What remains is the session's own values plus the two cycles still reachable from globals.
        #expect(leftover < 2000)
    }

    @Test func reachableCyclesSurviveCollections() {
        let out = printed("""
            let keep = {name: "kept"}
            keep.self = keep
            let ring = [1, {a: 2}]
            ring.append(ring)
            fn counter() { let n = 0; fn() { n += 1; n } }
            let c = counter()
            let held = []
            for i in range(50000) {
              let r = {i: i}
              r.self = r
              if i % 10000 == 0 { held.append(r) }
              c()
            }
            print(keep.self.self.name, ring[2][2][1].a, c(), len(held), held[4].self.i)
            """)
        #expect(out == "kept 2 50001 5 40000\n")
    }

    @Test func valuesHeldOnlyByRunningCodeSurvive() {
        // A cycle referenced only by a builtin's arguments while a callback runs (and collects).
        let out = printed("""
            fn make() { let r = {v: 1}; r.self = r; [r] }
            let total = 0
            for x in make() {
              for i in range(30000) { let t = {}; t.t = t }
              total += x.self.v
            }
            print(total, map(make(), fn(r) { for i in range(30000) { let t = [1]; t.append(t) }; r.self.v }))
            """)
        #expect(out == "1 [1]\n")
    }

    @Test func nestedCallsInArgumentsAreNotRecursion() {
        let depth = 10_001
        let code = "fn f(x) => x + 1\n" + String(repeating: "f(", count: depth) + "0" + String(repeating: ")", count: depth)
        let r = run(code)
        // The parser may refuse nesting this deep; the interpreter must not call it recursion.
        #expect(!r.errors.contains { $0.contains("recursion") })
        if r.errors.isEmpty { #expect(r.shown == "10001") }
    }
}
