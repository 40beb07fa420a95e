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
