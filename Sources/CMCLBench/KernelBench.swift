// Tensor-kernel benchmarks; scripts/bench-tensor runs this next to the same workloads in numpy.
import CMCLPeak
import CMCLTensor
import Foundation

func runKernelBench() throws {
    print("# OpenBLAS kernels: \(Tensor.blasKernelName)")
    var width: Int32 = 0
    let cores = Int32(Tensor.workerThreads)
    let peak = cmcl_fma_peak_gflops(cores, 0.3, &width)
    print("fma_peak \(peak) GFLOP/s")
    let g = Generator(seed: 1)
    for n in [128, 256, 512, 1024] {
        let a = try Tensor.randn([n, n], generator: g), b = try Tensor.randn([n, n], generator: g)
        let reps = n <= 256 ? 200 : (n == 512 ? 40 : 10)
        let t = try median(reps: reps) { _ = try a.matmul(b) }
        print("matmul\(n) \(2 * Double(n * n * n) / t / 1e9) GFLOP/s")
    }
    if Precision.bf16Supported {
        print("bf16_peak \(cmcl_bf16_dot_peak_gflops(cores, 0.3)) GFLOP/s")
        for shape in ProductShape.bf16Shapes {
            for precision in [Precision.bf16, .fp32] {
                print("\(precision)_\(shape.name) \(try shape.gflops(precision, generator: g)) GFLOP/s")
            }
        }
    }
    let count = 16 << 20
    let mb = Double(count * 4)
    let x = try Tensor.randn([count], generator: g)
    let aa = try Tensor.randn([count], generator: g), bb = try Tensor.randn([count], generator: g)
    var t = try median(reps: 10) { _ = try x.relu() }
    print("relu \(2 * mb / t / 1e9) GB/s")
    t = try median(reps: 10) { _ = try aa.mul(x).add(bb) }
    print("axpb \(5 * mb / t / 1e9) GB/s")   // two passes: read 2 write 1, read 2 write 1 (counted as numpy does the same)
    let rows = 32768, cols = 512
    let xs = try Tensor.randn([rows, cols], generator: g).requiringGrad()
    let gs = try Tensor.randn([rows, cols], generator: g)
    let xd = xs.detach()
    t = try median(reps: 5) { _ = try xd.softmax(axis: -1) }
    print("softmax_f_only \(2 * mb / t / 1e9) GB/s")
    t = try median(reps: 5) { _ = try xd.exp() }
    print("exp_only \(2 * mb / t / 1e9) GB/s")
    t = try median(reps: 5) {
        xs.zeroGrad()
        let y = try xs.softmax(axis: -1)
        try y.backward(grad: gs)
    }
    print("softmax_fb \(5 * mb / t / 1e9) GB/s")
    let w = try Tensor.ones([cols]).requiringGrad(), bias = try Tensor.zeros([cols]).requiringGrad()
    func lnStep() throws {
        xs.zeroGrad(); w.zeroGrad(); bias.zeroGrad()
        let y = try xs.layerNorm(weight: w, bias: bias, eps: 1e-5)
        try y.backward(grad: gs)
    }
    try lnStep()
    let before = BufferPool.shared.statistics.freshAllocations
    t = try median(reps: 5) { try lnStep() }
    let fresh = BufferPool.shared.statistics.freshAllocations - before
    print("layernorm_fb \(5 * mb / t / 1e9) GB/s")
    // Fresh system allocations over 6 more identical steps after the first (buffer reuse => 0).
    print("fresh_allocs_in_steps_2_to_7 \(fresh) count")
}

