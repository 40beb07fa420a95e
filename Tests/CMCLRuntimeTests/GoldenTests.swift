import CMCLLang
import Foundation
import Testing
@testable import CMCLRuntime

/// Runs the golden notebooks in-process, as `cmcl test` does, so that `swift test` catches
/// golden regressions too. Notebooks are named by absolute path (imports resolve next to
/// them); their expected diagnostics write the folder part of a path as `…`.
@Suite("Golden notebooks")
struct GoldenTests {
    static func notebooks(under folder: String) -> [URL] {
        let root = repositoryRoot.appendingPathComponent(folder)
        guard let walker = FileManager.default.enumerator(atPath: root.path) else { return [] }
        var out: [URL] = []
        while let item = walker.nextObject() as? String {
            if item.hasSuffix(".cmcl") { out.append(root.appendingPathComponent(item)) }
        }
        return out.sorted { $0.path < $1.path }
    }

    static func check(_ url: URL) -> String? {
        guard let data = FileManager.default.contents(atPath: url.path) else { return "cannot read \(url.path)" }
        let expected = String(decoding: data, as: UTF8.self)
        let actual: String = LargeStack.run {
            Interrupt.clear()
            let vm = Interpreter.session()
            vm.scriptArguments = []
            return Notebook.annotate(name: url.path, text: expected, interpreter: vm)
        }
        if Notebook.matches(expected: expected, actual: actual) { return nil }
        return Notebook.difference(expected: expected, actual: actual)
    }

    @Test func casesFolderIsNotEmpty() {
        #expect(Self.notebooks(under: "Tests/CMCLRuntimeTests/cases").count >= 20)
    }

    /// The training notebooks in examples/ take seconds in a release build but minutes in a
    /// debug one; `scripts/test` checks every notebook with the release binary.
    static let quickExamples = notebooks(under: "examples").filter {
        ($0.path.contains("/teaching/") && $0.lastPathComponent != "03-why-it-works.cmcl")  // 03 trains two models
            || $0.lastPathComponent == "language-tour.cmcl"
    }

    @Test(arguments: notebooks(under: "Tests/CMCLRuntimeTests/cases") + quickExamples)
    func notebook(_ url: URL) {
        if let difference = Self.check(url) {
            Issue.record("\(url.lastPathComponent) differs from its expectations:\n\(difference)")
        }
    }

    @Test func annotateWritesOutputUnderItsStatement() {
        let text = "print(1)\nlet x = 2\nprint(x, x)\nnope_fn()"
        let got: String = LargeStack.run {
            Notebook.annotate(name: "n.cmcl", text: text, interpreter: Interpreter.session())
        }
        // A name error stops the whole notebook, so nothing is printed.
        #expect(got.hasPrefix("print(1)\nlet x = 2\nprint(x, x)\nnope_fn()\n# ! error: name `nope_fn` is not defined"))
        let ok: String = LargeStack.run {
            Notebook.annotate(name: "n.cmcl", text: "print(1)\nlet x = 2\nprint(x, x)\n# > stale\n1 + nil\nprint(3)",
                              interpreter: Interpreter.session())
        }
        #expect(ok.hasPrefix("print(1)\n# > 1\nlet x = 2\nprint(x, x)\n# > 2 2\n1 + nil\n# ! error: cannot apply `+`"))
        #expect(ok.hasSuffix("print(3)\n# > 3"))
    }

    @Test
    func endOfInputDiagnosticIsStable() {
        let source = "fn f(x) {\n  x\n"
        let (first, second): (String, String) = LargeStack.run {
            let once = Notebook.annotate(name: "u.cmcl", text: source, interpreter: Interpreter.session())
            return (once, Notebook.annotate(name: "u.cmcl", text: once, interpreter: Interpreter.session()))
        }
        #expect(first.contains("# ! error: expected `}` to close the function body, found end of input"))
        #expect(Notebook.matches(expected: first, actual: second))
    }

    @Test func ellipsisMatchesAnyText() {
        #expect(Notebook.matches(expected: "x\n# > took … ms", actual: "x\n# > took 12.5 ms"))
        #expect(Notebook.matches(expected: "# > a…c…e", actual: "# > abcde"))
        #expect(!Notebook.matches(expected: "# > a…c", actual: "# > abd"))
        #expect(!Notebook.matches(expected: "code…", actual: "code!"))  // only expectation lines are patterns
        #expect(!Notebook.matches(expected: "# > 1", actual: "# > 1\n# > 2"))
        #expect(Notebook.matches(expected: "  # > …", actual: "  # > anything"))
    }
}
