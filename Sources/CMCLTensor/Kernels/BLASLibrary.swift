import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// OpenBLAS, opened at the first matrix product rather than linked.
///
/// OpenBLAS chooses its kernels and starts its threads in a load-time constructor, from the
/// environment it sees then. Opening it at first use lets cmcl configure it first:
///
/// - `OPENBLAS_CORETYPE=SKYLAKEX` when the CPU has AVX-512 (F, CD, BW, DQ, VL). OpenBLAS 0.3.21
///   classifies AMD Zen 4 as Zen and runs its AVX2 (Haswell) kernels there, at half the speed of
///   its AVX-512 ones on the same CPU.
/// - `OPENBLAS_NUM_THREADS=1`: OpenBLAS never starts worker threads (whose idle loop spins on
///   `sched_yield`); cmcl splits large products across its own workers instead (``GEMMPlan``).
///
/// Either variable set by the user is left as it is. A process that starts without any matrix
/// product never loads the library.
struct BLASLibrary: @unchecked Sendable {
    typealias Sgemm = @convention(c) (Int32, Int32, Int32, Int32, Int32, Int32, Float, UnsafePointer<Float>?, Int32,
                                      UnsafePointer<Float>?, Int32, Float, UnsafeMutablePointer<Float>?, Int32) -> Void
    typealias Dgemm = @convention(c) (Int32, Int32, Int32, Int32, Int32, Int32, Double, UnsafePointer<Double>?, Int32,
                                      UnsafePointer<Double>?, Int32, Double, UnsafeMutablePointer<Double>?, Int32) -> Void
    typealias CoreName = @convention(c) () -> UnsafeMutablePointer<CChar>?

    /// `CblasRowMajor`, `CblasNoTrans`, `CblasTrans` (cblas.h).
    static let rowMajor: Int32 = 101, noTrans: Int32 = 111, trans: Int32 = 112

    let sgemm: Sgemm
    let dgemm: Dgemm
    let coreName: CoreName?
    /// Whether OpenBLAS runs single-threaded, so that cmcl may call it from several threads at once.
    let singleThreaded: Bool

    /// The library, or nil when it cannot be opened (``loadError`` says why).
    static let shared: BLASLibrary? = load()
    nonisolated(unsafe) private(set) static var loadError = ""

    /// The core type OpenBLAS selected (e.g. `SkylakeX`, `Haswell`), for reports.
    static var kernelName: String {
        guard let f = shared?.coreName, let p = f() else { return "unknown" }
        return String(cString: p)
    }

    /// Whether the CPU and OS support the AVX-512 subsets OpenBLAS's SkylakeX kernels use
    /// (the kernel lists a flag only when it saves that register state).
    static func cpuHasAVX512() -> Bool {
        #if os(Linux) && arch(x86_64)
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return false }
        let flags = Set(line.split(separator: " ").map(String.init))
        return ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"].allSatisfy(flags.contains)
        #else
        return false
        #endif
    }

    private static func load() -> BLASLibrary? {
        if getenv("OPENBLAS_CORETYPE") == nil && cpuHasAVX512() {
            setenv("OPENBLAS_CORETYPE", "SKYLAKEX", 0)
        }
        if getenv("OPENBLAS_NUM_THREADS") == nil && getenv("OMP_NUM_THREADS") == nil {
            setenv("OPENBLAS_NUM_THREADS", "1", 0)
        }
        let single = (getenv("OPENBLAS_NUM_THREADS").map { String(cString: $0) } ?? getenv("OMP_NUM_THREADS").map { String(cString: $0) }) == "1"
        #if os(macOS)
        let names = ["libopenblas.dylib", "/opt/homebrew/opt/openblas/lib/libopenblas.dylib", "/usr/local/opt/openblas/lib/libopenblas.dylib"]
        #else
        let names = ["libopenblas.so.0", "libopenblas.so"]
        #endif
        var reasons: [String] = []
        for name in names {
            guard let handle = dlopen(name, RTLD_NOW | RTLD_LOCAL) else {
                reasons.append(dlerror().map { String(cString: $0) } ?? name)
                continue
            }
            guard let s = dlsym(handle, "cblas_sgemm"), let d = dlsym(handle, "cblas_dgemm") else {
                reasons.append("\(name) has no cblas_sgemm/cblas_dgemm")
                continue
            }
            return BLASLibrary(sgemm: unsafeBitCast(s, to: Sgemm.self), dgemm: unsafeBitCast(d, to: Dgemm.self),
                               coreName: dlsym(handle, "openblas_get_corename").map { unsafeBitCast($0, to: CoreName.self) },
                               singleThreaded: single)
        }
        loadError = "OpenBLAS could not be loaded (" + reasons.joined(separator: "; ") + "); install libopenblas0"
        return nil
    }
}

extension Tensor {
    /// The OpenBLAS core type running matrix products (e.g. `SkylakeX`), for benchmark reports;
    /// loads the library.
    public static var blasKernelName: String { BLASLibrary.kernelName }

    /// How many threads the engine's kernels and products use (the cores in the process's CPU
    /// affinity), for benchmark reports.
    public static var workerThreads: Int { workerCount }
}
