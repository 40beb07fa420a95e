import CMCLBase
import CMCLLang
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import CMCLRuntime

/// Notebook exports read like documents: `$…$` math in comment prose, a model as its summary.
@Suite("Export prose")
struct ExportProseTests {
    @Test func texBecomesMathML() {
        #expect(TeXMath.mathML("l_0 \\le l_1") == "<math alttext=\"l_0 \\le l_1\"><mrow><msub><mi>l</mi><mn>0</mn></msub>"
                + "<mo>≤</mo><msub><mi>l</mi><mn>1</mn></msub></mrow></math>")
        let cases: [(String, String)] = [
            ("\\frac{1}{N}", "<mfrac><mrow><mn>1</mn></mrow><mrow><mi>N</mi></mrow></mfrac>"),
            ("x^2_i", "<msubsup><mi>x</mi><mi>i</mi><mn>2</mn></msubsup>"),
            ("\\alpha < \\Omega", "<mi>α</mi><mo>&lt;</mo><mi mathvariant=\"normal\">Ω</mi>"),
            ("\\sum_{k=1}^{C}", "<msubsup><mo>∑</mo><mrow><mi>k</mi><mo>=</mo><mn>1</mn></mrow><mrow><mi>C</mi></mrow></msubsup>"),
            ("\\max(a)", "<mi>max</mi><mo>&#x2061;</mo><mo>(</mo><mi>a</mi><mo>)</mo>"),
            ("\\text{CE}", "<mtext>CE</mtext>"),
            ("\\unknown", "<mtext>\\unknown</mtext>"),
            ("{", "<mrow></mrow>"),
        ]
        for (tex, body) in cases {
            #expect(TeXMath.mathML(tex).contains("<mrow>\(body)</mrow></math>"), "\(tex): \(TeXMath.mathML(tex))")
        }
    }

    @Test func dollarsThatAreNotMathStayText() {
        func math(_ s: String) -> [String] { TeXMath.split(s).filter(\.isMath).map(\.text) }
        #expect(math("with $l_0$ and $l_1$.") == ["l_0", "l_1"])
        #expect(math("the data in $CMCL_DATA/glue or $TMPDIR") == [])
        #expect(math("costs $5 or $6; $\\alpha < \\beta$") == ["\\alpha < \\beta"])
        #expect(math("a \\$ sign and $ x $") == [])
        #expect(TeXMath.split("a \\$5").map(\.text) == ["a $5"])
    }

    /// Every piece of prose HTML with math, code spans and emphasis parses as XML.
    @Test func proseHTMLRendersMathAndStaysWellFormed() throws {
        let html = NotebookDocument.proseHTML(["The loss: $\\max(0, l_{k-1} - l_k) < \\epsilon$, *small* `$x$`", "- $a_i$ & `b`"])
        #expect(html.contains("<math alttext="))
        #expect(html.contains("<code>$x$</code>"), "math is not looked for in code spans")
        #expect(html.contains("<em>small</em>"))
        let parser = XMLParser(data: Data(("<div>" + html + "</div>").utf8))
        #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? ""): \(html)")
    }

    @Test func markdownKeepsMathReadable() {
        #expect(NotebookDocument.markdownProse("if $a < b$ then <b>x</b>") == "if $a \\lt  b$ then &lt;b>x&lt;/b>")
        #expect(NotebookDocument.markdownProse("`$x < y$` stays") == "`$x < y$` stays")
    }

    /// Echoing a model in an exported notebook shows the one-line summary `:vars` shows (and the
    /// size), not the model's parameter table.
    @Test func aModelEchoesAsItsSummaryInExports() {
        let vm = Interpreter.session(output: { _ in })
        let text = "# Models\n\nlet net = bag_of_embeddings(vocab: 100, dim: 8, classes: 2, seed: 1)\nnet\n"
        let doc = LargeStack.run { NotebookDocument.run(name: "m.cmcl", text: text, interpreter: vm) }
        let full = LargeStack.run { Display.render(vm.run(SourceFile(name: "t", text: "net")).value ?? .null, .repl) }
        let lines = full.split(separator: "\n")
        #expect(lines.count > 3, "the REPL shows the table: \(full)")
        guard let first = lines.first else { return }
        for export in [doc.html(), doc.markdown()] {
            #expect(export.contains(String(first).replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;"))
                    || export.contains(String(first)), "\(export)")
            for row in lines.dropFirst().dropLast() { #expect(!export.contains(String(row)), "table row \(row) in:\n\(export)") }
        }
    }

    /// A checkpoint names its tokenizer's directory; when that is gone, `load` still loads the
    /// weights and says the tokenizer was lost.
    @Test func loadSaysWhenTheTokenizerIsLost() throws {
        let fm = FileManager.default
        let tmp = fm.temporaryDirectory.appendingPathComponent("cmcl-lost-tokenizer-\(UUID().uuidString)")
        let model = tmp.appendingPathComponent("bert")
        try fm.createDirectory(at: tmp, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: tmp) }
        try fm.copyItem(at: repositoryRoot.appendingPathComponent("Tests/CMCLNNTests/Fixtures/pretrained/bert"), to: model)
        let checkpoint = tmp.appendingPathComponent("q.safetensors").path
        let saved = printed("let q = pretrained(\(StringEscape.quoted(model.path)), classes: 2, quiet: true)\n"
                            + "q.save(\(StringEscape.quoted(checkpoint)))\nprint(load(\(StringEscape.quoted(checkpoint))).tokenizer != nil)")
        #expect(saved == "true\n", "kept while the directory is there")
        try fm.removeItem(at: model)
        let errors = OutputBuffer(), out = OutputBuffer()
        LargeStack.run {
            let vm = Interpreter.session(output: { out.text += $0 })
            vm.errorOutput = { errors.text += $0 }
            _ = vm.run(SourceFile(name: "t", text: "let back = load(\(StringEscape.quoted(checkpoint)))\nprint(type(back))"))
        }
        #expect(errors.text.contains("warning: the tokenizer was lost"), "\(errors.text)")
        #expect(errors.text.contains(model.path), "names the directory: \(errors.text)")
        #expect(out.text == "Model\n", "the weights load: \(out.text)")
    }
}
