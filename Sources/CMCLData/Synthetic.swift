import CMCLBase
/// Seeded generators of small tasks that show the effect of the comparative loss in seconds.
///
/// ```swift
/// let data = Synthetic.sentiment(n: 2000, noise: 0.3, seed: 1)
/// let tok = WordTokenizer.build(from: data.map(\.text))
/// ```
public enum Synthetic {
    static let positive = ["good", "great", "excellent", "superb", "wonderful", "delightful", "brilliant",
                           "charming", "moving", "fresh", "funny", "gripping", "beautiful", "smart",
                           "touching", "masterful", "enjoyable", "lovely", "stunning", "clever"]
    static let negative = ["bad", "awful", "terrible", "dull", "boring", "tedious", "clumsy", "bland",
                           "lifeless", "stale", "silly", "mediocre", "ugly", "weak", "tiresome",
                           "painful", "flat", "shallow", "messy", "forgettable"]
    static let syllables = ["ka", "lo", "mi", "ne", "ru", "ta", "vo", "si", "de", "pa", "zu", "ge", "fi",
                            "bo", "ha", "jo", "ly", "ce", "wa", "xi"]

    /// The `i`-th filler word: a pronounceable two- or three-syllable token such as `kalo`.
    static func filler(_ i: Int) -> String {
        let n = syllables.count
        return i < n * n ? syllables[i / n] + syllables[i % n]
            : syllables[(i / (n * n)) % n] + syllables[(i / n) % n] + syllables[i % n]
    }

    /// A Zipf-distributed filler index in `0..<size` (exponent 1), by inverse-CDF on a table.
    struct Zipf {
        let cdf: [Double]
        init(size: Int) {
            var total = 0.0
            var cdf: [Double] = []
            for k in 1...Swift.max(1, size) { total += 1 / Double(k); cdf.append(total) }
            self.cdf = cdf.map { $0 / total }
        }
        func sample(_ rng: inout SplitMix64) -> Int {
            let u = rng.nextUnitDouble()
            var lo = 0, hi = cdf.count - 1
            while lo < hi { let mid = (lo + hi) / 2; if cdf[mid] < u { lo = mid + 1 } else { hi = mid } }
            return lo
        }
    }

    /// A binary sentiment task: each text is `length` tokens, `signalWords` of them sentiment
    /// words, the rest Zipf-distributed filler from `fillerVocabulary` words. Each sentiment word
    /// agrees with the label with probability `1 - noise / 2` (so `noise: 0` is clean and
    /// `noise: 1` is pure chance); `labelNoise` then flips that fraction of labels. With the
    /// defaults a bag-of-embeddings model reaches roughly 85–95% while filler words invite
    /// overfitting. Balanced labels; deterministic for a seed.
    public static func sentiment(n: Int, noise: Double = 0.3, length: Int = 20, signalWords: Int = 3,
                                 labelNoise: Double = 0, fillerVocabulary: Int = 500, seed: UInt64 = 0) -> Dataset<TextExample> {
        sentiment(n: n, noise: noise, length: length, signalWords: signalWords, labelNoise: labelNoise,
                  fillerVocabulary: fillerVocabulary, seed: seed, stop: {})
    }

