import Testing
@testable import CMCLRuntime

@Test func moduleLinks() {
    #expect(CMCLRuntimeModule.name == "CMCLRuntime")
}
