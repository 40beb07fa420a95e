import CMCLBase
/// A small deterministic random number generator (xoshiro256**, seeded through SplitMix64) for
/// ablation plans. Its output depends only on the seed, never on the Swift standard library's
/// algorithms, so plans are reproducible across platforms and toolchain versions.
///
/// ```swift
/// var rng = AblationRandom(seed: 42)
/// let u = rng.nextUnitFloat()          // uniform in [0, 1)
/// let order = rng.permutation(10)      // Fisher–Yates permutation of 0..<10
/// ```
public struct AblationRandom: RandomNumberGenerator, Sendable, Hashable {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    /// Creates a generator whose whole state is derived from `seed` with SplitMix64.
    public init(seed: UInt64) {
        var s = seed
        func splitMix() -> UInt64 {
            s &+= 0x9E37_79B9_7F4A_7C15
            var z = s
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (splitMix(), splitMix(), splitMix(), splitMix())
    }

    public static func == (lhs: AblationRandom, rhs: AblationRandom) -> Bool {
        lhs.state == rhs.state
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(state.0)
        hasher.combine(state.1)
        hasher.combine(state.2)
        hasher.combine(state.3)
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = rotate(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = rotate(state.3, 45)
        return result
    }

    /// A uniform `Float` in `[0, 1)` from the top 24 bits.
    public mutating func nextUnitFloat() -> Float {
        Float(next() >> 40) * (1.0 / 16_777_216.0)
    }

    /// A uniform `Double` in `[0, 1)` from the top 53 bits.
    public mutating func nextUnitDouble() -> Double {
        Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// A uniform integer in `0..<bound` without modulo bias (`uniformIndex(below:)`); 0 when
    /// `bound <= 1`.
    public mutating func nextInt(below bound: Int) -> Int { uniformIndex(below: bound) }

    /// Shuffles `values` in place (the shared seeded Fisher–Yates).
    public mutating func shuffle<Element>(_ values: inout [Element]) { fisherYatesShuffle(&values) }

    /// `count` uniform floats in `[0, 1)`: one draw per unit for nested dropout masks.
    public mutating func uniformFloats(_ count: Int) -> [Float] {
        (0..<max(0, count)).map { _ in nextUnitFloat() }
    }

    private func rotate(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}
