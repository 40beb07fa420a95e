// Benchmarks; the scripts under scripts/ run these next to the same workloads in numpy and PyTorch.
// `CMCLBench` (kernels), `CMCLBench train WORKLOAD MODE STEPS [PRECISION]` (training steps) or
// `CMCLBench peak` (the float32 and bfloat16 peaks on all cores, and per core of CPU time, for the roofline of a step).
// Prints one line per workload: `name value unit`.
import CMCLPeak
import CMCLTensor
import Foundation

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let t0 = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
}

/// Median time of `reps` runs after one warm-up.
func median(reps: Int, _ body: () throws -> Void) rethrows -> Double {
    try body()
    var times: [Double] = []
    for _ in 0..<reps { times.append(try seconds(body)) }
    return times.sorted()[times.count / 2]
}

let benchArguments = Array(CommandLine.arguments.dropFirst())
do {
    if benchArguments.first == "peak" {
        var width: Int32 = 0
        let cores = Int32(Tensor.workerThreads)
        print("fma_peak \(cmcl_fma_peak_gflops(cores, 0.5, &width)) GFLOP/s")
        print("bf16_peak \(cmcl_bf16_dot_peak_gflops(cores, 0.5)) GFLOP/s")
        // One core per second of its own CPU time (unaffected by sharing the cores), for the
        // roofline of a step's CPU time.
        print("fma_core_cpu_peak \(cmcl_core_peak_gflops(0, 0.3)) GFLOP/s")
        print("bf16_core_cpu_peak \(cmcl_core_peak_gflops(1, 0.3)) GFLOP/s")
    } else if benchArguments.first == "train" {
        try runTrainBench(Array(benchArguments.dropFirst()))
    } else {
        try runKernelBench()
    }
} catch {
    FileHandle.standardError.write(Data("bench: \(error)\n".utf8))
    exit(1)
}
