import Testing
@testable import CMCLLang

@Test func moduleLinks() {
    #expect(CMCLLangModule.name == "CMCLLang")
}
