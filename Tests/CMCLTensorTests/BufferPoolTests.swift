import Testing
@testable import CMCLTensor

@Suite struct BufferPoolTests {
    /// One step of a training loop: `sizes` blocks allocated, then all released.
    static func step(_ pool: BufferPool, _ sizes: [Int], check: (BufferPool) -> Void = { _ in }) {
        let blocks = sizes.map { (pool.allocate(byteCount: $0), $0) }
        check(pool)
        for (p, n) in blocks { pool.release(p, byteCount: n) }
    }

    @Test func sizeClassesAreTightAndMonotonic() {
        var previous = 0
        for n in stride(from: 1, through: 50_000_000, by: 997) {
            let b = BufferPool.bucket(n)
            #expect(b >= n)
            #expect(b >= previous)
            if n > 32_768 { #expect(Double(b) < Double(n) * 1.125 + 1) }
            #expect(b % 64 == 0)
            previous = b
        }
        // Lengths a little apart share a class.
        #expect(BufferPool.bucket(16 * 60 * 384 * 4) == BufferPool.bucket(16 * 61 * 384 * 4))
    }

    @Test func identicalStepsAllocateNothingAfterTheFirst() {
        let pool = BufferPool()
        let sizes = [4 << 20, 1 << 20, 1 << 20, 300_000, 64, 5000]
        Self.step(pool, sizes)
        let fresh = pool.statistics.freshAllocations
        for _ in 0..<5 { Self.step(pool, sizes) }
        #expect(pool.statistics.freshAllocations == fresh)
        #expect(pool.statistics.reuses == 5 * sizes.count)
        pool.drain()
    }

    /// Steps whose sizes change (batches padded to different lengths) used to leave a pool of
    /// every size seen, up to 2 GiB; idle plus in-use memory now stays within the largest
    /// working set.
    @Test func memoryStaysWithinTheLargestWorkingSet() {
        let pool = BufferPool()
        pool.minimumBudget = 0
        let row = 16 * 384 * 4
        var worst = 0
        for length in [64, 12, 37, 50, 23, 64, 9, 41, 58, 30, 17, 64, 45, 33, 61, 27] {
            let sizes = [row * length, row * length * 4, row * length, 16 * 12 * length * length * 4, row * length]
            Self.step(pool, sizes) { p in
                worst = max(worst, p.liveBytes + p.statistics.pooledBytes)
            }
            worst = max(worst, pool.liveBytes + pool.statistics.pooledBytes)
        }
        let stats = pool.statistics
        #expect(worst <= stats.peakLiveBytes)
        #expect(stats.pooledBytes <= stats.peakLiveBytes)
        #expect(stats.evictions > 0)
        #expect(stats.reuses > 0)
        pool.drain()
        #expect(pool.statistics.pooledBytes == 0)
    }
}
