/// The shape of a training run: batches per epoch, epochs and total steps, from the options'
/// `epochs` and `steps`. `Trainer.fit` runs it and the PyTorch export writes it, so both
/// count the same steps.
///
/// ```swift
/// let plan = TrainingPlan(batchesPerEpoch: 10, epochs: 3, steps: 25)
/// plan.totalSteps   // 25: steps cap epochs × batches
/// plan.epochs       // 3
/// ```
public struct TrainingPlan: Sendable, Equatable {
    /// Batches in one epoch.
    public let batchesPerEpoch: Int
    /// Epochs begun.
    public let epochs: Int
    /// Optimizer steps in all.
    public let totalSteps: Int

    /// The plan of `epochs` (default 1 when `steps` is nil) capped by `steps`; with `steps` alone,
    /// as many epochs as the steps need.
    public init(batchesPerEpoch: Int, epochs: Int?, steps: Int?) {
        self.batchesPerEpoch = batchesPerEpoch
        if let s = steps {
            totalSteps = epochs.map { Swift.min(s, $0 * batchesPerEpoch) } ?? s
            self.epochs = batchesPerEpoch > 0 ? (totalSteps + batchesPerEpoch - 1) / batchesPerEpoch : 0
        } else {
            self.epochs = epochs ?? 1
            totalSteps = self.epochs * batchesPerEpoch
        }
    }

    /// The batch count of `examples` in batches of `batchSize` (the last one may be smaller).
    public static func batches(examples: Int, batchSize: Int) -> Int { (examples + batchSize - 1) / batchSize }
}
