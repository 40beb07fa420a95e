import CMCLBase
import Testing

@Suite struct StringEscapeTests {
    @Test(arguments: [
        ("plain", "\"plain\""),
        ("say \"hi\"", "\"say \\\"hi\\\"\""),
        ("a\\b", "\"a\\\\b\""),
        ("l1\nl2\r\tx", "\"l1\\nl2\\r\\tx\""),
        ("bell\u{7}", "\"bell\\u{7}\""),
        ("é😀", "\"é😀\""),
    ])
    func cmclLiterals(_ input: String, _ expected: String) {
        #expect(StringEscape.quoted(input) == expected)
    }

    @Test func jsonUsesFourHexDigits() {
        #expect(StringEscape.quoted("a\u{1}b\u{1f}", style: .json) == "\"a\\u0001b\\u001f\"")
        #expect(StringEscape.quoted("x\"y", style: .json) == "\"x\\\"y\"")
    }

    @Test(arguments: ["", "x", "a\nb", "back\\slash\\n", "q\"\t\r\u{0}\u{1b}end", "trailing\\", "\\u{41}", "ünï😀"])
    func roundTrips(_ s: String) {
        #expect(StringEscape.unescaped(StringEscape.escaped(s)) == s)
        #expect(StringEscape.unescaped(StringEscape.escaped(s, style: .json)) == s)
        #expect(!StringEscape.escaped(s).contains("\n"))
    }

    @Test func xmlEscapesMarkupAndControlCharacters() {
        #expect(StringEscape.xml("a<b & \"c\"\u{1}") == "a&lt;b &amp; &quot;c&quot; ")
        #expect(StringEscape.xml("it's > x\tand\n") == "it&#39;s &gt; x\tand\n")
    }

    @Test func unescapesLeniently() {
        #expect(StringEscape.unescaped("a\\") == "a\\")         // a lone trailing backslash stays
        #expect(StringEscape.unescaped("\\q") == "q")           // unknown escapes keep the character
        #expect(StringEscape.unescaped("\\u{zz}") == "u{zz}")   // a malformed \u is kept as text
        #expect(StringEscape.unescaped("\\u0041\\u{42}") == "AB")
    }
}
