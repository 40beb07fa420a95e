import CMCLTensor
import Foundation
import Testing
@testable import CMCLNN

/// The stream of this file's random tensors and layers (the engine has no default generator).
private let testRandom = Generator(seed: 0)

/// Parity with `transformers` on tiny random BERT, ELECTRA and RoBERTa sequence classifiers
/// (scripts/gen_pretrained_fixtures.py), and every way a model directory can be wrong.
@Suite struct PretrainedTests {
    static let families = ["bert", "electra", "roberta"]

    static func directory(_ family: String) -> URL { fixtureURL("pretrained").appendingPathComponent(family) }

    static func expected(_ family: String) throws -> [String: Any] { try loadJSON("pretrained/\(family)/expected.json") }

    static func batch(_ e: [String: Any]) throws -> Batch {
        let shape = ints(e["shape"]).map(Int.init)
        return try Batch(ids: Tensor(ints: ints(e["batch_ids"]), shape: shape),
                         attentionMask: Tensor(ints: ints(e["batch_mask"]), shape: shape),
                         tokenTypes: Tensor(ints: ints(e["batch_types"]), shape: shape))
    }

    @Test(arguments: families)
    func hiddenStatesPooledOutputsAndLogitsMatchTransformers(_ family: String) throws {
        let e = try Self.expected(family)
        let (model, report) = try Transformer.pretrained(directory: Self.directory(family), generator: testRandom)
        #expect(report.family.rawValue == family)
        #expect(report.head == .classification(classes: (e["classes"] as? Int) ?? 0), "classes come from the checkpoint's head")
        #expect(report.headLoaded && report.initialized.isEmpty, "\(report.initialized)")
        #expect(report.prefix == family + ".")
        let batch = try Self.batch(e)
        let states = try model.hiddenStates(batch)
        let last = maxAbsDiff(states.last, doubles(e["last_hidden"]))
        #expect(last < 1e-5, "\(family) last hidden: max abs diff \(last)")
        if e["pooled"] is NSNull || e["pooled"] == nil {
            #expect(states.pooled == nil)
        } else {
            let pooled = maxAbsDiff(try #require(states.pooled), doubles(e["pooled"]))
            #expect(pooled < 1e-5, "\(family) pooled: max abs diff \(pooled)")
        }
        if let layers = e["hidden_states"] as? [Any] {
            #expect(states.layers.count == layers.count)
            for (i, (mine, theirs)) in zip(states.layers, layers).enumerated() {
                #expect(maxAbsDiff(mine, doubles(theirs)) < 1e-5, "\(family) hidden_states[\(i)]")
            }
        }
        let logits = maxAbsDiff(try model(batch).logits, doubles(e["logits"]))
        #expect(logits < 1e-5, "\(family) logits: max abs diff \(logits)")
        if ProcessInfo.processInfo.environment["CMCL_SHOW_PARITY"] != nil {
            let pooled = states.pooled.map { maxAbsDiff($0, doubles(e["pooled"])) }
            print("parity \(family): last hidden \(last), pooled \(pooled.map { "\($0)" } ?? "-"), logits \(logits)")
        }
    }

    /// The same checkpoint under BertModel's bare names, with legacy gamma/beta layer norms
    /// and without a head: the encoder loads, the head is initialised and reported.
    @Test(arguments: families)
    func bareAndLegacyLayoutsLoadTheEncoder(_ family: String) throws {
        let e = try Self.expected(family)
        let dir = try copyDirectory(Self.directory(family))
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("model.safetensors")
        var state: [String: Tensor] = [:]
        for (k, v) in try Safetensors.read(from: url) where !k.hasPrefix("classifier") {
            var name = String(k.dropFirst(family.count + 1))
            if name.hasSuffix("LayerNorm.weight") { name = String(name.dropLast(6)) + "gamma" }
            if name.hasSuffix("LayerNorm.bias") { name = String(name.dropLast(4)) + "beta" }
            state[name] = v
        }
        try Safetensors.write(state, to: url)
        let (model, report) = try Transformer.pretrained(directory: dir, head: "classification", classes: 2, generator: Generator(seed: 5))
        #expect(report.prefix == nil && report.renamed > 0)
        #expect(!report.headLoaded)
        #expect(report.initialized.allSatisfy { $0.hasPrefix("classifier") } && !report.initialized.isEmpty)
        #expect(maxAbsDiff(try model.hiddenStates(try Self.batch(e)).last, doubles(e["last_hidden"])) < 1e-5)
        // A span head on the same encoder.
        let (qa, qaReport) = try Transformer.pretrained(directory: dir, head: "span", generator: testRandom)
        #expect(qaReport.initialized == ["qa_outputs.bias", "qa_outputs.weight"] && qa.head == .span)
    }

    /// A question-answering checkpoint (scripts/gen_span_head_fixture.py: the bert fixture in
    /// BertForQuestionAnswering with a random `qa_outputs`): the span head is loaded from
    /// `qa_outputs.*` and gives transformers' start and end logits; saved back, it is written
    /// under the same names. Asked for another head, the checkpoint's `qa_outputs` is ignored.
    @Test func spanHeadsLoadAndSaveQAOutputs() throws {
        let dir = Self.directory("bert-qa")
        let e = try loadJSON("pretrained/bert-qa/expected.json")
        let (model, report) = try Transformer.pretrained(directory: dir, head: "span", generator: testRandom)
        #expect(report.head == .span && report.headLoaded && report.initialized.isEmpty, "\(report.initialized)")
        #expect(model.pooler == nil && report.ignored.isEmpty, "\(report.ignored)")
        let batch = try Self.batch(e)
        let logits = try model(batch).logits
        let shape = ints(e["shape"]).map(Int.init)
        #expect(logits.shape == shape + [2])
        let values = logits.toDoubles()
        let starts = stride(from: 0, to: values.count, by: 2).map { values[$0] }
        let ends = stride(from: 1, to: values.count, by: 2).map { values[$0] }
        let (ds, de) = (maxAbsDiff(starts, doubles(e["start_logits"])), maxAbsDiff(ends, doubles(e["end_logits"])))
        #expect(ds < 1e-5 && de < 1e-5, "start logits: max abs diff \(ds), end logits \(de)")
        if ProcessInfo.processInfo.environment["CMCL_SHOW_PARITY"] != nil { print("parity bert-qa: start \(ds), end \(de)") }

        let out = temporaryURL("")
        defer { try? FileManager.default.removeItem(at: out) }
        try model.saveHuggingFace(to: out)
        let saved = try Safetensors.read(from: out.appendingPathComponent("model.safetensors"))
        #expect(Set(saved.keys) == Set(try Safetensors.read(from: dir.appendingPathComponent("model.safetensors")).keys))
        #expect(saved["qa_outputs.weight"]?.shape == [2, 32] && saved["qa_outputs.bias"]?.shape == [2])
        let config = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("config.json"))) as? [String: Any])
        #expect(config["architectures"] as? [String] == ["BertForQuestionAnswering"])
        let (back, backReport) = try Transformer.pretrained(directory: out, head: "span", generator: testRandom)
        #expect(backReport.headLoaded && backReport.loaded == model.parameters().count)
        #expect(try back(batch).logits.toArray() == logits.toArray())

        // As a classifier: BERT's classifier reads the pooler, which a question-answering
        // checkpoint lacks; both are initialised and reported, `qa_outputs` is ignored.
        let (classifier, classifierReport) = try Transformer.pretrained(directory: dir, head: "classification", classes: 2, generator: testRandom)
        #expect(!classifierReport.headLoaded && classifier.head == .classification(classes: 2))
        #expect(classifierReport.initialized == ["classifier.bias", "classifier.weight", "pooler.dense.bias", "pooler.dense.weight"])
        #expect(classifierReport.ignored == ["qa_outputs.bias", "qa_outputs.weight"], "\(classifierReport.ignored)")
    }

    @Test func aHeadOfAnotherSizeIsReplacedAndReported() throws {
        let (model, report) = try Transformer.pretrained(directory: Self.directory("bert"), head: "classification", classes: 2, generator: testRandom)
        #expect(model.head == .classification(classes: 2))
        #expect(!report.headLoaded && report.headNote?.contains("3 outputs") == true)
        #expect(report.initialized == ["classifier.bias", "classifier.weight"])
    }

    /// `layers: k` keeps the first k encoder layers: the truncated model's last hidden states are
    /// the full model's k-th layer output, and the remaining layers are reported as ignored.
    @Test(arguments: families)
    func truncatedModelsAreTheFirstLayers(_ family: String) throws {
        let e = try Self.expected(family)
        let (full, _) = try Transformer.pretrained(directory: Self.directory(family), generator: testRandom)
        let (cut, report) = try Transformer.pretrained(directory: Self.directory(family), layers: 1, generator: testRandom)
        #expect(cut.config.layers == 1 && full.config.layers > 1)
        #expect(report.ignored.contains { $0.contains("encoder.layer.1.") })
        #expect(!report.ignored.contains { $0.contains("encoder.layer.0.") })
        let batch = try Self.batch(e)
        let mine = try cut.hiddenStates(batch).last.toArray(), theirs = try full.hiddenStates(batch).layers[1].toArray()
        #expect(mine == theirs)
        #expect(throws: NNError.self) { try Transformer.pretrained(directory: Self.directory(family), layers: full.config.layers + 1, generator: testRandom) }
        #expect(throws: NNError.self) { try Transformer.pretrained(directory: Self.directory(family), layers: 0, generator: testRandom) }
    }

    /// Saved back under Hugging Face names, the directory loads again with identical outputs
    /// (transformers itself is checked by the runtime tests when torch is installed).
    @Test(arguments: families)
    func savedBackDirectoriesReloadIdentically(_ family: String) throws {
        let e = try Self.expected(family)
        let (model, _) = try Transformer.pretrained(directory: Self.directory(family), generator: testRandom)
        let out = temporaryURL("")
        defer { try? FileManager.default.removeItem(at: out) }
        try model.saveHuggingFace(to: out)
        let names = try Set(Safetensors.read(from: out.appendingPathComponent("model.safetensors")).keys)
        #expect(names == Set(try Safetensors.read(from: Self.directory(family).appendingPathComponent("model.safetensors")).keys))
        let config = try BertConfig(huggingFaceJSON: Data(contentsOf: out.appendingPathComponent("config.json")))
        #expect(config == model.config)
        let (back, report) = try Transformer.pretrained(directory: out, generator: testRandom)
        #expect(report.headLoaded && report.loaded == model.parameters().count)
        let batch = try Self.batch(e)
        #expect(try back(batch).logits.toArray() == model(batch).logits.toArray())
    }

    @Test func pytorchCheckpointsNameTheConversionScript() throws {
        let dir = try copyDirectory(Self.directory("bert"))
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.removeItem(at: dir.appendingPathComponent("model.safetensors"))
        try Data([0x50, 0x4B, 3, 4]).write(to: dir.appendingPathComponent("pytorch_model.bin"))
        #expect { try Transformer.pretrained(directory: dir, generator: testRandom) } throws: { e in
            "\(e)".contains("scripts/convert-checkpoint") && "\(e)".contains("pytorch_model.bin")
        }
        try FileManager.default.removeItem(at: dir.appendingPathComponent("pytorch_model.bin"))
        #expect { try Transformer.pretrained(directory: dir, generator: testRandom) } throws: { "\($0)".contains("no model.safetensors") }
        #expect { try Transformer.pretrained(directory: dir.appendingPathComponent("nope"), generator: testRandom) } throws: { "\($0)".contains("no such model directory") }
    }

    /// config.json problems: each an error naming the file and the field, raised before the
    /// model is allocated.
    nonisolated(unsafe) static let badConfigs: [(edit: String, value: Any?, message: String)] = [
        ("hidden_size", nil, "lacks 'hidden_size'"),
        ("hidden_size", 200_000_000, "'hidden_size' is 200000000, above the limit 65536"),
        ("num_hidden_layers", 100_000, "'num_hidden_layers' is 100000, above the limit 1024"),
        ("hidden_size", 32.5, "'hidden_size' is 32.5; it must be an integer"),
        ("hidden_size", "32", "'hidden_size' is \"32\"; it must be an integer"),
        ("hidden_size", -32, "'hidden_size' is -32; it must be positive"),
        ("num_attention_heads", 5, "'num_attention_heads' (5) does not divide 'hidden_size' (32)"),
        ("hidden_dropout_prob", 1.5, "'hidden_dropout_prob' is 1.5"),
        ("layer_norm_eps", -1, "'layer_norm_eps' is -1.0"),
        ("hidden_act", "relu", "hidden_act \"relu\" is not supported"),
        ("model_type", "gpt2", "model_type \"gpt2\" is not supported"),
        ("vocab_size", 1000, "describes word embeddings [1000, 32]"),
        ("num_hidden_layers", 4, "describes 4 layers but the checkpoint holds 2"),
        ("position_embedding_type", "relative_key", "position_embedding_type \"relative_key\" is not supported"),
        ("max_position_embeddings", 9_000_000, "'max_position_embeddings' is 9000000, above the limit 1048576"),
    ]

    @Test(arguments: badConfigs.indices)
    func badConfigurationsAreLocatedErrors(_ index: Int) throws {
        let (key, value, message) = Self.badConfigs[index]
        let dir = try copyDirectory(Self.directory("bert"))
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("config.json")
        var j = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        j[key] = value
        try JSONSerialization.data(withJSONObject: j).write(to: url)
        #expect { try Transformer.pretrained(directory: dir, generator: testRandom) } throws: { e in
            let text = "\(e)"
            return text.contains(message) && text.contains("config.json")
        }
    }

    @Test func missingModelsSayHowToFetchThem() throws {
        let store = ModelStore(environment: ["CMCL_MODELS": "/nonexistent/models"])
        #expect(store.root.path == "/nonexistent/models")
        #expect { try store.directory(for: "minilm-l6") } throws: { "\($0)".contains("scripts/fetch-model minilm-l6") }
        #expect { try store.directory(for: "no-such-model") } throws: { "\($0)".contains("known models: minilm-l6") }
        #expect(ModelStore(environment: ["HOME": "/h"]).root.path == "/h/.cache/cmcl/models")
    }

    /// With MiniLM-L6 fetched (scripts/fetch-model), parity on the real checkpoint.
    @Test(.enabled(if: PretrainedTests.miniLM != nil, "MiniLM-L6 is not fetched (scripts/fetch-model minilm-l6)"))
    func realMiniLMMatchesTransformers() throws {
        let dir = try #require(PretrainedTests.miniLM)
        let (model, report) = try Transformer.pretrained(directory: dir, head: "classification", classes: 2, generator: testRandom)
        #expect(report.loaded == 103 && report.initialized == ["classifier.bias", "classifier.weight"])
        let ref = try loadJSON("minilm_reference.json")
        let shape = ints(ref["shape"]).map(Int.init)
        let b = try Batch(ids: Tensor(ints: ints(ref["ids"]), shape: shape), attentionMask: Tensor(ints: ints(ref["mask"]), shape: shape))
        let states = try model.hiddenStates(b)
        let last = maxAbsDiff(states.last, doubles(ref["hidden"]))
        let pooled = maxAbsDiff(try #require(states.pooled), doubles(ref["pooled"]))
        #expect(last < 1e-5 && pooled < 1e-5, "MiniLM-L6: last hidden \(last), pooled \(pooled)")
        if ProcessInfo.processInfo.environment["CMCL_SHOW_PARITY"] != nil { print("parity minilm-l6: last hidden \(last), pooled \(pooled)") }
    }

    static let miniLM: URL? = {
        let env = ProcessInfo.processInfo.environment
        if let d = env["CMCL_MINILM_DIR"] { return URL(fileURLWithPath: d) }
        let dir = ModelStore(environment: env).root.appendingPathComponent("minilm-l6")
        return FileManager.default.fileExists(atPath: dir.appendingPathComponent("model.safetensors").path) ? dir : nil
    }()
}

/// A copy of `dir` in a fresh temporary directory.
func copyDirectory(_ dir: URL) throws -> URL {
    let out = temporaryURL("")
    try FileManager.default.copyItem(at: dir, to: out)
    return out
}
