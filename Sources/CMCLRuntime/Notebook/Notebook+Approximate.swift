import Foundation

/// Approximate expectations, for results of long training only.
///
/// A long training run sums millions of floating-point products; which BLAS kernel the machine
/// picks (OpenBLAS chooses by CPU) changes the order of those sums, and after a few hundred steps
/// the last digits of a metric can differ between machines. Such a line may be written
///
///     # ~0.01 CmpCrop (c = 2)   exact match 0.062   start accuracy 0.104
///
/// instead of `# > …`: the output line must have the same words, and each number in it may
/// differ from the written one by at most the stated tolerance (here 0.01). Any other change —
/// a different word, a missing number, a number further off — fails as usual. On one machine a
/// rerun is bit-identical, so the tolerance never hides a change made to the code there.
extension Notebook {
    public static let approximatePrefix = "# ~"

    /// The tolerance and expected text of an approximate line (`# ~TOL text`), or nil.
    static func approximation(_ line: Substring) -> (tolerance: Double, text: Substring)? {
        let t = line.drop(while: { $0 == " " || $0 == "\t" })
        guard t.hasPrefix(approximatePrefix) else { return nil }
        let rest = t.dropFirst(approximatePrefix.count)
        let toleranceText = rest.prefix { $0 != " " }
        guard let tolerance = Double(toleranceText), tolerance.isFinite, tolerance >= 0 else { return nil }
        var text = rest.dropFirst(toleranceText.count)
        if text.first == " " { text = text.dropFirst() }
        return (tolerance, text)
    }

    /// Whether the output line `line` (`# > text`) matches the approximate line `pattern`.
    static func approximatelyMatches(_ pattern: Substring, _ line: Substring) -> Bool {
        guard let (tolerance, expected) = approximation(pattern) else { return false }
        let t = line.drop(while: { $0 == " " || $0 == "\t" })
        guard t.hasPrefix(outputPrefix) else { return false }
        var actual = t.dropFirst(outputPrefix.count)
        if actual.first == " " { actual = actual.dropFirst() }
        let e = numberPieces(expected), a = numberPieces(actual)
        guard e.words == a.words, e.numbers.count == a.numbers.count else { return false }
        return zip(e.numbers, a.numbers).allSatisfy { abs($0 - $1) <= tolerance * (1 + 1e-9) }
    }

    /// The text split into its numbers and the words between them (runs of spaces count as one,
    /// so that a number printed one digit wider does not break the match).
    static func numberPieces(_ text: Substring) -> (words: [String], numbers: [Double]) {
        var words: [String] = [], numbers: [Double] = []
        var word = ""
        let chars = Array(text)
        var i = 0
        func isDigit(_ c: Character) -> Bool { c.isASCII && c.isNumber }
        while i < chars.count {
            let c = chars[i]
            let startsNumber = isDigit(c)
                || ((c == "-" || c == "+" || c == ".") && i + 1 < chars.count && (isDigit(chars[i + 1]) || (chars[i + 1] == "." && i + 2 < chars.count && isDigit(chars[i + 2]))))
            let afterWordCharacter = i > 0 && (chars[i - 1].isLetter || chars[i - 1] == "_")
            if startsNumber && !afterWordCharacter {
                var j = i
                if chars[j] == "-" || chars[j] == "+" { j += 1 }
                while j < chars.count, isDigit(chars[j]) { j += 1 }
                if j < chars.count, chars[j] == "." { j += 1; while j < chars.count, isDigit(chars[j]) { j += 1 } }
                if j + 1 < chars.count, chars[j] == "e" || chars[j] == "E" {
                    var k = j + 1
                    if k < chars.count, chars[k] == "-" || chars[k] == "+" { k += 1 }
                    if k < chars.count, isDigit(chars[k]) {
                        while k < chars.count, isDigit(chars[k]) { k += 1 }
                        j = k
                    }
                }
                if let v = Double(String(chars[i..<j])) {
                    words.append(collapsed(word))
                    word = ""
                    numbers.append(v)
                    i = j
                    continue
                }
            }
            word.append(c)
            i += 1
        }
        words.append(collapsed(word))
        return (words, numbers)
    }

    static func collapsed(_ s: String) -> String {
        s.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
    }

    /// `recorded` (a fresh annotation, all `# >` lines) with the approximate lines of `previous`
    /// kept: unchanged where the new output is within their tolerance, otherwise rewritten with the
    /// new text under the same marker and tolerance.
    public static func keepingApproximations(previous: String, recorded: String) -> String {
        let old = blocks(previous), new = blocks(recorded)
        guard old.count == new.count, previous.contains(approximatePrefix) else { return recorded }
        var out: [String] = []
        for (k, block) in new.enumerated() {
            if let code = block.code { out.append(code) }
            for (j, line) in block.expectations.enumerated() {
                if j < old[k].expectations.count, let (tolerance, _) = approximation(Substring(old[k].expectations[j])),
                   line.hasPrefix(outputPrefix) {
                    if approximatelyMatches(Substring(old[k].expectations[j]), Substring(line)) {
                        out.append(old[k].expectations[j])
                    } else {
                        var text = line.dropFirst(outputPrefix.count)
                        if text.first == " " { text = text.dropFirst() }
                        out.append("\(approximatePrefix)\(formatTolerance(tolerance)) \(text)")
                    }
                } else {
                    out.append(line)
                }
            }
        }
        return out.joined(separator: "\n")
    }

    static func formatTolerance(_ t: Double) -> String {
        t == t.rounded() && abs(t) < 1e15 ? String(Int64(t)) : "\(t)"
    }

    /// The lines of a notebook grouped as: the expectations before any code, then each code line
    /// with the expectations under it.
    static func blocks(_ text: String) -> [(code: String?, expectations: [String])] {
        var out: [(code: String?, expectations: [String])] = [(nil, [])]
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if isExpectation(line) {
                out[out.count - 1].expectations.append(String(line))
            } else {
                out.append((String(line), []))
            }
        }
        return out
    }
}
