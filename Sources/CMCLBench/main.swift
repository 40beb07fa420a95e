// Benchmarks; the scripts under scripts/ run these next to the same workloads in numpy and PyTorch.
// `CMCLBench` (kernels) or `CMCLBench train [ROUNDS STEPS]` (training steps).
// Prints one line per workload: `name value unit`.
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
    if benchArguments.first == "train" {
        try runTrainBench(Array(benchArguments.dropFirst()))
    } else {
        try runKernelBench()
    }
} catch {
    FileHandle.standardError.write(Data("bench: \(error)\n".utf8))
    exit(1)
}
