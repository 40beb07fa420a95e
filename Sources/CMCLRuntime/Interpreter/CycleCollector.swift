import CMCLTensor
import Foundation

/// Base class of the values that can refer to other values and so form reference cycles:
/// lists, records, closures and the cells of captured variables.
///
/// Reference counting frees everything else; a container made while an interpreter runs is
/// also tracked by that interpreter's ``CycleCollector``, which finds cycles no longer reachable
/// from outside and breaks them.
public class Container {
    fileprivate var gcNext: Unmanaged<Container>?
    fileprivate var gcPrev: Unmanaged<Container>?
    fileprivate var gcRefs = 0
    fileprivate var gcMark = CycleCollector.Mark.idle
    fileprivate let collector: CycleCollector?

    init() {
        collector = CycleCollector.current
        collector?.track(self)
    }

    deinit { collector?.untrack(self) }

    /// Gives every array of values this container owns its own buffer (so that each reference
    /// to a child is counted exactly once; copies held elsewhere then keep their children alive).
    func makeBuffersUnique() {}
    /// Calls `body` once for every reference this container holds to another container.
    func forEachChild(_ body: (Container) -> Void) {}
    /// Drops the references to other values (breaks a garbage cycle).
    func clearChildren() {}
}

/// A captured variable: the one shared place where a function and the closures made inside
/// it read and write that variable.
final class Cell: Container {
    var value: Value
    init(_ value: Value) {
        self.value = value
        super.init()
    }

    override func forEachChild(_ body: (Container) -> Void) { value.forEachContainer(body) }
    override func clearChildren() { value = .null }
}

@_silgen_name("swift_retainCount")
private func swiftRetainCount(_ object: UnsafeMutableRawPointer) -> Int

/// Finds and breaks unreachable reference cycles among the containers of one interpreter.
///
/// Every tracked container's strong reference count is compared with the number of references
/// that other tracked containers hold to it. A container referenced from anywhere else (a
/// global, the value stack, a native object, Swift code that is running) is a root; everything
/// reachable from a root is alive. The rest is only referenced from within unreachable
/// cycles: those containers drop their contents, and reference counting frees them.
///
/// A collection runs at a safe point (a call or a loop iteration) once enough containers were
/// made since the last one (at least as many as were alive after it), or once the memory held
/// by tensors has grown by 32 MB (or by half), since cycles may keep large tensors alive.
public final class CycleCollector: @unchecked Sendable {
    enum Mark: UInt8 { case idle, candidate, reachable }

    private let lock = NSLock()
    private var head: Unmanaged<Container>?
    /// Containers currently tracked.
    public private(set) var count = 0
    private var allocations = 0
    private var threshold = CycleCollector.minimumThreshold
    private var tensorBytesAfterLastCollection = 0
    /// Set when a collection is due; the interpreter collects at its next safe point.
    private(set) var isDue = false
    /// Containers freed by collections so far.
    public private(set) var collected = 0
    /// Collections run so far.
    public private(set) var collections = 0

    static let minimumThreshold = 10_000
    static let minimumTensorGrowth = 32 << 20

    public init() {}

    // MARK: The collector of the running thread

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    /// The collector of the interpreter running on this thread, which tracks new containers.
    static var current: CycleCollector? {
        guard let p = pthread_getspecific(key) else { return nil }
        return Unmanaged<CycleCollector>.fromOpaque(p).takeUnretainedValue()
    }

    /// Runs `body` with this collector tracking the containers made on this thread.
    func tracking<T>(_ body: () throws -> T) rethrows -> T {
        let previous = pthread_getspecific(CycleCollector.key)
        pthread_setspecific(CycleCollector.key, Unmanaged.passUnretained(self).toOpaque())
        defer { pthread_setspecific(CycleCollector.key, previous) }
        return try body()
    }

    // MARK: Tracking

    fileprivate func track(_ object: Container) {
        let u = Unmanaged.passUnretained(object)
        lock.lock()
        object.gcNext = head
        head?._withUnsafeGuaranteedRef { $0.gcPrev = u }
        head = u
        count += 1
        allocations += 1
        if allocations >= threshold {
            isDue = true
        } else if allocations & 15 == 0,
                  BufferPool.shared.liveBytes - tensorBytesAfterLastCollection
                    > max(CycleCollector.minimumTensorGrowth, tensorBytesAfterLastCollection / 2) {
            isDue = true
        }
        lock.unlock()
    }

    fileprivate func untrack(_ object: Container) {
        lock.lock()
        let prev = object.gcPrev, next = object.gcNext
        if let prev { prev._withUnsafeGuaranteedRef { $0.gcNext = next } } else { head = next }
        next?._withUnsafeGuaranteedRef { $0.gcPrev = prev }
        count -= 1
        lock.unlock()
    }

    // MARK: Collecting

    /// Breaks every unreachable cycle; returns how many containers it freed.
    @discardableResult
    public func collect() -> Int {
        var garbage: [Container] = []
        lock.lock()
        var nodes: [Unmanaged<Container>] = []
        nodes.reserveCapacity(count)
        var p = head
        while let u = p {
            nodes.append(u)
            p = u._withUnsafeGuaranteedRef { $0.gcNext }
        }
        // Counts are read before any traversal, and through unretained pointers, so that they
        // include only references held by the program, never by this function.
        for u in nodes { u._withUnsafeGuaranteedRef { $0.makeBuffersUnique() } }
        for u in nodes {
            let strong = swiftRetainCount(u.toOpaque())
            u._withUnsafeGuaranteedRef {
                $0.gcRefs = strong
                $0.gcMark = .candidate
            }
        }
        // Subtract the references tracked containers hold to each other.
        for u in nodes {
            u._withUnsafeGuaranteedRef { o in
                o.forEachChild { child in
                    if child.gcMark == .candidate, child.collector === self { child.gcRefs -= 1 }
                }
            }
        }
        // What is left is referenced from outside: a root. Mark everything reachable from one.
        var work: [Unmanaged<Container>] = []
        for u in nodes {
            u._withUnsafeGuaranteedRef { o in
                if o.gcRefs > 0 {
                    o.gcMark = .reachable
                    work.append(u)
                }
            }
        }
        while let u = work.popLast() {
            u._withUnsafeGuaranteedRef { o in
                o.forEachChild { child in
                    if child.gcMark == .candidate, child.collector === self {
                        child.gcMark = .reachable
                        work.append(Unmanaged.passUnretained(child))
                    }
                }
            }
        }
        for u in nodes {
            u._withUnsafeGuaranteedRef { o in
                if o.gcMark == .candidate { garbage.append(o) }
                o.gcMark = .idle
            }
        }
        collections += 1
        collected += garbage.count
        threshold = max(CycleCollector.minimumThreshold, count - garbage.count)
        allocations = 0
        isDue = false
        lock.unlock()
        // Outside the lock: clearing frees containers, whose deinit untracks them.
        for o in garbage { o.clearChildren() }
        let freed = garbage.count
        garbage.removeAll()
        tensorBytesAfterLastCollection = BufferPool.shared.liveBytes
        return freed
    }
}
