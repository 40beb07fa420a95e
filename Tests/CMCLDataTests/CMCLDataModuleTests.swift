import Testing
@testable import CMCLData

@Test func moduleLinks() {
    #expect(CMCLDataModule.name == "CMCLData")
}
