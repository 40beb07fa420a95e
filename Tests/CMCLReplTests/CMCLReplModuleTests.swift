import Testing
@testable import CMCLRepl

@Test func moduleLinks() {
    #expect(CMCLReplModule.name == "CMCLRepl")
}
