/// Seeded sampling shared by every generator in cmcl: one unbiased bounded draw, one spelling of
/// the unit draws and one Fisher–Yates shuffle, so a seed means the same order wherever it is used
/// and results do not depend on the standard library's (unspecified) algorithms.
///
/// ```swift
/// var rng = Xoshiro256StarStar(seed: 7)
/// let k = rng.uniformIndex(below: 10)     // 0..<10, unbiased
/// let u = rng.nextUnitDouble()            // [0, 1), 53 bits
/// var xs = [1, 2, 3, 4]
/// rng.fisherYatesShuffle(&xs)
/// let order = rng.permutation(5)          // a shuffled 0..<5
/// ```
extension RandomNumberGenerator {
    /// A uniform integer in `0..<bound`, without modulo bias: draws below the largest multiple of
    /// `bound` are kept and reduced; the rest (fewer than `bound` of 2^64) are redrawn. 0 when
    /// `bound <= 1`.
    @inlinable
    public mutating func uniformIndex(below bound: Int) -> Int {
        guard bound > 1 else { return 0 }
        let b = UInt64(bound)
        let limit = UInt64.max - UInt64.max % b
        while true {
            let x = next()
            if x < limit { return Int(x % b) }
        }
    }

    /// A uniform `Double` in `[0, 1)` from the top 53 bits of one draw.
    @inlinable
    public mutating func nextUnitDouble() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// A uniform `Float` in `[0, 1)` from the top 24 bits of one draw.
    @inlinable
    public mutating func nextUnitFloat() -> Float { Float(next() >> 40) * 0x1.0p-24 }

    /// Shuffles `values` in place: Fisher–Yates from the last element down, each swap partner
    /// drawn with `uniformIndex(below:)`.
    @inlinable
    public mutating func fisherYatesShuffle<C: MutableCollection & RandomAccessCollection>(_ values: inout C)
    where C.Index == Int {
        guard values.count > 1 else { return }
        let start = values.startIndex
        for i in stride(from: values.count - 1, to: 0, by: -1) {
            let j = uniformIndex(below: i + 1)
            values.swapAt(start + i, start + j)
        }
    }

    /// A uniformly random permutation of `0..<count` (empty for `count <= 0`).
    @inlinable
    public mutating func permutation(_ count: Int) -> [Int] {
        var values = Array(0..<max(0, count))
        fisherYatesShuffle(&values)
        return values
    }
}
