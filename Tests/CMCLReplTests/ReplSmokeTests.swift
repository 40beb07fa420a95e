import Testing
@testable import CMCLRepl
@testable import CMCLRuntime
import CMCLLang

@Test func sessionEvaluatesACell() {
    let vm = Interpreter.session()
    let result = vm.run(CMCLLang.SourceFile(name: "<cell>", text: "let x = 40\nx + 2"))
    #expect(result.diagnostics.isEmpty)
    guard case .number(let n)? = result.value else {
        Issue.record("the cell's value is \(String(describing: result.value)), not a number")
        return
    }
    #expect(n == 42)
    // The session keeps the cell's variables for the next cell.
    #expect(vm.run(CMCLLang.SourceFile(name: "<cell>", text: "x * 2")).value.map { Display.render($0, .repl) } == "80")
}
