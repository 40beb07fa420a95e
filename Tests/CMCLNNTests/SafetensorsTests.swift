import CMCLTensor
import Foundation
import Testing
@testable import CMCLNN

/// The stream of this file's random tensors and layers (the engine has no default generator).
private let testRandom = Generator(seed: 0)

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
        let net = try BagOfEmbeddingsClassifier(vocabularySize: 10, embeddingWidth: 4, hidden: [3], generator: testRandom)
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

    /// Hostile headers, each rejected with a message naming what is wrong (and never a trap).
    static let hostile: [(String, [UInt8], String)] = {
        let good = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}  "#
        let body = [UInt8](repeating: 0, count: 12)
        var cases: [(String, [UInt8], String)] = []
        // The header length one byte short: the JSON still parses (trailing padding) but the
        // data would be read shifted by one byte.
        var short = header(good) + body
        short[0] -= 1
        cases.append(("header one byte short", short, "cover 12 data bytes but the file holds 13"))
        cases.append(("trailing bytes", header(good) + body + [0], "cover 12 data bytes but the file holds 13"))
        cases.append(("truncated", Array((header(good) + body).dropLast(3)), "fall outside the 9 data bytes"))
        cases.append(("fractional shape", header(#"{"x":{"dtype":"F32","shape":[50.5,4],"data_offsets":[0,808]}}"#) + [UInt8](repeating: 0, count: 808),
                      "shape [50.5, 4]: dimensions must be non-negative integers"))
        cases.append(("boolean shape", header(#"{"x":{"dtype":"F32","shape":[true],"data_offsets":[0,4]}}"#) + [0, 0, 0, 0],
                      "shape [true]"))
        cases.append(("fractional offset", header(#"{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4.0]}}"#) + [0, 0, 0, 0],
                      "data_offsets [0, 4.0]"))
        cases.append(("2^62 elements", header(#"{"x":{"dtype":"F32","shape":[4611686018427387904],"data_offsets":[0,4]}}"#) + [0, 0, 0, 0],
                      "byte size overflows"))
        cases.append(("shape product overflow", header(#"{"x":{"dtype":"U8","shape":[4294967296,4294967296],"data_offsets":[0,1]}}"#) + [0],
                      "element count overflows"))
        cases.append(("huge integer", header(#"{"x":{"dtype":"F32","shape":[18446744073709551615],"data_offsets":[0,4]}}"#) + [0, 0, 0, 0],
                      "must be non-negative integers"))
        cases.append(("overlap", header(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#) + [UInt8](repeating: 0, count: 8),
                      "overlap"))
        cases.append(("gap", header(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#) + [UInt8](repeating: 0, count: 8),
                      "belong to no tensor"))
        cases.append(("dtype/shape mismatch", header(#"{"x":{"dtype":"F16","shape":[3],"data_offsets":[0,4]}}"#) + [0, 0, 0, 0],
                      "holds 4 bytes but F16 [3] needs 6"))
        cases.append(("begin after end", header(#"{"x":{"dtype":"F32","shape":[0],"data_offsets":[8,0]}}"#) + [UInt8](repeating: 0, count: 8),
                      "begin after end"))
        cases.append(("deep nesting", header(String(repeating: "[", count: 100_000)), "nests deeper"))
        cases.append(("header past the end", [0x10, 0, 0, 0, 0, 0, 0, 0, 0x7B, 0x7D], "runs past the end"))
        cases.append(("metadata not strings", header(#"{"__metadata__":{"k":1}}"#), "__metadata__ entry 'k' is not a string"))
        return cases
    }()

    @Test(arguments: SafetensorsTests.hostile.indices)
    func hostileHeadersAreNamedErrors(_ index: Int) {
        let (name, bytes, message) = SafetensorsTests.hostile[index]
        #expect("\(name)", performing: { try Safetensors.decode(Data(bytes)) }, throws: { e in
            guard case NNError.checkpoint(_, let reason) = e else { return false }
            return reason.contains(message)
        })
    }

    /// The same through a file: reading, `net.load` and `load(path)`.
    @Test func hostileFilesFailEveryLoader() throws {
        let url = temporaryURL()
        defer { try? FileManager.default.removeItem(at: url) }
        let net = try BagOfEmbeddingsClassifier(vocabularySize: 10, embeddingWidth: 4, hidden: [3], generator: testRandom)
        for (name, bytes, _) in Self.hostile {
            try Data(bytes).write(to: url)
            #expect(throws: NNError.self, "\(name)") { try Safetensors.read(from: url) }
            #expect(throws: NNError.self, "\(name)") { try net.load(from: url, strict: false) }
            #expect(throws: NNError.self, "\(name)") { try TextModel.load(from: url) }
        }
    }

    /// Metadata that describes a far larger model than the file holds is an error naming the
    /// size, raised before anything is allocated.
    @Test func absurdArchitectureMetadataIsRejectedBeforeAllocating() throws {
        let url = temporaryURL()
        defer { try? FileManager.default.removeItem(at: url) }
        let small = try Transformer(vocabularySize: 30, layers: 1, hidden: 8, heads: 2, intermediate: 12, maxPositions: 8, generator: testRandom)
        for (key, value, message) in [("hidden", "200000000", "hidden 200000000 is above the limit 65536"),
                                      ("layers", "100000", "layers 100000 is above the limit 1024"),
                                      ("vocab", "9000000", "holds"), ("layers", "2", "holds"),
                                      ("vocab", "-3", "vocab must be positive")] {
            var meta = small.architecture
            meta[key] = value
            try Safetensors.write(small.stateDictionary(), to: url, metadata: meta)
            #expect("\(key) = \(value)", performing: { try TextModel.load(from: url) }, throws: { "\($0)".contains(message) })
        }
    }

    /// A BertForSequenceClassification file: the `bert.` prefix and legacy gamma/beta names are
    /// recognised; an unrelated checkpoint loads little, and the report warns why.
    @Test func prefixedAndLegacyNamesLoadAndMismatchesWarn() throws {
        let net = try Transformer(vocabularySize: 30, layers: 1, hidden: 8, heads: 2, intermediate: 12, maxPositions: 8, generator: testRandom)
        var state: [String: Tensor] = [:]
        for (k, v) in net.stateDictionary() {
            let legacy = k.hasSuffix("LayerNorm.weight") ? String(k.dropLast(6)) + "gamma" : k
            state[k.hasPrefix("classifier") ? k : "bert." + legacy] = v
        }
        let report = try net.load(stateDictionary: state, strict: false)
        #expect(report.loaded == net.parameters().count && report.prefix == "bert." && report.renamed > 0 && report.warning == nil)
        let other = Dictionary(uniqueKeysWithValues: net.stateDictionary().map { ("model.decoder." + $0.key, $0.value) })
        let bad = try net.load(stateDictionary: other, strict: false)
        #expect(bad.loaded == 0 && bad.warning?.contains("prefix 'model.decoder.'") == true, "\(bad.warning ?? "")")
        let unrelated = ["cls.predictions.bias": try Tensor.zeros([3]), "lm_head.weight": try Tensor.zeros([2, 2])]
        #expect(try net.load(stateDictionary: unrelated, strict: false).warning?.contains("different architecture") == true)
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
        #expect(throws: NNError.weightsOnly(path: url.path)) { try TextModel.load(from: url) }
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
