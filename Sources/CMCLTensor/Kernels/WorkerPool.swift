import Foundation
import Synchronization

/// The engine's worker threads: `run(_:_:)` calls a body for indices `0..<n`, spread over the
/// calling thread and `workerCount − 1` persistent workers, and returns when every index is done
/// (what `DispatchQueue.concurrentPerform` does).
///
/// A training step runs thousands of such calls of 5–500 µs each, a few microseconds apart.
/// Dispatch's workers fall asleep between them, and waking one costs about 40 µs on Linux — more
/// than many of the calls themselves, so two-way work often took longer than one thread alone.
/// These workers instead spin for a short while (``spinWindow``) after their last job, so a
/// call that follows soon starts on every core at once, and then sleep, so an idle session (or a
/// busy machine) loses at most one window of CPU per worker after each burst of work.
///
/// Indices are taken dynamically, so a worker that is late (asleep, or preempted by another
/// process) simply takes fewer. A call made while another call is in progress — from a worker
/// (nested) or from another thread — runs its indices on the calling thread, in order; callers
/// cut their work by its shape alone, so results never depend on which thread ran an index.
final class WorkerPool: @unchecked Sendable {
    /// The process's pool, with one thread per active core (the caller counts as one).
    static let shared = WorkerPool(threads: workerCount)

    /// How long an idle worker spins for the next job before it sleeps: 200 µs, or
    /// `CMCL_SPIN_US` microseconds (0: sleep at once, as Dispatch's workers do).
    static let spinWindow: UInt64 = {
        if let v = ProcessInfo.processInfo.environment["CMCL_SPIN_US"], let us = UInt64(v) { return us * 1000 }
        return 200_000
    }()


    /// One call's indices and body.
    private final class Job: @unchecked Sendable {
        let count: Int
        let body: UnsafeMutablePointer<(Int) -> Void>
        let next = Atomic<Int>(0)
        let done = Atomic<Int>(0)
        init(count: Int, body: UnsafeMutablePointer<(Int) -> Void>) {
            self.count = count
            self.body = body
        }

        /// Takes and runs indices until none is left.
        func work() {
            while true {
                let i = next.add(1, ordering: .relaxed).oldValue
                if i >= count { return }
                body.pointee(i)
                done.add(1, ordering: .releasing)
            }
        }
    }

    private let busy = Atomic<Bool>(false)
    private let stopping = Atomic<Bool>(false)
    private let generation = Atomic<Int>(0)
    private let sleepers = Atomic<Int>(0)
    private let current = Mutex<Job?>(nil)
    private let wake = NSCondition()
    /// Worker threads (not counting callers).
    let workers: Int

    init(threads: Int) {
        workers = max(0, threads - 1)
        for k in 0..<workers {
            let t = Thread { self.loop() }
            t.name = "cmcl-worker-\(k + 1)"
            t.stackSize = 1 << 20
            t.start()
        }
    }

    /// Calls `body(i)` for every `i` in `0..<count` and returns when all have returned.
    func run(_ count: Int, _ body: (Int) -> Void) {
        if count <= 0 { return }
        if count == 1 || workers == 0 || !busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged {
            for i in 0..<count { body(i) }
            return
        }
        withoutActuallyEscaping(body) { body in
            let slot = UnsafeMutablePointer<(Int) -> Void>.allocate(capacity: 1)
            slot.initialize(to: body)
            let job = Job(count: count, body: slot)
            current.withLock { $0 = job }
            generation.add(1, ordering: .sequentiallyConsistent)
            if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                wake.lock()
                wake.broadcast()
                wake.unlock()
            }
            job.work()
            // Every index was taken; wait for the ones workers are still running (yielding the core
            // after a while, in case the worker that holds the last index was preempted).
            var spins = 0
            while job.done.load(ordering: .acquiring) < count {
                spins &+= 1
                if spins > 4096 { sched_yield() }
            }
            current.withLock { $0 = nil }
            slot.deinitialize(count: 1)
            slot.deallocate()
        }
        busy.store(false, ordering: .releasing)
    }

    /// Ends the worker threads once they finish what they run (the shared pool never stops;
    /// pools made for a test do).
    func stop() {
        stopping.store(true, ordering: .sequentiallyConsistent)
        generation.add(1, ordering: .sequentiallyConsistent)
        wake.lock()
        wake.broadcast()
        wake.unlock()
    }

    /// A worker: spin for a new job, sleep when none comes within the window.
    private func loop() {
        var seen = generation.load(ordering: .acquiring)
        while !stopping.load(ordering: .acquiring) {
            var g = generation.load(ordering: .acquiring)
            if g == seen {
                let start = DispatchTime.now().uptimeNanoseconds
                var spins = 0
                while g == seen {
                    spins &+= 1
                    if spins & 255 == 0 && DispatchTime.now().uptimeNanoseconds &- start > WorkerPool.spinWindow {
                        wake.lock()
                        sleepers.add(1, ordering: .sequentiallyConsistent)
                        while generation.load(ordering: .sequentiallyConsistent) == seen { wake.wait() }
                        sleepers.subtract(1, ordering: .sequentiallyConsistent)
                        wake.unlock()
                    }
                    g = generation.load(ordering: .acquiring)
                }
            }
            seen = g
            if let job = current.withLock({ $0 }) { job.work() }
        }
    }
}
