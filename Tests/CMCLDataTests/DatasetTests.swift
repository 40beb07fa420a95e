import CMCLBase
import Testing
@testable import CMCLData

@Suite struct DatasetTests {
    let data = Dataset((0..<10).map { TextExample(text: "w\($0)", label: .index(Int32($0 % 2))) }, name: "toy")

    @Test func splitMix64ReferenceValues() {
        // Outputs of the reference C implementation (Vigna, splitmix64.c) for seed 0.
        var rng = SplitMix64(seed: 0)
        #expect(rng.next() == 0xE220_A839_7B1D_CDAF)
        #expect(rng.next() == 0x6E78_9E6A_A1B9_65F4)
        #expect(rng.next() == 0x06C4_5D18_8009_454F)
    }

    @Test func permutationIsDeterministicAndComplete() {
        var a = SplitMix64(seed: 9), b = SplitMix64(seed: 9), c = SplitMix64(seed: 10)
        let p = a.permutation(100)
        #expect(p == b.permutation(100))
        #expect(p != c.permutation(100))
        #expect(p.sorted() == Array(0..<100))
    }

    @Test func operations() throws {
        #expect(data.count == 10)
        #expect(data.take(3).map(\.text).elements == ["w0", "w1", "w2"])
        #expect(data.take(-1).isEmpty && data.take(99).count == 10)
        #expect(data.filter { $0.label == .index(1) }.count == 5)
        #expect(data.shuffled(seed: 1).map(\.text).elements == data.shuffled(seed: 1).map(\.text).elements)
        #expect(data.shuffled(seed: 1).map(\.text).elements != data.map(\.text).elements)
        let (a, b) = data.split(0.8, seed: 3)
        #expect(a.count == 8 && b.count == 2)
        #expect(Set(a.map(\.text) + b.map(\.text)) == Set(data.map(\.text)))
        let (c, d) = data.split(0.3)
        #expect(c.map(\.text).elements == ["w0", "w1", "w2"] && d.count == 7)
        #expect(throws: DataError.self) { _ = try data.checkedSplit(1.5) }
        #expect(try data.element(at: -1).text == "w9")
        #expect(throws: DataError.self) { _ = try data.element(at: 10) }
        #expect(data.labels == [0, 1, 0, 1, 0, 1, 0, 1, 0, 1])
    }

    @Test func wordTokenizerAndVocabulary() throws {
        let texts = ["The cat sat.", "the cat ran!", "a dog"]
        let tok = WordTokenizer.build(from: texts, minFrequency: 2)
        #expect(Array(tok.vocabulary.tokens.prefix(5)) == ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"])
        #expect(Array(tok.vocabulary.tokens.dropFirst(5)) == ["the", "cat"])
        let words = WordTokenizer.words("Hi, Zoë's café!")
        #expect(words.map(\.text) == ["hi", ",", "zoë", "'", "s", "café", "!"])
        #expect(words.map(\.offset) == [0..<2, 2..<3, 4..<7, 7..<8, 8..<9, 10..<14, 14..<15])
        #expect(tok.tokenize("the dog").map(\.id) == [5, tok.unknownID])
        let capped = WordTokenizer.build(from: texts, maxSize: 7)
        #expect(capped.vocabulary.count == 7)
        #expect(throws: DataError.self) { _ = try WordTokenizer(vocabulary: Vocabulary(tokens: ["x"])) }
    }
}
