/// "Did you mean …?" support: one edit distance and the ways cmcl picks close names with it.
///
/// ```swift
/// Suggestion.distance("lenght", "length")                  // 1 (one transposition)
/// Suggestion.closest(to: "lenght", in: ["length", "list"])  // "length"
/// Suggestion.nearest(to: "lr", in: names, limit: 3)         // up to three close names, closest first
/// ```
public enum Suggestion {
    /// Damerau–Levenshtein (optimal string alignment) distance between two strings, counted in
    /// Unicode scalars: insertions, deletions, substitutions and swaps of two neighbours cost 1.
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
            swap(&prev2, &prev)
            swap(&prev, &cur)
        }
        return prev[y.count]
    }

    /// The candidates within edit distance `maxDistance` of `name` (ignoring case), closest first
    /// (ties alphabetical), at most `limit` of them; `name` itself is never offered.
    public static func nearest(to name: String, in candidates: some Sequence<String>,
                               maxDistance: Int, limit: Int = .max) -> [String] {
        let lowered = name.lowercased()
        var scored: [(String, Int)] = []
        for candidate in Set(candidates) where candidate != name {
            let d = distance(lowered, candidate.lowercased())
            if d <= maxDistance { scored.append((candidate, d)) }
        }
        scored.sort { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }
        return scored.prefix(max(0, limit)).map(\.0)
    }

    /// The closest candidate to `name`, if it is close enough to be a plausible typo (within a
    /// third of its length plus one, between 1 and 3 edits).
    public static func closest(to name: String, in candidates: some Sequence<String>) -> String? {
        nearest(to: name, in: candidates, maxDistance: max(1, min(3, name.count / 3 + 1)), limit: 1).first
    }

    /// A `help:` text for an unknown name (`did you mean `x`?`), or nil.
    public static func hint(for name: String, in candidates: some Sequence<String>) -> String? {
        closest(to: name, in: candidates).map { "did you mean `\($0)`?" }
    }
}
