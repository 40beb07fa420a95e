import CMCLBase
import CMCLTensor
import Foundation

/// What ``Transformer/pretrained(directory:head:classes:pooler:layers:generator:)`` found and did.
public struct PretrainedReport: Sendable, Equatable {
    /// The encoder family read from `config.json`.
    public var family: EncoderFamily
    /// The head the model was built with.
    public var head: TaskHead
    /// Tensors read from the checkpoint into the model.
    public var loaded: Int
    /// Parameters of the model the checkpoint did not provide (freshly initialised): usually
    /// the task head of a bare encoder.
    public var initialized: [String]
    /// Checkpoint tensors the model has no use for (pre-training heads, a pooler the head does
    /// not read, buffers).
    public var ignored: [String]
    /// The prefix removed from the encoder's names (`bert.`, `electra.`, `roberta.`), if any.
    public var prefix: String?
    /// Legacy `gamma` / `beta` names read as `weight` / `bias`.
    public var renamed: Int
    /// Whether the task head came from the checkpoint.
    public var headLoaded: Bool
    /// Why the head was initialised although the checkpoint had one (a different number of
    /// classes), if that happened.
    public var headNote: String?
}

extension Transformer {
    /// The parameter-name prefix of this family in Hugging Face task models (`bert.`…).
    public var huggingFacePrefix: String { config.family.rawValue + "." }

    /// Whether `name` (a cmcl parameter name) belongs to the encoder rather than the task head.
    static func isEncoderName(_ name: String) -> Bool {
        ["embeddings.", "embeddings_project.", "encoder.", "pooler."].contains { name.hasPrefix($0) }
    }

    /// Checkpoint names that belong to pre-training objectives, never to a fine-tuning model.
    static func isPretrainingHead(_ name: String) -> Bool {
        ["cls.", "lm_head.", "discriminator_predictions.", "generator_predictions.", "generator_lm_head.", "generator."]
            .contains { name.hasPrefix($0) }
    }

    /// A Hugging Face model directory as a model: `config.json` (see
    /// ``BertConfig/init(huggingFaceJSON:path:)``) and `model.safetensors` (or a sharded
    /// `model.safetensors.index.json`), with names as `BertModel` writes them, as task models
    /// write them (`bert.` / `electra.` / `roberta.` prefixes) or with legacy `gamma`/`beta`.
    ///
    /// A task head present in the checkpoint (`classifier.*`, ELECTRA's and RoBERTa's
    /// `classifier.dense` + `classifier.out_proj`, `qa_outputs.*`) is loaded when it fits;
    /// otherwise the head is initialised from `generator` and the report says so.
    /// `classes` nil takes the number of classes from the checkpoint's head, else from
    /// `config.json`'s `id2label`, else 2. `layers` k keeps only the first k encoder layers (the
    /// rest of the checkpoint is reported as ignored), a smaller model of the same training.
    ///
    /// Errors (all ``NNError/checkpoint(path:reason:)`` naming the file): a missing directory or
    /// config, `pytorch_model.bin` only (converted by `scripts/convert-checkpoint`), a
    /// configuration that does not describe the checkpoint's tensors, and every problem
    /// ``SafetensorsHeader`` detects — all before the model is allocated.
    ///
    /// ```swift
    /// let (net, report) = try Transformer.pretrained(directory: URL(fileURLWithPath: "minilm"), head: "classification", classes: 2)
    /// report.initialized   // ["classifier.bias", "classifier.weight"]
    /// ```
    public static func pretrained(directory: URL, head headName: String = "classification", classes: Int? = nil,
                                  pooler: Bool? = nil, layers keep: Int? = nil,
                                  generator: Generator) throws -> (Transformer, PretrainedReport) {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw NNError.checkpoint(path: directory.path, reason: "no such model directory")
        }
        let configURL = directory.appendingPathComponent("config.json")
        guard let configData = fm.contents(atPath: configURL.path) else {
            throw NNError.checkpoint(path: directory.path,
                                     reason: "no config.json (a Hugging Face model directory holds config.json and model.safetensors)")
        }
        var config = try BertConfig(huggingFaceJSON: configData, path: configURL.path)
        let files = try checkpointFiles(directory)

