import Testing
@testable import CMCLNN

@Test func moduleLinks() {
    #expect(CMCLNNModule.name == "CMCLNN")
}