    /// `sentiment` that calls `stop` every 1024 examples; it may throw to abandon the work (Ctrl-C).
    public static func sentiment(n: Int, noise: Double = 0.3, length: Int = 20, signalWords: Int = 3,
                                 labelNoise: Double = 0, fillerVocabulary: Int = 500, seed: UInt64 = 0,
                                 stop: () throws -> Void) rethrows -> Dataset<TextExample> {
        var rng = SplitMix64(seed: seed ^ 0x5E47_1D3E)
        let zipf = Zipf(size: fillerVocabulary)
        let count = Swift.max(0, n), len = Swift.max(1, length)
        let signals = Swift.min(Swift.max(1, signalWords), len)
        let agree = 1 - Swift.min(1, Swift.max(0, noise)) / 2
        var items: [TextExample] = []
        items.reserveCapacity(count)
        for i in 0..<count {
            if i & 1023 == 0 { try stop() }
            let label = i % 2 == 0 ? 1 : 0
            var words = (0..<len).map { _ in filler(zipf.sample(&rng)) }
            var slots = rng.permutation(len)
            slots.removeLast(len - signals)
            for slot in slots {
                let polarity = rng.nextUnitDouble() < agree ? label : 1 - label
                let pool = polarity == 1 ? positive : negative
                words[slot] = pool[rng.uniformIndex(below: pool.count)]
            }
            let observed = rng.nextUnitDouble() < labelNoise ? 1 - label : label
            items.append(TextExample(text: words.joined(separator: " "), label: .index(Int32(observed)), id: "synth-\(i)"))
        }
        return Dataset(items, name: "synthetic sentiment", labelNames: ["negative", "positive"]).shuffled(seed: seed)
    }

    /// A ranking task: a query of `queryLength` topic words and `candidates` documents of
    /// `documentLength` words; relevance 2 when a document contains every query word, 1 when it
    /// contains some, 0 otherwise. Every query has at least one relevant document.
    public static func ranking(n: Int, candidates: Int = 10, queryLength: Int = 3, documentLength: Int = 12,
                               vocabulary: Int = 300, seed: UInt64 = 0) -> Dataset<RankingExample> {
        ranking(n: n, candidates: candidates, queryLength: queryLength, documentLength: documentLength, vocabulary: vocabulary,
                seed: seed, stop: {})
    }

    /// `ranking` that calls `stop` every 1024 candidates; it may throw to abandon the work (Ctrl-C).
    public static func ranking(n: Int, candidates: Int = 10, queryLength: Int = 3, documentLength: Int = 12,
                               vocabulary: Int = 300, seed: UInt64 = 0, stop: () throws -> Void) rethrows -> Dataset<RankingExample> {
        var rng = SplitMix64(seed: seed ^ 0x4A4E_4B21)
        let m = Swift.max(1, candidates), q = Swift.max(1, Swift.min(queryLength, documentLength)), d = Swift.max(1, documentLength)
        let words = Swift.max(vocabulary, q * 2 + 1)
        var items: [RankingExample] = []
        for _ in 0..<Swift.max(0, n) {
            let query = Array(rng.permutation(words).prefix(q))
            var docs: [[String]] = [], relevance: [Int32] = []
            for c in 0..<m {
                if c & 1023 == 0 { try stop() }
                var doc = (0..<d).map { _ in rng.uniformIndex(below: words) }.filter { !query.contains($0) }
                while doc.count < d { doc.append((query.max() ?? 0) + 1 + rng.uniformIndex(below: 3)) }
                let kind = c == 0 ? 2 : rng.uniformIndex(below: 3)  // 2 full, 1 partial, 0 none
                let inserted = kind == 2 ? q : kind == 1 ? 1 + rng.uniformIndex(below: Swift.max(1, q - 1)) : 0
                let positions = rng.permutation(d).prefix(Swift.min(inserted, d))
                for (k, p) in positions.enumerated() { doc[p] = query[k] }
                docs.append(doc.map(filler))
                relevance.append(Int32(inserted == q ? 2 : inserted > 0 ? 1 : 0))
            }
            let order = rng.permutation(m)
            items.append(RankingExample(query: query.map(filler), candidates: order.map { docs[$0] },
                                        relevance: order.map { relevance[$0] }))
        }
        return Dataset(items, name: "synthetic ranking")
    }
}

/// A query with candidate documents and graded relevance (synthetic ranking task).
public struct RankingExample: Sendable, Equatable {
    /// Query words.
    public var query: [String]
    /// Candidate documents (words).
    public var candidates: [[String]]
    /// 0 (irrelevant), 1 (partial) or 2 (fully relevant), one per candidate.
    public var relevance: [Int32]

    /// Creates an example.
    public init(query: [String], candidates: [[String]], relevance: [Int32]) {
        self.query = query; self.candidates = candidates; self.relevance = relevance
    }
}
