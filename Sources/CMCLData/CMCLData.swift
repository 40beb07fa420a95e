/// CMCLData: readers (TSV/CSV, JSON, JSON Lines), task formats (GLUE, SQuAD v1.1, HotpotQA
/// distractor), tokenizers (Hugging Face compatible BERT WordPiece, word-level), datasets and
/// encodings, metrics, and seeded synthetic tasks. No dependencies: token ids, masks and
/// labels are plain `[Int32]`/`[Float]` arrays with explicit shapes.
///
/// ```swift
/// let tok = try WordPieceTokenizer(vocabPath: "vocab.txt", lowercase: true)
/// let sst2 = try GLUE.load("sst2", split: "train", dir: "glue_data")
/// let (train, valid) = sst2.split(0.9, seed: 1)
/// let encoded = train.encoded(with: tok, maxLength: 64)   // batched by CMCLTasks
/// ```
public enum CMCLDataModule {
    /// The module name.
    public static let name = "CMCLData"
}
