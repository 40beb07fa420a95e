import Foundation

/// Floating-point element types the kernels are written over (`Float` and `Double`).
/// Kernels are generic over this protocol and specialised by the optimiser for each type.
protocol FloatElement: BinaryFloatingPoint, SIMDScalar, Sendable, Codable {
    static var dtype: DType { get }
    static func exp(_ x: Self) -> Self
    static func log(_ x: Self) -> Self
    static func sqrt(_ x: Self) -> Self
    static func tanh(_ x: Self) -> Self
    static func erf(_ x: Self) -> Self
    static func pow(_ x: Self, _ y: Self) -> Self
    static func log1p(_ x: Self) -> Self
    /// `out[i] = e^(x[i] − shift)` (when `out` is given); returns the sum of those values.
    static func rowExpSum(_ x: UnsafePointer<Self>, _ out: UnsafeMutablePointer<Self>?, _ n: Int, shift: Self) -> Self
}

extension Float: FloatElement {
    static var dtype: DType { .float32 }
    @inline(__always) static func exp(_ x: Float) -> Float { Foundation.expf(x) }
    @inline(__always) static func log(_ x: Float) -> Float { Foundation.logf(x) }
    @inline(__always) static func sqrt(_ x: Float) -> Float { x.squareRoot() }
    @inline(__always) static func tanh(_ x: Float) -> Float { Foundation.tanhf(x) }
    @inline(__always) static func erf(_ x: Float) -> Float { Foundation.erff(x) }
    @inline(__always) static func pow(_ x: Float, _ y: Float) -> Float { Foundation.powf(x, y) }
    @inline(__always) static func log1p(_ x: Float) -> Float { Foundation.log1pf(x) }
}

extension Double: FloatElement {
    static var dtype: DType { .float64 }
    @inline(__always) static func exp(_ x: Double) -> Double { Foundation.exp(x) }
    @inline(__always) static func log(_ x: Double) -> Double { Foundation.log(x) }
    @inline(__always) static func sqrt(_ x: Double) -> Double { x.squareRoot() }
    @inline(__always) static func tanh(_ x: Double) -> Double { Foundation.tanh(x) }
    @inline(__always) static func erf(_ x: Double) -> Double { Foundation.erf(x) }
    @inline(__always) static func pow(_ x: Double, _ y: Double) -> Double { Foundation.pow(x, y) }
    @inline(__always) static func log1p(_ x: Double) -> Double { Foundation.log1p(x) }
}

/// A pointer that may be shared with the worker threads of `parallelFor`.
struct SendablePointer<T>: @unchecked Sendable {
    let p: UnsafeMutablePointer<T>
    init(_ p: UnsafeMutablePointer<T>) { self.p = p }
    init(_ p: UnsafePointer<T>) { self.p = UnsafeMutablePointer(mutating: p) }
}

/// Number of worker chunks used by parallel kernels: the cores this process may run on (its CPU
/// affinity, so `taskset -c 0` or a container's cpuset gives one worker per allowed core).
let workerCount = max(1, usableCoreCount())

/// The cores in the process's CPU affinity mask on Linux (the `Cpus_allowed` mask of
/// /proc/self/status; Foundation's `activeProcessorCount` counts every online core); elsewhere,
/// or if the mask cannot be read, the active processors.
func usableCoreCount() -> Int {
    #if os(Linux)
    if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
       let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed:") }) {
        // A hexadecimal mask in comma-separated groups of 32 bits, e.g. "3" or "ffffffff,ffffffff".
        let mask = line.dropFirst("Cpus_allowed:".count).filter { $0.isHexDigit }
        let allowed = mask.reduce(0) { $0 + ($1.hexDigitValue ?? 0).nonzeroBitCount }
        if allowed > 0 { return Swift.min(allowed, ProcessInfo.processInfo.activeProcessorCount) }
    }
    #endif
    return ProcessInfo.processInfo.activeProcessorCount
}

/// Element count above which elementwise kernels split work across threads.
nonisolated(unsafe) var parallelThreshold = 1 << 16

/// Runs `body` over `0..<count` split into contiguous ranges, in parallel when `count` is at least
/// `threshold`.
///
/// Every range but the last starts and ends on a multiple of `alignment`. Kernels whose result for
/// an element depends on where it falls in its range (a SIMD body with a scalar tail that rounds
/// differently, as `exp`) pass their vector width, so that the result does not depend on how
/// many cores share the work: with aligned ranges every element is computed as in one serial pass.
@inline(__always)
func parallelFor(_ count: Int, threshold: Int = parallelThreshold, alignment: Int = 1, _ body: (Range<Int>) -> Void) {
    if count < threshold || workerCount == 1 {
        if count > 0 { body(0..<count) }
        return
    }
    let chunks = workerCount
    let step = max(1, alignment)
    let per = ((count + chunks - 1) / chunks + step - 1) / step * step
    WorkerPool.shared.run(chunks) { c in
        let lo = c * per, hi = min(count, lo + per)
        if lo < hi { body(lo..<hi) }
    }
}

