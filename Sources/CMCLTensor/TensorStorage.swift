import Foundation
import Synchronization

/// A reference-counted block of memory shared by a tensor and its views.
///
/// Blocks come from and return to ``BufferPool`` so that loops of identical steps reuse memory
/// instead of allocating.
final class TensorStorage: @unchecked Sendable {
    let base: UnsafeMutableRawPointer
    let byteCount: Int

    init(byteCount: Int) {
        self.byteCount = byteCount
        self.base = BufferPool.shared.allocate(byteCount: byteCount)
    }

    deinit { BufferPool.shared.release(base, byteCount: byteCount) }

    @inline(__always) func pointer<T>(as type: T.Type) -> UnsafeMutablePointer<T> {
        base.assumingMemoryBound(to: T.self)
    }
}

/// A size-bucketed pool of 64-byte aligned buffers.
///
/// Freed blocks are kept per size class and handed out again to the next request of that class,
/// so a training loop of identical steps allocates nothing after its first step. Size classes
/// round a request up by less than 1/8 (see ``bucket(_:)``), so batches padded to slightly
/// different lengths share blocks.
///
/// The pool does not grow by a pool of every size ever seen. A request that finds no idle block
/// of its class first gives back to the system the idle blocks of stale classes (unused for
/// ``staleAfter`` allocations and releases), least recently used first, until the blocks in use
/// plus the idle ones fit in the largest amount ever in use at once (the working set, at least
/// ``minimumBudget``); and whatever their age, it never lets in use plus idle pass the working
/// set by more than ``headroom``. Classes that every step uses are never stale, so steady steps allocate nothing,
/// while the blocks of sizes a step no longer uses (batches padded to other lengths) go.
public final class BufferPool: @unchecked Sendable {
    /// The process-wide pool.
    public static let shared = BufferPool()

    /// Counters describing the pool's activity.
    public struct Statistics: Sendable, Equatable {
        /// Blocks obtained from the system allocator.
        public var freshAllocations: Int
        /// Requests served from the pool.
        public var reuses: Int
        /// Bytes currently held idle in the pool.
        public var pooledBytes: Int
        /// Idle blocks given back to the system to stay within the budget.
        public var evictions: Int = 0
        /// The most bytes in use by tensors at once so far.
        public var peakLiveBytes: Int = 0
    }

    private struct Bucket {
        var blocks: [UnsafeMutableRawPointer] = []
        var lastUse = 0
    }

    private let lock = NSLock()
    private let live = Atomic<Int>(0)
    private var free: [Int: Bucket] = [:]
    private var clock = 0
    private var stats = Statistics(freshAllocations: 0, reuses: 0, pooledBytes: 0)
    /// The most memory the pool keeps idle, whatever the budget.
    public var maxPooledBytes = 2 << 30
    /// In use plus idle may always reach this much, however small the working set.
    public var minimumBudget = 64 << 20
    /// A size class not used for this many allocations and releases counts as stale: its idle
    /// blocks are freed first. A training step of a BERT-sized model makes a few thousand, so
    /// classes used in every step never go stale.
    public var staleAfter = 4_000
    /// In use plus idle never passes the working set times this. Blocks of different classes peak
    /// at different moments of a step (activations in the forward pass, gradients in the
    /// backward), so a steady step needs some room above the largest amount in use at once:
    /// with 1.25 the BERT-tiny and MiniLM-L6 CmpDrop(2) steps of `scripts/bench train` allocate
    /// nothing after their first step (with 1.0 the BERT-tiny step allocated 167 blocks each time).
    public var headroom = 1.25

    public init() {}

    /// A snapshot of the pool's counters.
    public var statistics: Statistics { lock.lock(); defer { lock.unlock() }; return stats }

    /// Bytes of the blocks currently in use by tensors (read without locking).
    public var liveBytes: Int { live.load(ordering: .relaxed) }

    /// Releases all idle blocks to the system.
    public func drain() {
        lock.lock(); defer { lock.unlock() }
        for (_, bucket) in free { for p in bucket.blocks { Foundation.free(p) } }
        free.removeAll()
        stats.pooledBytes = 0
    }

    /// The size class of a request: multiples of 64 bytes up to 4 KiB, then whole pages, and
    /// above 32 KiB eight classes per power of two, so a class is less than 1/8 larger than any
    /// request it serves.
    static func bucket(_ bytes: Int) -> Int {
        let n = max(bytes, 64)
        if n <= 4096 { return (n + 63) & ~63 }
        let top = Int.bitWidth - 1 - (n - 1).leadingZeroBitCount  // 2^top < n <= 2^(top+1)
        let step = max(4096, 1 << (top - 3))
        return (n + step - 1) / step * step
    }

    func allocate(byteCount: Int) -> UnsafeMutableRawPointer {
        let size = BufferPool.bucket(byteCount)
        lock.lock()
        // In-use bytes change only under the lock, with the idle bytes, so a budget never misses
        // a block that another thread is between releasing and pooling.
        let nowLive = live.add(size, ordering: .relaxed).newValue
        clock += 1
        stats.peakLiveBytes = max(stats.peakLiveBytes, nowLive)
        if let p = free[size]?.blocks.popLast() {
            if free[size]?.blocks.isEmpty == true { free[size] = nil } else { free[size]?.lastUse = clock }
            stats.pooledBytes -= size
            stats.reuses += 1
            lock.unlock()
            return p
        }
        stats.freshAllocations += 1
        // Idle blocks of classes unused for a while go first, down to the working set; then, only
        // if in use plus idle would pass the working set and its headroom, the least recently
        // used of any.
        let budget = max(stats.peakLiveBytes, minimumBudget)
        let victims = evict(toFit: budget - nowLive, unusedSince: clock - staleAfter)
            + evict(toFit: Int(headroom * Double(budget)) - nowLive, unusedSince: clock)
        lock.unlock()
        for p in victims { Foundation.free(p) }
        var p: UnsafeMutableRawPointer?
        if posix_memalign(&p, 64, size) != 0 || p == nil {
            // Sizes are capped before reaching here; failure means the system is out of memory.
            return UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64)
        }
        return p.unsafelyUnwrapped
    }

    /// Takes idle blocks out of the pool, least recently used classes first, until at most
    /// `idleBudget` bytes stay idle, taking only classes last used before `unusedSince`; returns
    /// them to be freed outside the lock.
    private func evict(toFit idleBudget: Int, unusedSince: Int) -> [UnsafeMutableRawPointer] {
        var victims: [UnsafeMutableRawPointer] = []
        while stats.pooledBytes > max(0, idleBudget) {
            guard let (size, bucket) = free.min(by: { $0.value.lastUse < $1.value.lastUse }),
                  bucket.lastUse < unusedSince else { break }
            var blocks = bucket.blocks
            while stats.pooledBytes > max(0, idleBudget), let p = blocks.popLast() {
                stats.pooledBytes -= size
                stats.evictions += 1
                victims.append(p)
            }
            free[size] = blocks.isEmpty ? nil : Bucket(blocks: blocks, lastUse: bucket.lastUse)
        }
        return victims
    }

    func release(_ p: UnsafeMutableRawPointer, byteCount: Int) {
        let size = BufferPool.bucket(byteCount)
        lock.lock()
        live.subtract(size, ordering: .relaxed)
        if stats.pooledBytes + size <= maxPooledBytes {
            clock += 1
            free[size, default: Bucket()].blocks.append(p)
            free[size]?.lastUse = clock
            stats.pooledBytes += size
            lock.unlock()
            return
        }
        lock.unlock()
        Foundation.free(p)
    }
}
