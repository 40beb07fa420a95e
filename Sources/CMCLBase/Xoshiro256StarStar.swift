/// xoshiro256** (Blackman and Vigna 2018) with its state seeded by four ``SplitMix64`` draws:
/// the one random core behind every engine stream. `Generator` (CMCLTensor) wraps it for shared,
/// locked use; ablation plans (CMCLCompare) use it directly as a value. Its output depends only on
/// the seed, never on the standard library's algorithms, so streams are the same on every
/// platform and toolchain.
///
/// Draws use the shared spellings of `RandomNumberGenerator` in this module:
/// `uniformIndex(below:)`, `nextUnitDouble()`, `nextUnitFloat()`, `fisherYatesShuffle(_:)`.
///
/// ```swift
/// var rng = Xoshiro256StarStar(seed: 42)
/// let u = rng.nextUnitFloat()          // uniform in [0, 1)
/// let k = rng.uniformIndex(below: 6)   // 0..<6, unbiased
/// let order = rng.permutation(10)      // Fisher–Yates permutation of 0..<10
/// ```
public struct Xoshiro256StarStar: RandomNumberGenerator, Sendable, Hashable {
    @usableFromInline var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    /// A generator whose whole state is derived from `seed` with SplitMix64.
    public init(seed: UInt64) {
        var mix = SplitMix64(seed: seed)
        s0 = mix.next()
        s1 = mix.next()
        s2 = mix.next()
        s3 = mix.next()
    }

    @inlinable static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 &- k)) }

    /// The next 64 random bits (inlinable: streams are drawn per element in the engine's loops).
    @inlinable
    public mutating func next() -> UInt64 {
        let result = Self.rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = Self.rotl(s3, 45)
        return result
    }
}
