import Testing
@testable import CMCLData

@Suite("Word tokenizer with a pattern")
struct WordTokenizerPatternTests {
    @Test func tokensAreTheMatchesWithScalarOffsets() throws {
        let tok = try WordTokenizer.build(from: ["Héllo, wörld 3.5"], pattern: "\\w+|[^\\w\\s]")
        let tokens = tok.tokenize("héllo, 3.5")
        #expect(tokens.map(\.text) == ["héllo", ",", "3", ".", "5"])
        #expect(tokens.map(\.offset) == [0..<5, 5..<6, 7..<8, 8..<9, 9..<10])
        #expect(tokens.allSatisfy { $0.id != tok.unknownID })
    }

    @Test func malformedPatternIsAnError() {
        #expect(throws: DataError.self) { try WordTokenizer.build(from: ["a"], pattern: "(") }
    }
}
