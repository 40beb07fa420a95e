import Foundation
import CMCLBase

/// A seedable pseudo-random stream shared by reference: the CMCLBase core
/// (``Xoshiro256StarStar``, seeded through SplitMix64) behind a lock.
///
/// The same seed gives bit-identical streams on every run and platform. A generator is a reference
/// type so that several consumers (initializers, dropout masks, batch orders) can share one
/// stream; it is safe to use from several threads. There is no process-wide generator: every
/// engine call that draws takes one.
///
/// ```swift
/// let g = Generator(seed: 42)
/// let u = try Tensor.uniform([4, 4], generator: g)
/// let k = g.uniformIndex(below: 10)
/// g.reseed(0)                                // restarts the stream
/// ```
public final class Generator: RandomNumberGenerator, @unchecked Sendable {
    private var core: Xoshiro256StarStar
    private let lock = NSLock()
    /// The seed this generator was last seeded with.
    public private(set) var seedValue: UInt64

    /// A generator seeded with `seed`.
    public init(seed: UInt64) {
        core = Xoshiro256StarStar(seed: seed)
        seedValue = seed
    }

    /// Restarts the stream from `seed`.
    public func reseed(_ seed: UInt64) {
        lock.lock(); defer { lock.unlock() }
        seedValue = seed
        core = Xoshiro256StarStar(seed: seed)
    }

    /// The next 64 random bits.
    public func next() -> UInt64 {
        lock.lock(); defer { lock.unlock() }
        return core.next()
    }

    /// Fills `n` 64-bit draws in one locked pass.
    func fill(_ n: Int, _ body: (Int, UInt64) -> Void) {
        lock.lock(); defer { lock.unlock() }
        for i in 0..<n { body(i, core.next()) }
    }

    /// A uniform double in `[0, 1)` (the shared `nextUnitDouble()` of CMCLBase).
    public func nextUnitDouble() -> Double {
        var me = self
        return unitDouble(&me)
    }

    /// A uniform integer in `0..<bound` (the shared unbiased `uniformIndex(below:)`); 0 when
    /// `bound <= 1`.
    public func uniformIndex(below bound: Int) -> Int {
        var me = self
        return index(&me, below: bound)
    }
}

// The shared draws of CMCLBase, reached from the class's non-mutating spellings.
private func unitDouble<R: RandomNumberGenerator>(_ rng: inout R) -> Double { rng.nextUnitDouble() }
private func index<R: RandomNumberGenerator>(_ rng: inout R, below bound: Int) -> Int { rng.uniformIndex(below: bound) }
