import CMCLBase
import Testing

/// SplitMix64, written out here so the tests pin the shuffle against a known stream.
private struct TestStream: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Replays fixed draws, to check the rejection of the biased top range.
private struct Scripted: RandomNumberGenerator {
    var draws: [UInt64]
    mutating func next() -> UInt64 { draws.removeFirst() }
}

@Suite struct SeededShuffleTests {
    @Test func sameSeedSameOrder() {
        var a = TestStream(state: 7), b = TestStream(state: 7), c = TestStream(state: 8)
        let pa = a.permutation(50), pb = b.permutation(50), pc = c.permutation(50)
        #expect(pa == pb)
        #expect(pa != pc)
        #expect(pa.sorted() == Array(0..<50))
    }

    @Test func edgeCounts() {
        var g = TestStream(state: 1)
        #expect(g.permutation(0) == [])
        #expect(g.permutation(-3) == [])
        #expect(g.permutation(1) == [0])
        #expect(g.uniformIndex(below: 1) == 0)
        #expect(g.uniformIndex(below: 0) == 0)
        var slice = [1, 2, 3, 4, 5, 6][2...]
        g.fisherYatesShuffle(&slice)
        #expect(slice.sorted() == [3, 4, 5, 6] && slice.startIndex == 2)
    }

    @Test func rejectsTheBiasedTopRange() {
        // For bound 3, 2^64 - 1 - ((2^64 - 1) % 3) = 2^64 - 1 is the first rejected draw.
        var g = Scripted(draws: [UInt64.max, 5])
        #expect(g.uniformIndex(below: 3) == 2)  // UInt64.max is redrawn; 5 % 3 = 2
        #expect(g.draws.isEmpty)
    }

    @Test func everyPermutationEquallyLikely() {
        // 3! = 6 orders over 60,000 shuffles: each about 10,000 (a biased shuffle is far off).
        var g = TestStream(state: 42)
        var counts: [[Int]: Int] = [:]
        for _ in 0..<60_000 {
            var xs = [0, 1, 2]
            g.fisherYatesShuffle(&xs)
            counts[xs, default: 0] += 1
        }
        #expect(counts.count == 6)
        #expect(counts.values.allSatisfy { abs($0 - 10_000) < 500 })
    }

    @Test func pinnedOrder() {
        // Pins the algorithm: a change here changes every seeded result in cmcl.
        var g = TestStream(state: 0)
        #expect(g.permutation(8) == Self.pinned)
    }

    static let pinned = [2, 5, 0, 3, 4, 6, 1, 7]  // computed independently in Python
}
