/// SplitMix64 (Steele, Lea and Flood 2014): a small, fast, seeded generator, and the one place
/// its step is written. ``Xoshiro256StarStar`` seeds its state with it; data pipelines shuffle and
/// sample with it directly. Identical sequences on every platform and run for the same seed.
///
/// ```swift
/// var rng = SplitMix64(seed: 42)
/// let k = rng.uniformIndex(below: 10)   // 0..<10
/// let u = rng.nextUnitDouble()          // [0, 1)
/// let order = rng.permutation(5)        // a seeded shuffle of 0..<5
/// ```
public struct SplitMix64: RandomNumberGenerator, Sendable {
    @usableFromInline var state: UInt64

    /// Creates a generator from a seed.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    @inlinable
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
