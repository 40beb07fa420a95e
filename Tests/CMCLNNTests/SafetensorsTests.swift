import CMCLTensor
import Foundation
import Testing
@testable import CMCLNN

@Suite struct SafetensorsTests {
    /// A file written by the reference `safetensors.torch.save_file` with every dtype.
    @Test func readsReferenceFileWithEveryDtype() throws {
        let tensors = try Safetensors.read(from: fixtureURL("dtypes.safetensors"))
        let expected = try loadJSON("dtypes.json")
        #expect(Set(tensors.keys) == Set(expected.keys))
        let types: [String: DType] = ["f32": .float32, "f64": .float64, "f16": .float32, "bf16": .float32,
                                      "i32": .int32, "i64": .int32, "scalar": .float32, "empty": .float32]
        for (name, e) in expected {
            let info = try #require(e as? [String: Any])
            let t = try #require(tensors[name])
            #expect(t.shape == ints(info["shape"]).map(Int.init), "\(name)")
            #expect(t.dtype == types[name], "\(name)")
            // Foundation's JSON parser may be off by an ulp of a double; the data are exact.
            #expect(maxAbsDiff(t.toDoubles(), doubles(info["values"])) < 1e-12, "\(name) values")
        }
    }

    @Test func roundTripsThroughAModule() throws {
        let a = try BagOfEmbeddingsClassifier(vocabularySize: 30, embeddingWidth: 6, hidden: [5], generator: Generator(seed: 1))
        let b = try BagOfEmbeddingsClassifier(vocabularySize: 30, embeddingWidth: 6, hidden: [5], generator: Generator(seed: 2))
        let url = temporaryURL()
        defer { try? FileManager.default.removeItem(at: url) }
        try a.save(to: url, metadata: ["format": "pt"])
        // The header is JSON padded to a multiple of 8 bytes.
        let data = try Data(contentsOf: url)
        let n = data.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        #expect(n % 8 == 0)
        let report = try b.load(from: url)
        #expect(report.loaded == a.parameters().count)
        for (p, q) in zip(a.parameters(), b.parameters()) { #expect(p.value.toArray() == q.value.toArray()) }
        // Encode → decode keeps float64 and int32 exactly.
        let d = try Tensor(doubles: [1.0 / 3, -2e-300], shape: [2])
        let i = try Tensor(ints: [Int32.max, Int32.min, 0], shape: [3])
        let back = try Safetensors.decode(Safetensors.encode(["d": d, "i": i], metadata: ["k": "v"]))
        #expect(back.tensors["d"]?.toDoubles() == d.toDoubles())
        #expect(back.tensors["i"]?.toInts() == i.toInts())
        #expect(back.metadata == ["k": "v"])
    }

    @Test func mismatchedStateIsReportedByName() throws {
        let net = try BagOfEmbeddingsClassifier(vocabularySize: 10, embeddingWidth: 4, hidden: [3])
        var state = net.stateDictionary()
        state["mlp.3.bias"] = nil
        state["extra.weight"] = try Tensor.zeros([1])
        do {
            try net.load(stateDictionary: state)
            Issue.record("expected an error")
        } catch let NNError.stateMismatch(_, missing, unexpected, shapes) {
            #expect(missing == ["mlp.3.bias"])
            #expect(unexpected == ["extra.weight"])
            #expect(shapes.isEmpty)
        }
        let report = try net.load(stateDictionary: state, strict: false)
        #expect(report.missing == ["mlp.3.bias"] && report.unexpected == ["extra.weight"])
        state["embedding.weight"] = try Tensor.zeros([11, 4])
        #expect(throws: NNError.self) { try net.load(stateDictionary: state, strict: false) }
        // Prefixed checkpoints (bert.…) load with stripPrefix.
        let prefixed = Dictionary(uniqueKeysWithValues: net.stateDictionary().map { ("bert." + $0.key, $0.value) })
        #expect(try net.load(stateDictionary: prefixed, stripPrefix: "bert.").loaded == net.parameters().count)
    }

    static let malformed: [(String, [UInt8])] = {
        var cases: [(String, [UInt8])] = []
        cases.append(("short", [UInt8](repeating: 0, count: 4)))
        cases.append(("huge header", [0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0] + Array("{}".utf8)))
        cases.append(("not json", [4, 0, 0, 0, 0, 0, 0, 0] + Array("abcd".utf8)))
        cases.append(("bad dtype", header(#"{"x":{"dtype":"Q8","shape":[1],"data_offsets":[0,1]}}"#) + [0]))
        cases.append(("out of range", header(#"{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#) + [0, 0, 0, 0]))
        cases.append(("size mismatch", header(#"{"x":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#) + [UInt8](repeating: 0, count: 8)))
        cases.append(("negative shape", header(#"{"x":{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}}"#)))
        cases.append(("missing fields", header(#"{"x":{"dtype":"F32"}}"#)))
        cases.append(("i64 overflow", header(#"{"x":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}"#) + [0, 0, 0, 0, 1, 0, 0, 0]))
        return cases
    }()

    @Test(arguments: SafetensorsTests.malformed.indices)
    func malformedFilesAreTypedErrors(_ index: Int) {
        let (name, bytes) = SafetensorsTests.malformed[index]
        #expect(throws: NNError.self, "\(name)") { try Safetensors.decode(Data(bytes)) }
    }

    @Test func savedModelsRebuildFromTheirMetadata() throws {
        let url = temporaryURL()
        defer { try? FileManager.default.removeItem(at: url) }
        let batch = try Batch(ids: Tensor(ints: [3, 4, 5, 6], shape: [2, 2]), attentionMask: Tensor(ints: [1, 1, 1, 0], shape: [2, 2]))
        let models: [TextModel] = [
            try Transformer(vocabularySize: 30, layers: 1, hidden: 8, heads: 2, intermediate: 12, maxPositions: 8,
                            head: .span, generator: Generator(seed: 1)),
            try BagOfEmbeddingsClassifier(vocabularySize: 30, embeddingWidth: 6, hidden: [5, 4], head: .classification(classes: 3),
                                          activation: .gelu, dropout: 0.2, generator: Generator(seed: 2)),
        ]
        for m in models {
            try m.save(to: url)
            let copy = try TextModel.load(from: url)
            #expect(copy.typeName == m.typeName && copy.head == m.head)
            #expect(copy.parameters().map(\.name) == m.parameters().map(\.name))
            #expect(try copy(batch).logits.toArray() == m(batch).logits.toArray())
            #expect(copy.dropoutSites() == m.dropoutSites())
        }
        // A weights-only file cannot rebuild a model.
        try Safetensors.write(["w": Tensor.zeros([2])], to: url)
        #expect(throws: NNError.self) { try TextModel.load(from: url) }
    }

    @Test func missingFileIsATypedError() {
        #expect(throws: NNError.self) { try Safetensors.read(from: URL(fileURLWithPath: "/nonexistent/x.safetensors")) }
    }

    @Test func halfPrecisionConversionIsExact() {
        #expect(Safetensors.halfToFloat(0x3C00) == 1)
        #expect(Safetensors.halfToFloat(0xC000) == -2)
        #expect(Safetensors.halfToFloat(0x0001) == 0x1p-24)
        #expect(Safetensors.halfToFloat(0x7BFF) == 65504)
        #expect(Safetensors.halfToFloat(0x7C00) == .infinity)
        #expect(Safetensors.halfToFloat(0x7E00).isNaN)
    }
}

private func header(_ json: String) -> [UInt8] {
    let h = Array(json.utf8)
    return (0..<8).map { UInt8((h.count >> (8 * $0)) & 0xFF) } + h
}
