// Training-step benchmark; scripts/bench-train runs it next to scripts/bench_train/reference.py
// (the same step in PyTorch) and prints the ratios.
import CMCLCompare
import CMCLNN
import CMCLTensor
import Foundation

/// A model shape and batch of the benchmark.
struct TrainWorkload {
    let name: String
    let config: BertConfig
    let batch: Int
    let length: Int

    static let all: [TrainWorkload] = [
        TrainWorkload(name: "bert-tiny", config: BertConfig(vocabularySize: 30522, hiddenSize: 128, layers: 2, heads: 2, intermediateSize: 512),
                      batch: 32, length: 128),
        TrainWorkload(name: "minilm-l6", config: BertConfig(vocabularySize: 30522, hiddenSize: 384, layers: 6, heads: 12, intermediateSize: 1536),
                      batch: 16, length: 64),
    ]
}

/// `train WORKLOAD MODE STEPS [PRECISION] [BATCHxLENGTH]`: runs STEPS + 1 training steps (AdamW,
/// clipping at 1, one fixed random batch) and prints the median seconds per step after the first
/// (wall clock and CPU time of all threads), the last step's loss (printed in full, so equal
/// figures are equal bits), and the peak resident memory of the process. MODE `plain`, `cmpdrop2`
/// (one pass per variant) or `cmpdrop2-batched` (the variants stacked along the batch in one pass).
/// PRECISION `fp32` (default) or `bf16` (the matrix products, forward and backward). BATCHxLENGTH
/// (e.g. `8x64`) replaces the workload's batch shape (the scaling table of scripts/bench-train).
func runTrainBench(_ args: [String]) throws {
    let usageError = BenchError.usage("CMCLBench train (bert-tiny|minilm-l6) (plain|cmpdrop2|cmpdrop2-batched) STEPS [fp32|bf16] [BATCHxLENGTH]")
    guard (3...5).contains(args.count), var workload = TrainWorkload.all.first(where: { $0.name == args[0] }),
          ["plain", "cmpdrop2", "cmpdrop2-batched"].contains(args[1]), let steps = Int(args[2]), steps > 0,
          let precision = args.count >= 4 ? Precision(rawValue: args[3]) : .fp32 else {
        throw usageError
    }
    if args.count == 5 {
        let parts = args[4].split(separator: "x").compactMap { Int($0) }
        guard parts.count == 2, parts[0] > 0, parts[1] > 1, parts[1] <= workload.config.maxPositions else { throw usageError }
        workload = TrainWorkload(name: workload.name, config: workload.config, batch: parts[0], length: parts[1])
    }
    let g = Generator(seed: 1)
    let net = try Transformer(config: workload.config, head: .classification(classes: 2), generator: g)
    let b = workload.batch, t = workload.length
    let ids = try Tensor.randint([b, t], low: 1, high: workload.config.vocabularySize, generator: g)
    let labels = try Tensor.randint([b], low: 0, high: 2, generator: g)
    let batch = try Batch(ids: ids, attentionMask: Tensor.ones([b, t], dtype: .int32), labels: labels)
    var objective = try ComparativeObjective(ablations: [.drop(CmpDrop(steps: 2))])
    // cmpdrop2: one pass per variant (the default); cmpdrop2-batched: the variants stacked in one pass.
    objective.variantExecution = args[1] == "cmpdrop2-batched" ? .batched : .sequential
    let loss: LossFunction = args[1] == "plain" ? TaskLoss.standard() : objective.lossFunction
    var stamps = [UInt64](), cpu = [Double](), faults = [Int](), fresh = [Int]()
    func record() {
        var u = rusage()
        getrusage(RUSAGE_SELF.rawValue, &u)
        stamps.append(DispatchTime.now().uptimeNanoseconds)
        cpu.append(Double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + Double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6)
        faults.append(u.ru_minflt)
        fresh.append(BufferPool.shared.statistics.freshAllocations)
    }
    let source = BatchSource(Array(repeating: batch, count: steps + 1), shuffle: false)
    record()
    let history = try fit(net, data: source, loss: loss, optimizer: AdamW(learningRate: 1e-4), steps: steps + 1, seed: 1,
                precision: precision, progress: { p in
        if !p.isEvaluation { record() }
    })
    let times = zip(stamps.dropFirst(2), stamps.dropFirst()).map { Double($0 - $1) / 1e9 }.sorted()
    let cpuTimes = zip(cpu.dropFirst(2), cpu.dropFirst()).map { $0 - $1 }.sorted()
    print("step \(times[times.count / 2]) s")
    print("cpu \(cpuTimes[cpuTimes.count / 2]) s")
    print("threads \(Tensor.workerThreads) count")
    print("final_loss \(history.losses.last ?? .nan) loss")
    // Steady state: page faults and fresh buffers over the steps after the second.
    let later = Swift.max(0, stamps.count - 3)
    print("minor_faults_per_step \(later > 0 ? (faults[faults.count - 1] - faults[2]) / later : 0) count")
    print("fresh_buffers_per_step \(later > 0 ? (fresh[fresh.count - 1] - fresh[2]) / later : 0) count")
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    print("peak_rss \(Double(usage.ru_maxrss) / 1024) MB")
}

enum BenchError: Error, CustomStringConvertible {
    case usage(String)
    var description: String {
        switch self { case let .usage(u): return "usage: \(u)" }
    }
}
