import CMCLData
import CMCLNN
import Foundation

/// The files of an exported PyTorch project:
///
/// ```
/// DIR/train.py            the trainer (torchrun / DDP), the same in every export
/// DIR/experiment.json     objective, optimizer, schedule, batch size, evaluation, keep-best
/// DIR/model/              the model as a Hugging Face directory (config, weights, tokenizer files)
/// DIR/data/train.jsonl    tokenized training examples (input_ids, token_type_ids, label or
///                         start and end) or SQuAD windows
/// DIR/data/eval.jsonl     tokenized evaluation examples (SQuAD: windows with their question
///                         and context offsets)
/// DIR/data/questions.jsonl  SQuAD evaluation: each question's id, context and gold answers
/// DIR/data/order.json     cmcl's example order for every epoch
/// DIR/reference.json      cmcl's outputs on the first rows, checked by train.py at start
/// DIR/requirements.txt    what train.py needs
/// DIR/README.md           how to run it
/// ```
struct TorchProject {
    let directory: URL

    func write(experiment: TorchExportSpec, model: Transformer, tokenizer: (any TextTokenizer)?, train: [TorchRow],
               eval: [TorchRow]?, questions: [TorchQuestion]?, order: [[Int]], reference: TorchReference) throws {
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
        try writeText(experiment.data.train, jsonLines(train))
        if let eval, let path = experiment.data.eval { try writeText(path, jsonLines(eval)) }
        if let questions, let path = experiment.data.questions { try writeText(path, jsonLines(questions)) }
        try writeJSON(experiment.data.order, order, pretty: false)
        try writeJSON(experiment.reference, reference, pretty: false)
        try writeJSON("experiment.json", experiment, pretty: true)
        try writeText("train.py", TorchExportSources.trainScript)
        try writeText("requirements.txt", TorchExportSources.requirements)
        try writeText("README.md", readme(experiment))
    }

    /// One JSON object per line.
    func jsonLines(_ rows: [some Encodable]) throws -> String {
        var out = ""
        for row in rows { out += try TorchExportSpec.json(row, pretty: false) + "\n" }
        return out
    }

    func readme(_ experiment: TorchExportSpec) -> String {
        let batch = experiment.training.batch
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
        `data/` (tokenized examples or SQuAD windows, the questions SQuAD evaluation decodes
        answers for, and cmcl's example order per epoch), `reference.json` (cmcl's outputs on the
        first examples and, for SQuAD, its answers to the first questions; train.py checks them
        before training).

        Read the results back in cmcl: `read_runs("runs.jsonl")` (and `compare(...)` with cmcl's own runs),
        `read_json("runs/history.jsonl", lines: true)` for the per-step record.

        """
    }

    func writeText(_ path: String, _ text: String) throws {
        // Inside the temporary directory `AtomicDirectory` made: nothing there is the user's.
        try FileOutput.write(text, to: directory.appendingPathComponent(path).path, argument: "dir", policy: .replace)
    }

    func writeJSON(_ path: String, _ value: some Encodable, pretty: Bool) throws {
        try writeText(path, try TorchExportSpec.json(value, pretty: pretty) + "\n")
    }
}
