import Foundation
import Testing
@testable import CMCLTensor

/// The engine's worker pool runs every index exactly once, however it is called.
@Suite struct WorkerPoolTests {
    final class Counts: @unchecked Sendable {
        private var cells: [Int]
        private let lock = NSLock()
        init(_ n: Int) { cells = [Int](repeating: 0, count: n) }
        func hit(_ i: Int) { lock.lock(); cells[i] += 1; lock.unlock() }
        var all: [Int] { lock.lock(); defer { lock.unlock() }; return cells }
    }

    @Test func everyIndexRunsOnce() {
        let pool = WorkerPool(threads: 3)
        defer { pool.stop() }
        for n in [0, 1, 2, 3, 7, 64, 1000] {
            let counts = Counts(n)
            pool.run(n) { counts.hit($0) }
            #expect(counts.all == [Int](repeating: 1, count: n), "n = \(n)")
        }
    }

    @Test func workersThatFellAsleepWakeForTheNextCall() {
        let pool = WorkerPool(threads: 2)
        defer { pool.stop() }
        for round in 0..<5 {
            Thread.sleep(forTimeInterval: Double(WorkerPool.spinWindow) / 1e9 * 3)   // past the spin window
            let counts = Counts(16)
            pool.run(16) { i in
                counts.hit(i)
                usleep(200)
            }
            #expect(counts.all == [Int](repeating: 1, count: 16), "round \(round)")
        }
    }

    @Test func nestedCallsRunInline() {
        let pool = WorkerPool(threads: 2)
        defer { pool.stop() }
        let counts = Counts(8 * 5)
        pool.run(8) { outer in
            pool.run(5) { inner in counts.hit(outer * 5 + inner) }
        }
        #expect(counts.all == [Int](repeating: 1, count: 40))
    }

    @Test func concurrentCallersEachGetTheirIndicesOnce() {
        let pool = WorkerPool(threads: 2)
        defer { pool.stop() }
        let callers = 6, n = 300
        let counts = Counts(callers * n)
        DispatchQueue.concurrentPerform(iterations: callers) { c in
            for _ in 0..<20 {
                let local = Counts(n)
                pool.run(n) { local.hit($0) }
                if local.all == [Int](repeating: 1, count: n) { counts.hit(c * n) }
            }
        }
        for c in 0..<callers { #expect(counts.all[c * n] == 20, "caller \(c)") }
    }

    @Test func parallelKernelsMatchOneThread() throws {
        // Element-wise results do not depend on how the pool split them: a sum over 2^20 elements
        // and exp over an uneven size equal their serial evaluation.
        let x = try Tensor.randn([(1 << 20) + 13], generator: Generator(seed: 4))
        let serial = x.toArray().map { Foundation.exp($0) }
        let parallel = try x.exp().toArray()
        let worst = zip(serial, parallel).map { abs($0 - $1) / max(1e-30, abs($0)) }.max() ?? 0
        #expect(worst < 1e-6)
    }
}
