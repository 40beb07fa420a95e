import CMCLData
import CMCLNN

/// A dataset made ready to batch: tokenized once, then padded batches of any size in any seeded
/// order. Every task family (text classification and regression, pairs, SQuAD windows,
/// HotpotQA paragraphs, multi-paragraph QA features) has one; the trainer reads batches from it
/// through ``CMCLNN/BatchSource/init(_:batchSize:seed:)``.
///
/// ```swift
/// let pipeline = try EncodedExample.pipeline(encoded, PipelineOptions(tokenizer: tok))
/// let epoch0 = try pipeline.batches(size: 32, shuffleSeed: 1)
/// let dev = try pipeline.batches(size: 64, shuffleSeed: nil)      // in order
/// ```
public protocol BatchPipeline: Sendable {
    /// The number of examples (rows) per pass.
    var count: Int { get }
    /// The batches of `size` rows, shuffled with `shuffleSeed` (in order when nil).
    func batches(size: Int, shuffleSeed: UInt64?) throws -> [Batch]
    /// The tokenized examples and their padding id, when the pipeline batches plain encodings
    /// (the PyTorch export writes them); nil for QA layouts.
    var encoded: (examples: Dataset<EncodedExample>, padID: Int32)? { get }
    /// The special ids every batch is marked with (empty unless ``MarkedPipeline``).
    var specialTokenIDs: Set<Int32> { get }
    /// The pipeline whose answers decode to text (SQuAD windows, HotpotQA paragraphs); nil for
    /// data scored on labels.
    var answerText: (any AnswerTextPipeline)? { get }
}

extension BatchPipeline {
    public var encoded: (examples: Dataset<EncodedExample>, padID: Int32)? { nil }
    public var specialTokenIDs: Set<Int32> { [] }
    public var answerText: (any AnswerTextPipeline)? { nil }
}

/// What making a pipeline may need besides the examples.
public struct PipelineOptions: @unchecked Sendable {
    /// The tokenizer for raw text, and whose special ids crops never remove.
    public var tokenizer: (any TextTokenizer)?
    /// The padding id of examples that are already encoded (their tokenizer's, default 0).
    public var padID: Int32
    /// Truncation of raw text.
    public var maxLength: Int
    /// Data that re-encodes its crops (HotpotQA) makes this many crop levels per batch.
    public var cropSteps: Int

    /// Options; `padID` defaults to the tokenizer's.
    public init(tokenizer: (any TextTokenizer)? = nil, padID: Int32? = nil, maxLength: Int = 128, cropSteps: Int = 0) {
        self.tokenizer = tokenizer
        self.padID = padID ?? tokenizer?.padID ?? 0
        self.maxLength = maxLength
        self.cropSteps = cropSteps
    }
}

/// A pipeline whose batches carry the special token ids of the tokenizer that made them (token
/// crops never remove them), at every crop level.
public struct MarkedPipeline: BatchPipeline {
    /// The pipeline marked.
    public let base: any BatchPipeline
    /// The ids marked.
    public let specialTokenIDs: Set<Int32>

    /// `base`, its batches marked with `specialTokenIDs`.
    public init(_ base: any BatchPipeline, specialTokenIDs: Set<Int32>) {
        self.base = base
        self.specialTokenIDs = specialTokenIDs
    }

    public var count: Int { base.count }
    public var encoded: (examples: Dataset<EncodedExample>, padID: Int32)? { base.encoded }
    public var answerText: (any AnswerTextPipeline)? { base.answerText }

    public func batches(size: Int, shuffleSeed: UInt64?) throws -> [Batch] {
        try base.batches(size: size, shuffleSeed: shuffleSeed).map { b in
            var marked = b
            marked.specialTokenIDs = specialTokenIDs
            marked.cropLevels = marked.cropLevels.map { var l = $0; l.specialTokenIDs = specialTokenIDs; return l }
            return marked
        }
    }
}

extension BatchSource {
    /// The shuffle seed of an epoch's batches in a run seeded with `seed` (training and the
    /// PyTorch export draw the same orders).
    public static func epochSeed(_ seed: UInt64, _ epoch: Int) -> UInt64 { seed &+ UInt64(epoch) &* 7919 &+ 1 }

    /// Batches of `batchSize` from `pipeline`, in a fresh order each epoch drawn from `seed`.
    ///
    /// ```swift
    /// let source = BatchSource(pipeline, batchSize: 32, seed: 1)
    /// ```
    public init(_ pipeline: any BatchPipeline, batchSize: Int, seed: UInt64) {
        self.init(batchesPerEpoch: TrainingPlan.batches(examples: pipeline.count, batchSize: batchSize)) { epoch, _ in
            try pipeline.batches(size: batchSize, shuffleSeed: BatchSource.epochSeed(seed, epoch))
        }
    }
}
