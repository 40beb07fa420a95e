import Testing
@testable import CMCLLang

@Test func parsesAStatementWithoutDiagnostics() {
    let (program, diagnostics) = Parser.parse(SourceFile(name: "t.cmcl", text: "let x = 1 + 2 * 3\n"))
    #expect(diagnostics.isEmpty)
    #expect(program.statements.count == 1)
}
