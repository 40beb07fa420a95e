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
/// Freed blocks are kept per exact (rounded) size, up to a total cap, and handed out again to the
/// next request of that size, so a training loop of identical steps allocates nothing after its
/// first step.
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
    }

    private let lock = NSLock()
    private let live = Atomic<Int>(0)
    private var free: [Int: [UnsafeMutableRawPointer]] = [:]
    private var stats = Statistics(freshAllocations: 0, reuses: 0, pooledBytes: 0)
    /// The most memory the pool keeps idle.
    public var maxPooledBytes = 2 << 30

    /// A snapshot of the pool's counters.
    public var statistics: Statistics { lock.lock(); defer { lock.unlock() }; return stats }

    /// Bytes of the blocks currently in use by tensors (read without locking).
    public var liveBytes: Int { live.load(ordering: .relaxed) }

    /// Releases all idle blocks to the system.
    public func drain() {
        lock.lock(); defer { lock.unlock() }
        for (_, list) in free { for p in list { Foundation.free(p) } }
        free.removeAll()
        stats.pooledBytes = 0
    }

    static func bucket(_ bytes: Int) -> Int {
        let n = max(bytes, 64)
        if n <= 4096 { return (n + 63) & ~63 }
        return (n + 4095) & ~4095
    }

    func allocate(byteCount: Int) -> UnsafeMutableRawPointer {
        let size = BufferPool.bucket(byteCount)
        live.add(size, ordering: .relaxed)
        lock.lock()
        if var list = free[size], let p = list.popLast() {
            free[size] = list
            stats.pooledBytes -= size
            stats.reuses += 1
            lock.unlock()
            return p
        }
        stats.freshAllocations += 1
        lock.unlock()
        var p: UnsafeMutableRawPointer?
        if posix_memalign(&p, 64, size) != 0 || p == nil {
            // Sizes are capped before reaching here; failure means the system is out of memory.
            return UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64)
        }
        return p.unsafelyUnwrapped
    }

    func release(_ p: UnsafeMutableRawPointer, byteCount: Int) {
        let size = BufferPool.bucket(byteCount)
        live.subtract(size, ordering: .relaxed)
        lock.lock()
        if stats.pooledBytes + size <= maxPooledBytes {
            free[size, default: []].append(p)
            stats.pooledBytes += size
            lock.unlock()
            return
        }
        lock.unlock()
        Foundation.free(p)
    }
}
