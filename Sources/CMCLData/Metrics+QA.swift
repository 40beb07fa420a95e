import Foundation

extension Metrics {
    /// The official SQuAD v1.1 (and HotpotQA) answer normalisation: lower-case, drop ASCII
    /// punctuation, replace the articles a/an/the standing between word boundaries by a space
    /// (Python's Unicode `\b`), collapse whitespace.
    public static func normalizeAnswer(_ text: String) -> String {
        let punctuation = Set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~".unicodeScalars)
        var kept: [Unicode.Scalar] = []
        for s in text.lowercased().unicodeScalars where !punctuation.contains(s) { kept.append(s) }
        // remove_articles: re.sub(r'\b(a|an|the)\b', ' ', text), scanning left to right.
        var out = String.UnicodeScalarView()
        var i = 0
        let n = kept.count
        while i < n {
            if (i == 0 || !isWordScalar(kept[i - 1])) {
                var matched = 0
                for article in ["the", "an", "a"] {
                    let a = Array(article.unicodeScalars)
                    if i + a.count <= n, Array(kept[i..<(i + a.count)]) == a,
                       i + a.count == n || !isWordScalar(kept[i + a.count]) {
                        matched = a.count
                        break
                    }
                }
                if matched > 0 {
                    out.append(" ")
                    i += matched
                    continue
                }
            }
            out.append(kept[i])
            i += 1
        }
        return String(out).split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    /// A word character of Python's Unicode regular expressions: a letter, a number or `_`.
    static func isWordScalar(_ s: Unicode.Scalar) -> Bool {
        if s == "_" { return true }
        switch s.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .decimalNumber, .letterNumber, .otherNumber:
            return true
        default:
            return false
        }
    }

    /// 1 when the normalised prediction equals any normalised gold answer, else 0.
    public static func exactMatch(_ prediction: String, answers: [String]) -> Double {
        let p = normalizeAnswer(prediction)
        return answers.contains { normalizeAnswer($0) == p } ? 1 : 0
    }

    /// The best token-overlap F1 between the prediction and any gold answer (official SQuAD rule).
    public static func squadF1(_ prediction: String, answers: [String]) -> Double {
        let p = normalizeAnswer(prediction).split(separator: " ")
        var best = 0.0
        for answer in answers {
            let g = normalizeAnswer(answer).split(separator: " ")
            var counts: [Substring: Int] = [:]
            for t in g { counts[t, default: 0] += 1 }
            var same = 0
            for t in p where (counts[t] ?? 0) > 0 { counts[t, default: 0] -= 1; same += 1 }
            if same == 0 { continue }
            let precision = Double(same) / Double(p.count), recall = Double(same) / Double(g.count)
            best = Swift.max(best, 2 * precision * recall / (precision + recall))
        }
        return best
    }

    /// Mean exact match and F1 (in percent, as the official script reports) of `predictions`
    /// against the examples' gold answers.
    public static func squad(_ predictions: [String], _ examples: Dataset<SQuADExample>) throws
        -> (exactMatch: Double, f1: Double) {
        try check("squad", predictions.count, examples.count)
        var em = 0.0, f1 = 0.0
        for (p, e) in zip(predictions, examples) {
            let answers = e.answers.map(\.text)
            em += exactMatch(p, answers: answers)
            f1 += squadF1(p, answers: answers)
        }
        let n = Double(predictions.count)
        return (100 * em / n, 100 * f1 / n)
    }

    /// The official HotpotQA answer F1: as SQuAD's, except that a normalised `yes`, `no` or
    /// `noanswer` on either side scores 0 unless both sides are equal.
    public static func hotpotF1(_ prediction: String, answer: String) -> Double {
        let p = normalizeAnswer(prediction), g = normalizeAnswer(answer)
        let special: Set<String> = ["yes", "no", "noanswer"]
        if (special.contains(p) || special.contains(g)) && p != g { return 0 }
        return squadF1(prediction, answers: [answer])
    }

    /// Mean answer exact match and F1 (fractions in 0...1, as the official HotpotQA script
    /// reports them) of `predictions` against one gold answer each.
    public static func hotpot(_ predictions: [String], answers: [String]) throws -> (exactMatch: Double, f1: Double) {
        try check("hotpot", predictions.count, answers.count)
        var em = 0.0, f1 = 0.0
        for (p, g) in zip(predictions, answers) {
            em += exactMatch(p, answers: [g])
            f1 += hotpotF1(p, answer: g)
        }
        let n = Double(predictions.count)
        return (em / n, f1 / n)
    }

    /// Reciprocal rank of the first relevant candidate when sorted by descending score (ties
    /// keep candidate order); 0 when nothing is relevant.
    public static func reciprocalRank<T: BinaryFloatingPoint>(scores: [T], relevance: [Double]) throws -> Double {
        try check("reciprocal rank", scores.count, relevance.count)
        let order = scores.indices.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }
        guard let rank = order.firstIndex(where: { relevance[$0] > 0 }) else { return 0 }
        return 1 / Double(rank + 1)
    }

    /// Mean reciprocal rank over queries.
    public static func meanReciprocalRank<T: BinaryFloatingPoint>(scores: [[T]], relevance: [[Double]]) throws -> Double {
        try check("mean reciprocal rank", scores.count, relevance.count)
        var total = 0.0
        for (s, r) in zip(scores, relevance) { total += try reciprocalRank(scores: s, relevance: r) }
        return total / Double(scores.count)
    }

    /// NDCG@k with linear gains and log2 discounts, tied scores sharing their averaged gain
    /// (scikit-learn `ndcg_score`). 0 when no candidate is relevant.
    public static func ndcg<T: BinaryFloatingPoint>(scores: [T], relevance: [Double], k: Int? = nil) throws -> Double {
        try check("ndcg", scores.count, relevance.count)
        let cutoff = Swift.min(k ?? scores.count, scores.count)
        guard cutoff > 0 else {
            throw DataError.invalidArgument(operation: "ndcg", problem: "k must be positive, got \(k ?? 0)")
        }
        func discount(_ i: Int) -> Double { i < cutoff ? 1 / Foundation.log2(Double(i) + 2) : 0 }
        let s = scores.map { Double($0) }
        // Tie-averaged DCG of the predicted order.
        let order = s.indices.sorted { s[$0] > s[$1] }
        var dcg = 0.0
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && s[order[j + 1]] == s[order[i]] { j += 1 }
            let gain = (i...j).reduce(0.0) { $0 + relevance[order[$1]] } / Double(j - i + 1)
            dcg += gain * (i...j).reduce(0.0) { $0 + discount($1) }
            i = j + 1
        }
        let ideal = relevance.sorted(by: >).enumerated().reduce(0.0) { $0 + $1.element * discount($1.offset) }
        return ideal == 0 ? 0 : dcg / ideal
    }
}

