import Testing
@testable import CMCLRepl
@testable import CMCLRuntime
import CMCLLang

@Test func sessionEvaluatesACell() {
    let vm = Interpreter.session()
    let result = vm.run(CMCLLang.SourceFile(name: "<cell>", text: "1 + 2"))
    #expect(result.diagnostics.isEmpty)
}
