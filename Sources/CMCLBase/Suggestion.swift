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

    /// The names of a closed set (a mode, a task head, a metric) close to `given`, closest first
    /// (ties alphabetical): within edit distance 2 (or a third of its length), sharing a prefix,
    /// or abbreviating one another (one a subsequence of the other, both at least 3 characters,
    /// so `cls` finds `classification`). Identifiers use ``closest(to:in:)`` (typos only); a
    /// choice among a few words is also abbreviated.
    public static func choices(for given: String, among names: some Sequence<String>) -> [String] {
        let lowered = given.lowercased()
        let limit = max(2, lowered.count / 3)
        func isSubsequence(_ short: String, of long: String) -> Bool {
            var iterator = long.makeIterator()
            return short.allSatisfy { c in
                while let next = iterator.next() { if next == c { return true } }
                return false
            }
        }
        var seen = Set<String>()
        let scored = names.filter { seen.insert($0).inserted }.map { ($0, distance(lowered, $0.lowercased())) }
            .filter { name, d in
                let name = name.lowercased()
                return d <= limit || (lowered.count >= 2 && (name.hasPrefix(lowered) || lowered.hasPrefix(name)))
                    || (lowered.count >= 3 && name.count >= 3
                        && (isSubsequence(name, of: lowered) || isSubsequence(lowered, of: name)))
            }
        return scored.sorted { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }.map(\.0)
    }

    /// The value `given` spells in `table` (case-insensitive), or nil.
    public static func lookup<Value>(_ given: String, in table: [(String, Value)]) -> Value? {
        let key = given.lowercased()
        return table.first { $0.0.lowercased() == key }?.1
    }
}
