/// The GLUE benchmark tasks, read from the folder layout made by `download_glue_data.py`
/// (`<dir>/<TASK>/{train,dev}.tsv`, MNLI with `dev_matched.tsv` and `dev_mismatched.tsv`).
///
/// ```swift
/// let train = try GLUE.load("sst2", split: "train", dir: "glue_data")
/// let dev = try GLUE.load("mnli", split: "dev_mismatched", dir: "glue_data")
/// ```
public enum GLUE {
    /// How one GLUE task is laid out on disk.
    public struct Task: Sendable, Equatable {
        /// Canonical short name, e.g. `sst2`.
        public var name: String
        /// Folder name inside the GLUE directory, e.g. `SST-2`.
        public var folder: String
        /// Whether the files have a header row (CoLA has none).
        public var header: Bool
        /// Column of the first text (a header name, or `cN` for header-less files).
        public var text: String
        /// Column of the second text for pair tasks.
        public var pair: String?
        /// Column of the label.
        public var label: String
        /// Class names in index order; empty for regression (STS-B).
        public var labelNames: [String]
        /// The split names accepted by ``GLUE/load(_:split:dir:skipBadRows:)``.
        public var splits: [String]
        /// The classes' names where the task defines them (SST-2: negative, positive), shown
        /// in place of the file's label values; nil where those are the names already.
        public var classNames: [String]? = nil
        /// Whether the label is a real-valued score.
        public var isRegression: Bool { labelNames.isEmpty }
    }

    /// All supported tasks.
    public static let tasks: [Task] = [
        Task(name: "sst2", folder: "SST-2", header: true, text: "sentence", pair: nil, label: "label",
             labelNames: ["0", "1"], splits: ["train", "dev"], classNames: ["negative", "positive"]),
        Task(name: "cola", folder: "CoLA", header: false, text: "c3", pair: nil, label: "c1",
             labelNames: ["0", "1"], splits: ["train", "dev"], classNames: ["unacceptable", "acceptable"]),
        Task(name: "mrpc", folder: "MRPC", header: true, text: "#1 String", pair: "#2 String", label: "Quality",
             labelNames: ["0", "1"], splits: ["train", "dev"], classNames: ["not_equivalent", "equivalent"]),
        Task(name: "rte", folder: "RTE", header: true, text: "sentence1", pair: "sentence2", label: "label",
             labelNames: ["entailment", "not_entailment"], splits: ["train", "dev"]),
        Task(name: "stsb", folder: "STS-B", header: true, text: "sentence1", pair: "sentence2", label: "score",
             labelNames: [], splits: ["train", "dev"]),
        Task(name: "qnli", folder: "QNLI", header: true, text: "question", pair: "sentence", label: "label",
             labelNames: ["entailment", "not_entailment"], splits: ["train", "dev"]),
        Task(name: "qqp", folder: "QQP", header: true, text: "question1", pair: "question2", label: "is_duplicate",
             labelNames: ["0", "1"], splits: ["train", "dev"], classNames: ["not_duplicate", "duplicate"]),
        Task(name: "mnli", folder: "MNLI", header: true, text: "sentence1", pair: "sentence2", label: "gold_label",
             labelNames: ["contradiction", "entailment", "neutral"],
             splits: ["train", "dev_matched", "dev_mismatched"]),
        Task(name: "wnli", folder: "WNLI", header: true, text: "sentence1", pair: "sentence2", label: "label",
             labelNames: ["0", "1"], splits: ["train", "dev"], classNames: ["not_entailment", "entailment"]),
    ]

    /// The task called `name` (case and `-`/`_` insensitive: `SST-2`, `sst2`, `sts_b` all work).
    public static func task(named name: String) throws -> Task {
        let key = name.lowercased().filter { $0 != "-" && $0 != "_" }
        if let task = tasks.first(where: { $0.name == key }) { return task }
        if key == "mnlimm" || key == "mnlim" { return tasks.first { $0.name == "mnli" } ?? tasks[0] }
        throw DataError.invalidArgument(operation: "glue(\"\(name)\")",
                                        problem: "unknown task; known tasks: \(tasks.map(\.name).joined(separator: ", "))")
    }

    /// Loads one split of a GLUE task as a labeled dataset. `split` is `train` or `dev`; for MNLI
    /// `dev` means `dev_matched`, and `dev_mismatched` (or task `mnli-mm`) the mismatched set.
    /// With `skipBadRows` malformed rows are dropped and counted in `skipped`.
    public static func load(_ name: String, split: String = "train", dir: String,
                            skipBadRows: Bool = false) throws -> Dataset<TextExample> {
        let task = try task(named: name)
        var file = split
        if task.name == "mnli" && split == "dev" {
            let key = name.lowercased().filter { $0 != "-" && $0 != "_" }
            file = key.hasPrefix("mnlim") ? "dev_mismatched" : "dev_matched"
        }
        guard task.splits.contains(file) else {
            throw DataError.invalidArgument(operation: "glue(\"\(name)\", split: \"\(split)\")",
                                            problem: "unknown split; expected one of \(task.splits.joined(separator: ", "))")
        }
        let base = dir.hasSuffix("/") ? String(dir.dropLast()) : dir
        let path = "\(base)/\(task.folder)/\(file).tsv"
        let format = DelimitedFormat(delimiter: "\t", quoting: false, header: task.header)
        let table = try Table.read(path: path, format: format, skipBadRows: skipBadRows)
        var data = try TextTable.examples(from: table, text: task.text, pair: task.pair, label: task.label,
                                          labelNames: task.isRegression ? nil : task.labelNames,
                                          regression: task.isRegression, skipBadRows: skipBadRows,
                                          name: "\(task.name)/\(file)")
        if let names = task.classNames { data.labelNames = names }
        return data
    }
}
