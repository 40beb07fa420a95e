import CMCLBase
/// A small, fast, seeded pseudo-random generator (SplitMix64, Steele et al. 2014).
/// Identical sequences on every platform and run for the same seed.
///
/// ```swift
/// var rng = SplitMix64(seed: 42)
/// let k = rng.next(below: 10)      // 0..<10
/// let u = rng.nextUniform()        // [0, 1)
/// let order = rng.permutation(5)    // a seeded shuffle of 0..<5 (CMCLBase)
/// ```
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// Creates a generator from a seed.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform integer in `0..<bound` without modulo bias (`uniformIndex(below:)`).
    public mutating func next(below bound: Int) -> Int { uniformIndex(below: bound) }

    /// A uniform `Double` in [0, 1) with 53 random bits.
    public mutating func nextUniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }
}