        // Index every tensor by its cmcl name, checking sizes before anything is allocated.
        var index: [String: (file: SafetensorsFile, name: String)] = [:]
        var ignored: [String] = []
        var stored = 0
        var checkpointNames: [String] = []
        for file in files {
            for (name, e) in file.header.entries {
                stored &+= e.count
                checkpointNames.append(name)
                index[name] = (file, name)
            }
        }
        let modelPrefix = config.family.rawValue + "."
        let prefix = checkpointNames.contains { $0.hasPrefix(modelPrefix) } ? modelPrefix
            : CheckpointNames.knownPrefixes.first { p in checkpointNames.contains { $0.hasPrefix(p) && isEncoderName(String($0.dropFirst(p.count))) } }
        var mapped: [String: (file: SafetensorsFile, name: String)] = [:]
        var renamed = 0
        for (name, source) in index {
            var key = name
            if let prefix, key.hasPrefix(prefix) { key.removeFirst(prefix.count) }
            let modern = CheckpointNames.modernized(key)
            if modern != key { renamed += 1; key = modern }
            if isPretrainingHead(key) || key.hasSuffix("position_ids") || key == "embeddings.token_type_ids" {
                ignored.append(name)
                continue
            }
            mapped[key] = source
        }
        let wordKey = "embeddings.word_embeddings.weight"
        guard let words = mapped[wordKey] else {
            throw NNError.checkpoint(path: files[0].path, reason: "no \(prefix ?? "")\(wordKey): not a \(config.family.rawValue) checkpoint"
                                     + " (its names: \(checkpointNames.sorted().prefix(3).joined(separator: ", "))…)")
        }
        let wordShape = words.file.header.entries[words.name]?.shape ?? []
        guard wordShape == [config.vocabularySize, config.embeddingWidth] else {
            throw NNError.checkpoint(path: configURL.path, reason: "describes word embeddings [\(config.vocabularySize), \(config.embeddingWidth)]"
                                     + " but \(words.file.path) holds \(wordShape)")
        }
        let layersStored = Set(mapped.keys.compactMap { k -> Int? in
            guard k.hasPrefix("encoder.layer.") else { return nil }
            return Int(k.dropFirst("encoder.layer.".count).prefix { $0 != "." })
        })
        guard layersStored.count == config.layers else {
            throw NNError.checkpoint(path: configURL.path, reason: "describes \(config.layers) layers but the checkpoint holds \(layersStored.count)")
        }
        if let count = config.encoderParameterCount, count > stored &+ config.hiddenSize &* (config.hiddenSize + 1) {
            throw NNError.checkpoint(path: configURL.path, reason: "describes \(count) parameters but the checkpoint holds \(stored) values")
        }
        if let keep {
            guard (1...config.layers).contains(keep) else {
                throw NNError.invalidConfiguration(op: "pretrained", reason: "layers must be in 1...\(config.layers) (the checkpoint's layers), got \(keep)")
            }
            config.layers = keep
        }

        // The head: from the checkpoint when it fits.
        let wantsPooler = pooler ?? (config.family == .roberta && mapped["pooler.dense.weight"] != nil)
        let headOut = config.family == .bert ? "classifier.weight" : "classifier.out_proj.weight"
        let span = try TaskHead(name: headName) == .span
        let storedHeadShape = (span ? mapped["qa_outputs.weight"] : mapped[headOut]).flatMap { $0.file.header.entries[$0.name]?.shape }
        var head = try TaskHead(name: headName, classes: classes ?? 2)
        if case .classification = head, classes == nil {
            let fromConfig = labelCount(configData)
            head = .classification(classes: storedHeadShape?.first ?? fromConfig ?? 2)
        }
        let model = try Transformer(config: config, head: head, pooler: wantsPooler, generator: generator)
        let params = model.parameters()
        let headNames = Set(params.map(\.name).filter { !isEncoderName($0) })
        var headNote: String?
        if let shape = storedHeadShape, shape.first != head.outputWidth {
            headNote = "the checkpoint's head has \(shape.first ?? 0) outputs; a new \(head.outputWidth)-output head was initialised"
            for name in headNames { if let s = mapped.removeValue(forKey: name) { ignored.append(s.name) } }
        }

