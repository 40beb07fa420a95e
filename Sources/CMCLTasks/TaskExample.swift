import CMCLData

/// What `encode` needs besides the examples and the tokenizer.
public struct EncodeOptions: Sendable {
    /// Tokens per input (SQuAD window, HotpotQA layout, truncation of text).
    public var maxLength: Int
    /// SQuAD windows overlap by this many tokens (default a third of `maxLength`, at least 1).
    public var stride: Int?
    /// Question tokens kept (SQuAD: whole when nil; HotpotQA: the reference's 128 when nil).
    public var maxQuestion: Int?
    /// Tokens kept per HotpotQA paragraph.
    public var maxParagraph: Int
    /// HotpotQA evaluation with only the first k distractor paragraphs (nil: all of them).
    public var distractors: Int?

    /// Options.
    public init(maxLength: Int = 128, stride: Int? = nil, maxQuestion: Int? = nil, maxParagraph: Int = 256, distractors: Int? = nil) {
        self.maxLength = maxLength
        self.stride = stride
        self.maxQuestion = maxQuestion
        self.maxParagraph = maxParagraph
        self.distractors = distractors
    }
}

/// An example of one task family, which knows how a dataset of it batches and tokenizes: the
/// one dispatch from a dataset to its pipeline (the runtime never asks which type it holds).
///
/// ```swift
/// let pipeline = try TextExample.pipeline(sst2, PipelineOptions(tokenizer: tok))      // tokenizes, then batches
/// let windows = try SQuADExample.encode(dev, tokenizer: tok, options: EncodeOptions(maxLength: 384))
/// ```
public protocol TaskExample: Sendable {
    /// What a dataset of these examples becomes when tokenized (`Self` when it does not tokenize).
    associatedtype Encoded: TaskExample = Self
    /// The batch pipeline of `data`; nil when the examples have no batch layout (raw SQuAD or
    /// HotpotQA questions, ranking lists: encode them first).
    static func pipeline(_ data: Dataset<Self>, _ options: PipelineOptions) throws -> (any BatchPipeline)?
    /// `data` tokenized with `tokenizer`; nil when the examples do not tokenize (already encoded,
    /// or ranking lists).
    static func encode(_ data: Dataset<Self>, tokenizer: any TextTokenizer, options: EncodeOptions) throws -> Dataset<Encoded>?
    /// The texts a word-level vocabulary is built from; nil for examples without raw text.
    static func vocabularyTexts(_ data: Dataset<Self>) -> [String]?
}

extension TaskExample {
    public static func pipeline(_ data: Dataset<Self>, _ options: PipelineOptions) throws -> (any BatchPipeline)? { nil }
    public static func encode(_ data: Dataset<Self>, tokenizer: any TextTokenizer, options: EncodeOptions) throws -> Dataset<Encoded>? { nil }
    public static func vocabularyTexts(_ data: Dataset<Self>) -> [String]? { nil }
}

extension TextExample: TaskExample {
    /// Tokenizes once with the options' tokenizer (``TaskError/needsTokenizer`` without one).
    public static func pipeline(_ data: Dataset<TextExample>, _ options: PipelineOptions) throws -> (any BatchPipeline)? {
        guard let tokenizer = options.tokenizer else { throw TaskError.needsTokenizer }
        return EncodedPipeline(examples: data.encoded(with: tokenizer, maxLength: options.maxLength), padID: tokenizer.padID)
    }

    public static func encode(_ data: Dataset<TextExample>, tokenizer: any TextTokenizer,
                              options: EncodeOptions) throws -> Dataset<EncodedExample>? {
        data.encoded(with: tokenizer, maxLength: options.maxLength)
    }

    /// Every text and pair.
    public static func vocabularyTexts(_ data: Dataset<TextExample>) -> [String]? {
        var texts: [String] = []
        for e in data {
            texts.append(e.text)
            if let p = e.pair { texts.append(p) }
        }
        return texts
    }
}

extension EncodedExample: TaskExample {
    public static func pipeline(_ data: Dataset<EncodedExample>, _ options: PipelineOptions) throws -> (any BatchPipeline)? {
        EncodedPipeline(examples: data, padID: options.padID)
    }
}

extension SQuADExample: TaskExample {
    /// Windows of `maxLength` tokens overlapping by `stride` (default a third of `maxLength`).
    public static func encode(_ data: Dataset<SQuADExample>, tokenizer: any TextTokenizer,
                              options: EncodeOptions) throws -> Dataset<SQuADItem>? {
        try SQuADItem.encode(data, tokenizer: tokenizer, maxLength: options.maxLength,
                             stride: options.stride ?? Swift.max(1, options.maxLength / 3), maxQuestion: options.maxQuestion)
    }
}

extension SQuADItem: TaskExample {
    public static func pipeline(_ data: Dataset<SQuADItem>, _ options: PipelineOptions) throws -> (any BatchPipeline)? {
        SQuADPipeline(items: data, padID: options.padID)
    }
}

extension HotpotExample: TaskExample {
    /// The reference layout (question cut to `maxQuestion`, default 128).
    public static func encode(_ data: Dataset<HotpotExample>, tokenizer: any TextTokenizer,
                              options: EncodeOptions) throws -> Dataset<HotpotItem>? {
        HotpotItem.encode(data, tokenizer: tokenizer, maxLength: options.maxLength,
                          maxQuestion: options.maxQuestion ?? HotpotEncoder.referenceMaxQuestionLength,
                          maxParagraph: options.maxParagraph, distractors: options.distractors)
    }
}

extension HotpotItem: TaskExample {
    public static func pipeline(_ data: Dataset<HotpotItem>, _ options: PipelineOptions) throws -> (any BatchPipeline)? {
        HotpotPipeline(items: data, padID: options.padID, cropSteps: options.cropSteps)
    }
}

extension SyntheticQAExample: TaskExample {
    public static func encode(_ data: Dataset<SyntheticQAExample>, tokenizer: any TextTokenizer,
                              options: EncodeOptions) throws -> Dataset<QAFeature>? {
        QAFeature.encode(data, tokenizer: tokenizer, maxLength: options.maxLength)
    }

    /// Each example's question and paragraphs as one text.
    public static func vocabularyTexts(_ data: Dataset<SyntheticQAExample>) -> [String]? {
        data.elements.map { ($0.question + $0.paragraphs.flatMap { $0 }).joined(separator: " ") }
    }
}

extension QAFeature: TaskExample {
    public static func pipeline(_ data: Dataset<QAFeature>, _ options: PipelineOptions) throws -> (any BatchPipeline)? {
        SegmentedQAPipeline(features: data, padID: options.padID)
    }
}

extension RankingExample: TaskExample {}
