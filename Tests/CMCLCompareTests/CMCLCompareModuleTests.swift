import Testing
@testable import CMCLCompare

@Test func moduleLinks() {
    #expect(CMCLCompareModule.name == "CMCLCompare")
}
