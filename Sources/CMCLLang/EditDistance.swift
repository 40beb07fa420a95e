/// "Did you mean …?" suggestions by edit distance.
public enum Suggestion {
    /// Damerau–Levenshtein (optimal string alignment) distance between two strings.
    public static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a.unicodeScalars), y = Array(b.unicodeScalars)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var prev2 = [Int](repeating: 0, count: y.count + 1)
        var prev = Array(0...y.count)
        var cur = [Int](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            cur[0] = i
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                var v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
                    v = min(v, prev2[j - 2] + 1)
                }
                cur[j] = v
            }
            prev2 = prev
            prev = cur
        }
        return prev[y.count]
    }

    /// The closest candidate to `name`, if it is close enough to be a plausible typo.
    public static func closest(to name: String, in candidates: some Sequence<String>) -> String? {
        let limit = max(1, min(3, name.count / 3 + 1))
        var best: (String, Int)?
        for candidate in candidates where candidate != name {
            let d = distance(name.lowercased(), candidate.lowercased())
            guard d <= limit else { continue }
            if let (bestName, bestDistance) = best, bestDistance < d || (bestDistance == d && bestName <= candidate) {
                continue
            }
            best = (candidate, d)
        }
        return best?.0
    }

    /// A `help:` text for an unknown name, or nil.
    public static func hint(for name: String, in candidates: some Sequence<String>) -> String? {
        closest(to: name, in: candidates).map { "did you mean `\($0)`?" }
    }
}
