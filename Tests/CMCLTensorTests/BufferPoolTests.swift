import Dispatch
import Synchronization
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

    /// Blocks whose classes peak at different moments of a step: the idle blocks at the start of
    /// a step (the sum of each class's peak, 14 MiB) exceed the largest amount in use at once
    /// (12 MiB), and must still be kept (within the headroom), or every step would free and
    /// allocate them again.
    @Test func classesPeakingAtDifferentTimesAreKept() {
        let pool = BufferPool()
        pool.minimumBudget = 0
        let a = 3 << 20, b = 1 << 20
        func step() {
            let first = (0..<4).map { _ in pool.allocate(byteCount: a) }  // forward: 12 MiB
            for p in first { pool.release(p, byteCount: a) }
            let second = (0..<2).map { _ in pool.allocate(byteCount: b) }  // backward: 2 MiB
            for p in second { pool.release(p, byteCount: b) }
        }
        step()
        let fresh = pool.statistics.freshAllocations
        for _ in 0..<10 { step() }
        #expect(pool.statistics.freshAllocations == fresh)
        #expect(pool.statistics.evictions == 0)
        pool.drain()
    }

    /// Whatever the ages, in use plus idle never passes the working set and its headroom.
    @Test func neverPastTheHeadroom() {
        let pool = BufferPool()
        pool.minimumBudget = 0
        var worst = 0
        for k in 1...40 {
            let n = k << 16
            let blocks = (0..<3).map { _ in pool.allocate(byteCount: n) }
            worst = max(worst, pool.liveBytes + pool.statistics.pooledBytes)
            for p in blocks { pool.release(p, byteCount: n) }
        }
        #expect(Double(worst) <= pool.headroom * Double(pool.statistics.peakLiveBytes))
        #expect(pool.statistics.evictions > 0)
        pool.drain()
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
        pool.staleAfter = 0  // every idle class counts as stale: in use plus idle stays within the working set
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

    /// Threads allocating and releasing mixed sizes at once (evicting each other's idle blocks):
    /// no block is handed to two owners at a time, and the counters add up afterwards.
    @Test func concurrentUseKeepsBlocksAndCountersConsistent() {
        let pool = BufferPool()
        pool.minimumBudget = 0
        pool.staleAfter = 0  // the strict bound, so that eviction runs all the time
        let threads = 4, rounds = 300
        let sizes = [64, 5000, 40_000, 70_000, 300_000, 1 << 20]
        let clashes = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            var held = [(UnsafeMutableRawPointer, Int, UInt8)]()
            for r in 0..<rounds {
                let n = sizes[(t * 7 + r * 3) % sizes.count]
                let tag = UInt8(truncatingIfNeeded: t * 31 + r)
                let p = pool.allocate(byteCount: n)
                p.initializeMemory(as: UInt8.self, repeating: tag, count: n)
                held.append((p, n, tag))
                if held.count > 3 || r % 5 == 0 {
                    let (q, m, mark) = held.removeFirst()
                    let bytes = q.assumingMemoryBound(to: UInt8.self)
                    if bytes[0] != mark || bytes[m - 1] != mark { clashes.withLock { $0 += 1 } }
                    pool.release(q, byteCount: m)
                }
            }
            for (q, m, _) in held { pool.release(q, byteCount: m) }
        }
        let stats = pool.statistics
        #expect(clashes.withLock { $0 } == 0)
        #expect(pool.liveBytes == 0)
        #expect(stats.freshAllocations + stats.reuses == threads * rounds)
        #expect(stats.pooledBytes >= 0 && stats.pooledBytes <= stats.peakLiveBytes)
        pool.drain()
        #expect(pool.statistics.pooledBytes == 0)
    }
}
