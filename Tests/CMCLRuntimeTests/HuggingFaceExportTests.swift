import CMCLData
import CMCLNN
import CMCLTensor
import Foundation
import Testing

/// The stream of this file's random tensors and layers (the engine has no default generator).
private let testRandom = Generator(seed: 0)

/// A fine-tuned model saved with `save_pretrained` loads in `transformers` with the same
/// token ids and logits. Runs when a Python with torch and transformers is available
/// (`CMCL_PYTHON`, else `CMCL_TORCH_PYTHON` as CI sets it, else `python3`); skipped with a
/// notice otherwise.
@Suite struct HuggingFaceExportTests {
    static let python: String? = {
        let env = ProcessInfo.processInfo.environment
        let candidates = [env["CMCL_PYTHON"], env["CMCL_TORCH_PYTHON"], "python3"].compactMap { $0 }.filter { !$0.isEmpty }
        return candidates.first { (try? run($0, ["-c", "import torch, transformers"]))?.status == 0 }
    }()

    static func run(_ program: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [program] + arguments
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test(.enabled(if: HuggingFaceExportTests.python != nil,
                   "no Python with torch and transformers (set CMCL_PYTHON or CMCL_TORCH_PYTHON): save_pretrained is not checked against transformers"),
          arguments: ["bert", "electra", "roberta", "bert-qa"])
    func savedDirectoriesGiveTheSameLogitsInTransformers(_ family: String) throws {
        let python = try #require(Self.python)
        let source = repositoryRoot.appendingPathComponent("Tests/CMCLNNTests/Fixtures/pretrained/\(family)")
        // The classifiers with a fresh two-class head (another size than the stored one); the
        // question-answering checkpoint with its span head (start and end logits).
        let (model, _) = family.hasSuffix("-qa")
            ? try Transformer.pretrained(directory: source, head: "span", generator: testRandom)
            : try Transformer.pretrained(directory: source, head: "classification", classes: 2, generator: Generator(seed: 9))
        let tok = try TokenizerFiles.load(directory: source.path)
        let texts: [(String, String?)] = [("Héllo, wörld! Ça va?", nil), ("東京は日本の首都です。", nil),
                                          ("Who wrote The Hobbit?", "It was written by Tolkien in 1937."), ("  odd\tspacing!? ", nil)]
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("cmcl-export-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        try model.saveHuggingFace(to: out, labelNames: ["negative", "positive"])
        try TokenizerFiles.write(tok, to: out.path)
        var ids: [[Int32]] = [], logits: [[Double]] = []
        for (text, pair) in texts {
            let e = tok.encode(text, pair)
            ids.append(e.ids)
            let batch = try Batch(ids: Tensor(ints: e.ids, shape: [1, e.count]), tokenTypes: Tensor(ints: e.typeIDs, shape: [1, e.count]))
            logits.append(try model(batch).logits.toDoubles())
        }
        let expected: [String: Any] = ["texts": texts.map { [$0.0, $0.1 as Any? ?? NSNull()] }, "ids": ids.map { $0.map(Int.init) },
                                       "logits": logits]
        let json = out.appendingPathComponent("cmcl-expected.json")
        try JSONSerialization.data(withJSONObject: expected).write(to: json)
        let script = repositoryRoot.appendingPathComponent("scripts/check-hf-export.py").path
        let (status, output) = try Self.run(python, [script, out.path, json.path])
        #expect(status == 0, "\(family): \(output)")
        if ProcessInfo.processInfo.environment["CMCL_SHOW_PARITY"] != nil { print("save-back \(family): \(output)") }
    }
}
