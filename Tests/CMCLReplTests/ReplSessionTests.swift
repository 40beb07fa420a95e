import CMCLLang
import CMCLRuntime
import Foundation
import Testing
@testable import CMCLRepl

extension ReplTests {
    @Suite struct ReplSessionTests {
        @Test func cellsAreNumberedAndOutputsBound() {
            let s = Captured()
            #expect(s.session.prompt == "In [1]: ")
            #expect(s.submit("1 + 2").out == "Out[1]: 3\n")
            #expect(s.session.prompt == "In [2]: ")
            #expect(s.submit("let x = 10").out == "")
            #expect(s.submit("_ * x").out == "Out[3]: 30\n")
            #expect(s.submit("_1 + _3").out == "Out[4]: 33\n")
            #expect(s.submit("_").out == "Out[5]: 33\n")
            #expect(s.session.continuationPrompt == "   ...: ")
            #expect(s.session.continuationPrompt.count == s.session.prompt.count)
        }

        @Test func printedOutputAndNilValues() {
            let s = Captured()
            #expect(s.submit("print(\"hi\")").out == "hi\n")
            #expect(s.submit("nil").out == "")
            #expect(s.vm.global("_2") == nil, "a cell without output binds no _N")
            // Output without a newline is finished before the next prompt.
            let r = s.submit("print(\"a\", end: \"\")\n7")
            #expect(r.out == "a\nOut[3]: 7\n")
        }

        @Test func displayOfEachValueKind() {
            let s = Captured(registry: testRegistry())
            s.vm.defineGlobal("box", .object(Box(width: 3)))
            #expect(s.submit("true").out == "Out[1]: true\n")
            #expect(s.submit("2.5").out == "Out[2]: 2.5\n")
            #expect(s.submit("-4").out == "Out[3]: -4\n")
            #expect(s.submit("\"tab\\there\"").out == "Out[4]: \"tab\\there\"\n")
            #expect(s.submit("[1, \"a\", [true, nil]]").out == "Out[5]: [1, \"a\", [true, nil]]\n")
            #expect(s.submit("{lr: 0.001, \"two words\": 2}").out == "Out[6]: {lr: 0.001, \"two words\": 2}\n")
            #expect(s.submit("fn(a, b) => a").out == "Out[7]: <fn <anonymous>(a, b)>\n"
                    || s.sink.out.hasPrefix("Out[7]: <fn "))
            #expect(s.submit("len").out == "Out[8]: <builtin len(x)>\n")
            #expect(s.submit("box").out == "Out[9]:\nBox(\n  width: 3\n)\n", "multi-line displays start on their own line")
            #expect(s.submit("box.width").out == "Out[10]: 3\n")
            #expect(s.submit("box.scale").out == "Out[11]: <method Box.scale(self, k)>\n")
            #expect(s.submit("[box]").out.hasPrefix("Out[12]:\n[Box("))
            #expect(s.submit("0 / 0").out == "Out[13]: nan\n")
        }

        @Test func errorThenSuccessKeepsBindings() {
            let s = Captured()
            s.submit("let total = 5")
            let bad = s.submit("totl + 1")
            #expect(bad.out == "")
            #expect(bad.err.contains("error: name `totl` is not defined"))
            #expect(bad.err.contains("<repl:2>:1:1"))
            #expect(bad.err.contains("did you mean `total`?"))
            let runtime = s.submit("total = total + 1\nerror(\"boom\")")
            #expect(runtime.err.contains("boom"))
            #expect(s.submit("total").out == "Out[4]: 6\n", "statements before the error ran")
            #expect(s.session.savedCells.map(\.number) == [1, 4])
        }

        @Test func interruptedCellIsReportedAndNotSaved() {
            let s = Captured(registry: testRegistry())
            s.submit("let n = 1")
            let r = s.submit("n = 2\npress_ctrl_c()\nn = 3")
            #expect(r.err.contains("interrupted: cell 2 cancelled by Ctrl-C"))
            #expect(s.submit("n").out == "Out[3]: 2\n")
            #expect(s.session.savedCells.map(\.number) == [1, 3])
        }

        @Test func typeAndTime() {
            let s = Captured()
            s.submit("let xs = [1, 2]")
            #expect(s.submit(":type xs").out == "list\n")
            #expect(s.submit(":type xs[0] * 1.5").out == "number\n")
            #expect(s.submit(":type square").out == "function\n")
            #expect(s.submit(":type nope").err.contains("`nope` is not defined"))
            #expect(s.session.cellNumber == 2, ":type is not a cell")
            let t = s.submit(":time sum(xs)")
            #expect(t.out.hasPrefix("Out[2]: 3\ntime: "))
            #expect(s.submit(":time").err.contains("`:time` needs an argument: :time EXPR"))
        }

