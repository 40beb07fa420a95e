import CMCLTensor
import Foundation
import Testing
@testable import CMCLNN

/// Parity with `transformers` on the real checkpoints that `scripts/fetch-model` installs besides
/// MiniLM-L6 (Fixtures/encoders/NAME.json, scripts/gen_encoder_fixture.py): the hidden states
/// of every layer, the embeddings' output first, for a batch of single sentences and a pair.
@Suite struct EncoderParityTests {
    static let encoders = ["paraphrase-minilm-l3"]

    /// The fetched model directory of `name`, or nil when it is not fetched.
    static func fetched(_ name: String) -> URL? {
        let dir = ModelStore(environment: ProcessInfo.processInfo.environment).root.appendingPathComponent(name)
        return FileManager.default.fileExists(atPath: dir.appendingPathComponent("model.safetensors").path) ? dir : nil
    }

    /// The fixture is complete whether or not the model is fetched: every layer's states for
    /// the whole batch, and the ONNX conversion check it records.
    @Test(arguments: encoders)
    func fixtureHoldsEveryLayer(_ name: String) throws {
        let ref = try loadJSON("encoders/\(name).json")
        let shape = ints(ref["shape"]).map(Int.init)
        let hidden = try #require(ref["hidden_size"] as? Int)
        let layers = try #require(ref["hidden_states"] as? [Any])
        #expect(shape.count == 2 && ints(ref["ids"]).count == shape[0] * shape[1])
        #expect(layers.count >= 2)
        for states in layers { #expect(doubles(states).count == shape[0] * shape[1] * hidden) }
        let onnx = try #require(ref["onnx_last_hidden_max_abs_diff"] as? Double)
        #expect(onnx < 1e-5, "\(name): the ONNX export and the converted checkpoint differ by \(onnx)")
    }

    /// `python3` with the standard library is all scripts/convert-onnx needs.
    static let python: Bool = (try? run("python3", ["-c", "import array, json, struct"]))?.status == 0

    static let repositoryRoot = fixtureDirectory.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func run(_ program: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [program] + arguments
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static func convert(_ onnx: URL, _ out: URL) throws -> (status: Int32, output: String) {
        try run("python3", [repositoryRoot.appendingPathComponent("scripts/convert-onnx").path, onnx.path, out.path])
    }

    /// scripts/convert-onnx on a torch.onnx export of the tiny random BERT (renamed, transposed
    /// MatMul weights; heads from the attention scale): every layer as transformers computed it.
    @Test(.enabled(if: EncoderParityTests.python, "no python3: scripts/convert-onnx is not checked"))
    func convertedOnnxExportMatchesTransformersAtEveryLayer() throws {
        let out = temporaryURL("")
        defer { try? FileManager.default.removeItem(at: out) }
        let result = try Self.convert(fixtureURL("encoders/tiny-bert.onnx"), out)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("37 tensors") && result.output.contains("2 layers, hidden 32, 4 heads"), "\(result.output)")
        let (model, report) = try Transformer.pretrained(directory: out, head: "classification", classes: 3, generator: Generator(seed: 0))
        #expect(report.loaded == 37)
        let e = try PretrainedTests.expected("bert")
        let states = try model.hiddenStates(try PretrainedTests.batch(e))
        let layers = try #require(e["hidden_states"] as? [Any])
        #expect(states.layers.count == layers.count)
        for (i, (mine, theirs)) in zip(states.layers, layers).enumerated() {
            #expect(maxAbsDiff(mine, doubles(theirs)) < 1e-5, "converted tiny BERT hidden_states[\(i)]")
        }
        // It never replaces what it wrote: a second run into the same directory is refused.
        let again = try Self.convert(fixtureURL("encoders/tiny-bert.onnx"), out)
        #expect(again.status == 1 && again.output.contains("exists; convert into a new directory"), "\(again.output)")
    }

    /// Files that are not a complete ONNX export are one-line errors (exit 1), not tracebacks.
    @Test(.enabled(if: EncoderParityTests.python, "no python3: scripts/convert-onnx is not checked"),
          arguments: [("truncated", 80_000, "truncated protobuf"), ("empty", 0, "holds no ONNX graph")])
    func brokenOnnxFilesAreErrors(_ what: String, _ keep: Int, _ message: String) throws {
        let source = try Data(contentsOf: fixtureURL("encoders/tiny-bert.onnx"))
        let file = temporaryURL(".onnx"), out = temporaryURL("")
        defer { try? FileManager.default.removeItem(at: file); try? FileManager.default.removeItem(at: out) }
        try source.prefix(keep).write(to: file)
        let result = try Self.convert(file, out)
        #expect(result.status == 1, "\(what): \(result.output)")
        #expect(result.output.hasPrefix("convert-onnx: ") && result.output.contains(message) && !result.output.contains("Traceback"),
                "\(what): \(result.output)")
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("model.safetensors").path))
    }

    @Test(.enabled(if: EncoderParityTests.fetched("paraphrase-minilm-l3") != nil,
                   "paraphrase-minilm-l3 is not fetched (scripts/fetch-model paraphrase-minilm-l3)"),
          arguments: encoders)
    func everyLayerMatchesTransformers(_ name: String) throws {
        let dir = try #require(Self.fetched(name))
        let ref = try loadJSON("encoders/\(name).json")
        let (model, report) = try Transformer.pretrained(directory: dir, head: "classification", classes: 2, generator: Generator(seed: 0))
        // The ONNX export holds no pooler (sentence-transformers does not use it): it is
        // initialised with the head, as transformers does for this checkpoint.
        #expect(report.initialized == ["classifier.bias", "classifier.weight", "pooler.dense.bias", "pooler.dense.weight"],
                "\(report.initialized)")
        let shape = ints(ref["shape"]).map(Int.init)
        let batch = try Batch(ids: Tensor(ints: ints(ref["ids"]), shape: shape),
                              attentionMask: Tensor(ints: ints(ref["mask"]), shape: shape),
                              tokenTypes: Tensor(ints: ints(ref["types"]), shape: shape))
        let states = try model.hiddenStates(batch)
        let expected = try #require(ref["hidden_states"] as? [Any])
        #expect(states.layers.count == expected.count)
        var worst: [Double] = []
        for (i, (mine, theirs)) in zip(states.layers, expected).enumerated() {
            let d = maxAbsDiff(mine, doubles(theirs))
            worst.append(d)
            #expect(d < 1e-5, "\(name) hidden_states[\(i)]: max abs diff \(d)")
        }
        if ProcessInfo.processInfo.environment["CMCL_SHOW_PARITY"] != nil {
            print("parity \(name): max abs diff per layer \(worst.map { String(format: "%.2e", $0) })")
        }
    }
}
