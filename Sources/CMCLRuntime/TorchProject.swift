import CMCLData
import CMCLNN
import Foundation

/// The files of an exported PyTorch project:
///
/// ```
/// DIR/train.py            the trainer (torchrun / DDP), the same in every export
/// DIR/experiment.json     objective, optimizer, schedule, batch size, evaluation, keep-best
/// DIR/model/              the model as a Hugging Face directory (config, weights, tokenizer files)
/// DIR/data/train.jsonl    tokenized training examples (input_ids, token_type_ids, label)
/// DIR/data/eval.jsonl     tokenized evaluation examples
/// DIR/data/order.json     cmcl's example order for every epoch
/// DIR/reference.json      cmcl's outputs on the first rows, checked by train.py at start
/// DIR/requirements.txt    what train.py needs
/// DIR/README.md           how to run it
/// ```
struct TorchProject {
    let directory: URL

    func write(experiment: [String: Any], model: Transformer, tokenizer: (any TextTokenizer)?, train: Dataset<EncodedExample>,
               eval: Dataset<EncodedExample>?, order: [[Int]], reference: [String: Any]) throws {
        let fm = FileManager.default
        for sub in ["", "model", "data"] {
            do {
                try fm.createDirectory(at: directory.appendingPathComponent(sub), withIntermediateDirectories: true)
            } catch {
                throw CMCLError("cannot create \(directory.appendingPathComponent(sub).path): \(error.localizedDescription)",
                                argument: .label("dir"))
            }
        }
        let modelDirectory = directory.appendingPathComponent("model")
        try model.saveHuggingFace(to: modelDirectory)
        if let tokenizer { try TokenizerFiles.write(tokenizer, to: modelDirectory.path, maxLength: model.config.maxPositions) }
        try writeText("data/train.jsonl", jsonLines(train))
        if let eval { try writeText("data/eval.jsonl", jsonLines(eval)) }
        try writeJSON("data/order.json", order, pretty: false)
        try writeJSON("reference.json", reference, pretty: false)
        try writeJSON("experiment.json", experiment, pretty: true)
        try writeText("train.py", TorchExportSources.trainScript)
        try writeText("requirements.txt", TorchExportSources.requirements)
        try writeText("README.md", readme(experiment))
    }

    /// One JSON object per example.
    func jsonLines(_ data: Dataset<EncodedExample>) throws -> String {
        var out = ""
        for example in data.elements {
            var row: [String: Any] = ["input_ids": example.encoding.ids.map(Int.init)]
            if example.encoding.typeIDs.contains(where: { $0 != 0 }) {
                row["token_type_ids"] = example.encoding.typeIDs.map(Int.init)
            }
            switch example.label {
            case .index(let i): row["label"] = Int(i)
            case .score(let s): row["label"] = Double(s)
            case .none: break
            }
            if let s = example.startPosition, let e = example.endPosition {
                row["start"] = Int(s)
                row["end"] = Int(e)
            }
            out += try jsonText(row, pretty: false) + "\n"
        }
        return out
    }

    func readme(_ experiment: [String: Any]) -> String {
        let training = experiment["training"] as? [String: Any] ?? [:]
        let batch = training["batch"] as? Int ?? 0
        return """
        # A cmcl experiment for PyTorch

        Written by cmcl's `export_torch(...)`. `train.py` runs the same training as cmcl's `fit(...)`:
        the same objective, optimizer, learning-rate schedule, clipping, evaluation and keep-best,
        and the same global batch of \(batch) examples per step (split across processes).

        ```sh
        python -m pip install -r requirements.txt
        torchrun --nproc_per_node=N train.py          # N processes (GPUs, or CPU processes)
        ```

        On several machines, start the same command on each one:

        ```sh
        torchrun --nnodes=M --nproc_per_node=N --rdzv_backend=c10d --rdzv_endpoint=HOST:29500 train.py
        ```

        Options: `--log PATH` (the run log the run's line is appended to, in the format of cmcl's
        `experiment`; default `runs.jsonl`), `--history PATH` (every step and evaluation, JSON lines;
        default `runs/history.jsonl`), `--output DIR` (the trained model as a Hugging Face directory;
        default `trained/`), `--steps N` (stop early), `--device cpu`.

        Files: `experiment.json` (every setting), `model/` (the model's configuration and weights),
        `data/` (tokenized examples and cmcl's example order per epoch), `reference.json` (cmcl's
        outputs on the first examples; train.py checks them before training).

        Read the results back in cmcl: `read_runs("runs.jsonl")` (and `compare(...)` with cmcl's own runs),
        `read_json("runs/history.jsonl", lines: true)` for the per-step record.

        """
    }

    func writeText(_ path: String, _ text: String) throws {
        // Inside the temporary directory `AtomicDirectory` made: nothing there is the user's.
        try FileOutput.write(text, to: directory.appendingPathComponent(path).path, argument: "dir", policy: .replace)
    }

    func writeJSON(_ path: String, _ value: Any, pretty: Bool) throws {
        try writeText(path, try jsonText(value, pretty: pretty) + "\n")
    }

    func jsonText(_ value: Any, pretty: Bool) throws -> String {
        var options: JSONSerialization.WritingOptions = [.sortedKeys, .withoutEscapingSlashes]
        if pretty { options.insert(.prettyPrinted) }
        let data = try JSONSerialization.data(withJSONObject: value, options: options)
        return String(decoding: data, as: UTF8.self)
    }
}