        @Test func varsListsOnlyUserBindings() {
            let s = Captured()
            #expect(s.submit(":vars").out == "no variables defined yet\n")
            s.submit("let alpha = 0.5")
            s.submit("fn double(v) => v * 2")
            s.submit("1")
            let out = s.submit(":vars").out
            #expect(out == "alpha   number    0.5\ndouble  function  <fn double(v)>\n")
            s.submit("fn square(x) => x * x * 1")
            #expect(s.submit(":vars").out.contains("square"), "a redefined prelude function is the user's")
        }

        @Test func helpFromTheRegistry() {
            let s = Captured(registry: testRegistry())
            let all = s.submit(":help").out
            #expect(all.contains(":load FILE"))
            #expect(all.contains("Builtins by topic"))
            #expect(s.submit(":help core").out.contains("range"))
            #expect(s.submit(":help range").out == Help.text(for: s.vm.registry.lookup("range")!) + "\n")
            #expect(s.submit(":help Box.scale").out.hasPrefix("Box.scale(self, k)\n  A box k times as wide."))
            s.vm.defineGlobal("b", .object(Box(width: 1)))
            #expect(s.submit(":help b.scale").out.hasPrefix("Box.scale(self, k)"))
            #expect(s.submit(":help Box").out.contains("scale"))
            #expect(s.submit(":help :save").out.hasPrefix(":save FILE"))
            #expect(s.submit(":help rnge").err.contains("did you mean `range`?"))
        }

        @Test func unknownCommandSuggests() {
            let s = Captured()
            let r = s.submit(":lod x.cmcl")
            #expect(r.err.contains("unknown command `:lod`; did you mean `:load`?"))
            #expect(s.submit(":q") .out == "")
            #expect(s.session.submit(":quit") == .quit)
            #expect(s.session.submit(":exit") == .quit)
        }

        @Test func loadRunsAScriptIntoTheSession() throws {
            let dir = try temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: dir) }
            let path = dir.appendingPathComponent("lib.cmcl").path
            try "fn triple(v) => v * 3\nprint(\"loaded\")\n".write(toFile: path, atomically: true, encoding: .utf8)
            let s = Captured()
            #expect(s.submit(":load \(path)").out == "loaded\n")
            #expect(s.submit("triple(4)").out == "Out[1]: 12\n")
            let missing = s.submit(":load \(dir.path)/lib")
            #expect(missing.err.contains("did you mean \(dir.path)/lib.cmcl?"))
        }

        /// `:precision` shows and sets the session's precision for matrix products; a misspelling
        /// gets a did-you-mean and leaves it unchanged.
        @Test func precisionShowsAndSetsTheSessionPrecision() {
            let s = Captured()
            #expect(s.submit(":precision").out == "precision: fp32\n")
            let wrong = s.submit(":precision bf61")
            #expect(wrong.err.contains("unknown precision \"bf61\"") && wrong.err.contains("did you mean `bf16`?"))
            #expect(s.session.interpreter.precision.rawValue == "fp32")
            // On a CPU without AVX512_BF16 the setting is refused with the feature named.
            let set = s.submit(":precision bf16")
            if set.err.isEmpty {
                #expect(set.out == "precision: bf16\n")
                #expect(s.session.interpreter.precision.rawValue == "bf16")
            } else {
                #expect(set.err.contains("AVX512_BF16"))
            }
            #expect(s.submit(":precision fp32").out == "precision: fp32\n")
        }

        @Test func resetForgetsVariablesButKeepsThePrelude() {
            let s = Captured()
            s.submit("let gone = 1")
            #expect(s.submit(":reset").out == "session reset\n")
            #expect(s.session.cellNumber == 1)
            #expect(s.submit("gone").err.contains("`gone` is not defined"))
            #expect(s.submit("square(3)").out == "Out[2]: 9\n")
        }
    }
}

@Suite("Help of values, topics and :export")
struct HelpTopicsAndExportTests {
    @Test func valuesTopicsAndExport() throws {
        var out = ""
        let session = ReplSession(interpreter: Interpreter.session(), output: { out += $0 })
        func run(_ text: String) -> String {
            out = ""
            session.submit(text)
            return out
        }
        #expect(run(":help").contains("Builtins by topic"), "the standard registry is long: :help lists topics")
        #expect(run(":help experiments").contains("compare"))
        #expect(run(":help ce").hasPrefix("ce\n  Cross-entropy"))
        #expect(run(":help History.parts").contains("l_0"))
        #expect(run(":help plot").hasPrefix("plot(data"))
        run("print(\"hello\")")
        run("plot([1, 2, 3])")
        run("1 / \"a\"")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cmcl-export-\(UUID().uuidString).html").path
        #expect(run(":export \"\(path)\"") == "exported 2 cells to \(path)\n")
        let html = try String(contentsOfFile: path, encoding: .utf8)
        #expect(html.contains("<pre class=\"output\">hello</pre>"))
        #expect(html.components(separatedBy: "<svg").count == 2)
        #expect(!html.contains("cannot apply"), "failed cells are not exported")
        #expect(run(":export /tmp/x.txt").contains(":export writes .html or .md files"))
    }
}