        // Load, tensor by tensor.
        var loaded = 0
        var initialized: [String] = []
        try Tensor.withNoGrad {
            for p in params {
                guard let source = mapped.removeValue(forKey: p.name) else { initialized.append(p.name); continue }
                let t = try source.file.tensor(source.name)
                guard t.shape == p.shape else {
                    throw NNError.checkpoint(path: source.file.path, reason: "'\(source.name)' has shape \(t.shape) but config.json implies \(p.shape)")
                }
                guard t.dtype.isFloatingPoint else {
                    throw NNError.checkpoint(path: source.file.path, reason: "'\(source.name)' holds \(t.dtype) values, not floats")
                }
                p.value = try t.to(p.value.dtype)
                loaded += 1
            }
        }
        ignored += mapped.values.map(\.name)
        config = model.config
        let headLoaded = !headNames.isEmpty && headNames.allSatisfy { !initialized.contains($0) }
        // A pooler is initialised like the head when the checkpoint has none (a question-answering
        // checkpoint loaded as a classifier), as transformers does; any other encoder tensor must be there.
        let encoderMissing = initialized.filter { isEncoderName($0) && !$0.hasPrefix("pooler.") }
        if !encoderMissing.isEmpty {
            throw NNError.checkpoint(path: files[0].path, reason: "lacks \(encoderMissing.count) encoder tensor\(encoderMissing.count == 1 ? "" : "s")"
                                     + NNError.list(encoderMissing, limit: 3))
        }
        return (model, PretrainedReport(family: config.family, head: head, loaded: loaded, initialized: initialized.sorted(),
                                        ignored: ignored.sorted(), prefix: prefix, renamed: renamed, headLoaded: headLoaded,
                                        headNote: headNote))
    }

    /// The safetensors files of a model directory (one, or the shards of an index).
    static func checkpointFiles(_ directory: URL) throws -> [SafetensorsFile] {
        let fm = FileManager.default
        let single = directory.appendingPathComponent("model.safetensors")
        if fm.fileExists(atPath: single.path) { return [try SafetensorsFile(single)] }
        let indexURL = directory.appendingPathComponent("model.safetensors.index.json")
        if let data = fm.contents(atPath: indexURL.path) {
            guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let map = object["weight_map"] as? [String: Any] else {
                throw NNError.checkpoint(path: indexURL.path, reason: "lacks a weight_map object")
            }
            var shards: [String] = []
            for case let shard as String in map.values where !shards.contains(shard) {
                guard !shard.contains("/"), !shard.hasPrefix(".") else {
                    throw NNError.checkpoint(path: indexURL.path, reason: "names a shard outside the directory: \(shard)")
                }
                shards.append(shard)
            }
            return try shards.sorted().map { try SafetensorsFile(directory.appendingPathComponent($0)) }
        }
        for other in ["pytorch_model.bin", "tf_model.h5", "flax_model.msgpack", "model.ckpt.index"]
        where fm.fileExists(atPath: directory.appendingPathComponent(other).path) {
            throw NNError.checkpoint(path: directory.appendingPathComponent(other).path,
                                     reason: "is not safetensors; convert it with `scripts/convert-checkpoint \(directory.path)`"
                                         + " (needs torch) to write model.safetensors next to it")
        }
        throw NNError.checkpoint(path: directory.path, reason: "holds no model.safetensors")
    }

    /// The number of labels `config.json` declares (`id2label`, else `num_labels`).
    static func labelCount(_ data: Data) -> Int? {
        guard let j = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        if let m = j["id2label"] as? [String: Any], !m.isEmpty, m.count <= 100_000 { return m.count }
        if let n = (j["num_labels"] as? NSNumber)?.intValue, n >= 1, n <= 100_000 { return n }
        return nil
    }

    /// The parameters under Hugging Face's names for this family's task model: encoder tensors
    /// prefixed (`bert.encoder.layer.0…`), head tensors as they are (`classifier.weight`).
    public func huggingFaceState() -> [String: Tensor] {
        var out: [String: Tensor] = [:]
        for (name, t) in stateDictionary() {
            out[Transformer.isEncoderName(name) ? huggingFacePrefix + name : name] = t
        }
        return out
    }

    /// Writes `config.json` and `model.safetensors` to `directory` (created if needed) so that
    /// `transformers.AutoModelForSequenceClassification.from_pretrained` (or
    /// `…ForQuestionAnswering` for span heads) loads this model and computes the same logits.
    /// Tokenizer files are written separately (they belong to the tokenizer).
    public func saveHuggingFace(to directory: URL, labelNames: [String] = []) throws {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw NNError.checkpoint(path: directory.path, reason: "cannot create the directory (\(error.localizedDescription))")
        }
        try Safetensors.write(huggingFaceState(), to: directory.appendingPathComponent("model.safetensors"), metadata: ["format": "pt"])
        let configURL = directory.appendingPathComponent("config.json")
        do {
            try AtomicFile.write([UInt8](config.huggingFaceJSON(head: head, labelNames: labelNames)), to: configURL.path)
        } catch {
            throw NNError.checkpoint(path: configURL.path, reason: "cannot write the file (\(error.reason))")
        }
    }
}
