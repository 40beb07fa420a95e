import CMCLBase
import Testing

@Suite struct SuggestionTests {
    @Test func editDistance() {
        #expect(Suggestion.distance("", "abc") == 3)
        #expect(Suggestion.distance("kitten", "sitting") == 3)
        #expect(Suggestion.distance("epoch", "epochs") == 1)
        #expect(Suggestion.distance("ab", "ba") == 1)  // a transposition is one edit
        #expect(Suggestion.distance("same", "same") == 0)
    }

    @Test func closestCandidate() {
        #expect(Suggestion.closest(to: "epoch", in: ["epochs", "lr"]) == "epochs")
        #expect(Suggestion.closest(to: "pritn", in: ["print", "range"]) == "print")
        #expect(Suggestion.closest(to: "Len", in: ["len"]) == "len")
        #expect(Suggestion.closest(to: "x", in: ["x"]) == nil)  // the name itself is not a suggestion
        #expect(Suggestion.closest(to: "zzzzzz", in: ["print"]) == nil)
        #expect(Suggestion.closest(to: "ab", in: ["ac", "ad"]) == "ac")  // ties go to the alphabetically first
        #expect(Suggestion.hint(for: "lenn", in: ["len"]) == "did you mean `len`?")
        #expect(Suggestion.hint(for: "q", in: ["len"]) == nil)
    }

    @Test func nearestNamesClosestFirst() {
        let names = ["encoder.weight", "encoder.bias", "decoder.weight", "head"]
        #expect(Suggestion.nearest(to: "encoder.wieght", in: names, maxDistance: 3, limit: 3) == ["encoder.weight", "decoder.weight"])
        #expect(Suggestion.nearest(to: "HEAD", in: names, maxDistance: 1) == ["head"])  // case is ignored
        #expect(Suggestion.nearest(to: "q", in: names, maxDistance: 1).isEmpty)
        #expect(Suggestion.nearest(to: "ab", in: ["ac", "ac", "ad"], maxDistance: 1) == ["ac", "ad"])  // duplicates once
    }
}
