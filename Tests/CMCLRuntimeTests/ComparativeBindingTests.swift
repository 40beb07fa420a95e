import CMCLLang
import Testing
@testable import CMCLRuntime

@Suite("Comparative-loss bindings")
struct ComparativeBindingTests {
    func run(_ source: String) -> (output: String, errors: [String]) {
        var out = ""
        let result: RunResult = LargeStack.run {
            let vm = Interpreter.session(output: { out += $0 })
            return vm.run(SourceFile(name: "t.cmcl", text: source))
        }
        return (out, result.diagnostics.map(\.message))
    }

    static let setup = """
    let data = synth.sentiment(n: 200, noise: 0.3, length: 12, seed: 1)
    let tok = word_tokenizer(data)
    let enc = encode(data, tok, max_len: 14)
    let net = bag_of_embeddings(vocab: len(tok), dim: 8, hidden: [8], classes: 2, dropout: 0.1, seed: 1)

    """

    @Test func violationsCountEveryPairOfEveryExample() {
        let r = run(Self.setup + "let v = violations(net, enc, cmpdrop(3, p: 0.2))\nprint(v.pairs, v.rate >= 0 and v.rate <= 1, v.violated <= v.pairs)")
        #expect(r.errors.isEmpty, "\(r.errors)")
        #expect(r.output == "1200 true true\n")  // 200 examples × 6 pairs of variants 0…3
    }

    @Test func ablationCurveHasOneValuePerVariantAndStartsAtTheFullModel() {
        let r = run(Self.setup + """
        let curve = ablation_curve(net, enc, cmpdrop(2, p: 0.1))
        print(len(curve), curve[0] == evaluate(net, enc).accuracy)
        """)
        #expect(r.errors.isEmpty, "\(r.errors)")
        #expect(r.output == "3 true\n")
    }

    @Test func comparativeTrainingRecordsEveryVariantsLoss() {
        let r = run(Self.setup + """
        let h = fit(net, enc, loss: cmp(ce, ablate: cmpdrop(2)), epochs: 1, batch: 50, seed: 1, progress: false)
        print(len(h), keys(h.parts))
        """)
        #expect(r.errors.isEmpty, "\(r.errors)")
        #expect(r.output == "4 [\"l_0\", \"l_1\", \"l_2\", \"loss\", \"primary\", \"ranking\", \"task\", \"violation_rate\"]\n")
    }

    @Test func badAblationArgumentsAreDiagnostics() {
        #expect(run("cmpdrop(0)").errors.first?.contains("steps") == true)
        #expect(run("cmp(ce, ablate: 3)").errors.first?.contains("ablate") == true)
        // A misspelt name is resolved at the binding: the caret on `target:`, a did-you-mean.
        let source = "cmp(ce, ablate: cmpdrop(1), target: \"ultr\")"
        let d = CMCLRuntimeTests.run(source).firstError
        #expect(d?.message == "unknown target \"ultr\"" && d?.hint == "did you mean `ultra`?")
        #expect(d.map { String(decoding: Array(source.utf8)[$0.span.start..<$0.span.end], as: UTF8.self) } == "target: \"ultr\"")
    }
}
