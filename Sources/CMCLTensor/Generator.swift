import Foundation
import CMCLBase

/// A seedable pseudo-random generator (xoshiro256** seeded through SplitMix64).
///
/// The same seed gives bit-identical streams on every run and platform. A generator is a reference
/// type so that several consumers can share one stream; it is safe to use from several threads.
///
/// ```swift
/// let g = Generator(seed: 42)
/// let u = try Tensor.uniform([4, 4], generator: g)
/// Generator.seed(0)                          // reseeds the default generator
/// ```
public final class Generator: RandomNumberGenerator, @unchecked Sendable {
    private var s: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    private let lock = NSLock()
    /// The seed this generator was last seeded with.
    public private(set) var seedValue: UInt64 = 0

    /// A generator seeded with `seed`.
    public init(seed: UInt64) { reseed(seed) }

    /// Restarts the stream from `seed`.
    public func reseed(_ seed: UInt64) {
        lock.lock(); defer { lock.unlock() }
        seedValue = seed
        var x = seed
        func splitmix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s = (splitmix(), splitmix(), splitmix(), splitmix())
    }

    @inline(__always) private static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 &- k)) }

    @inline(__always) private func nextUnlocked() -> UInt64 {
        let result = Generator.rotl(s.1 &* 5, 7) &* 9
        let t = s.1 << 17
        s.2 ^= s.0; s.3 ^= s.1; s.1 ^= s.2; s.0 ^= s.3
        s.2 ^= t
        s.3 = Generator.rotl(s.3, 45)
        return result
    }

    /// The next 64 random bits.
    public func next() -> UInt64 {
        lock.lock(); defer { lock.unlock() }
        return nextUnlocked()
    }

    /// Fills `n` 64-bit draws in one locked pass.
    func fill(_ n: Int, _ body: (Int, UInt64) -> Void) {
        lock.lock(); defer { lock.unlock() }
        for i in 0..<n { body(i, nextUnlocked()) }
    }

    /// A uniform double in `[0, 1)` (53 random bits).
    public func nextDouble() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// A uniform integer in `0..<bound` (unbiased, `uniformIndex(below:)`); 0 when `bound` is 0.
    public func nextInt(below bound: UInt64) -> UInt64 {
        var me = self
        return UInt64(me.uniformIndex(below: Int(clamping: bound)))
    }

    /// The process-wide default generator used when none is passed (seeded with 0 at start).
    public static let `default` = Generator(seed: 0)

    /// Reseeds the default generator.
    public static func seed(_ seed: UInt64) { Generator.default.reseed(seed) }
}
