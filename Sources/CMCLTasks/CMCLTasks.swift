/// CMCLTasks: what needs the data and the models together, between the engine targets and the
/// runtime. It turns datasets of every task family into padded ``CMCLNN/Batch``es through one
/// protocol (``BatchPipeline``), decodes extractive answers and scores them, and plans training
/// runs. It imports CMCLData, CMCLNN and CMCLCompare, never the language, and never prints.
///
/// ```swift
/// let pipeline = try TextExample.pipeline(sst2, PipelineOptions(tokenizer: tok, maxLength: 64))
/// let source = BatchSource(pipeline, batchSize: 32, seed: 1)   // one seeded order per epoch
/// let history = try Trainer(model: net, optimizer: AdamW(learningRate: 1e-3)).fit(data: source)
/// ```
public enum CMCLTasksModule {
    /// The module name.
    public static let name = "CMCLTasks"
}
