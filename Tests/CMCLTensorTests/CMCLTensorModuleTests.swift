import Testing
@testable import CMCLTensor

@Test func moduleLinks() {
    #expect(CMCLTensorModule.name == "CMCLTensor")
}
