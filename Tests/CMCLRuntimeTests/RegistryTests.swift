import Testing
@testable import CMCLRuntime

@Test func everyBuiltinSignatureParses() {
    #expect(BuiltinRegistry.standard().problems.isEmpty)
}
