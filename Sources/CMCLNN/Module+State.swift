import CMCLBase
import CMCLTensor
import Foundation

/// What ``Module/load(stateDictionary:strict:stripPrefix:)`` did.
public struct LoadReport: Sendable, Equatable, CustomStringConvertible {
    /// Parameters of the model that the state did not provide (left unchanged).
    public var missing: [String]
    /// Entries of the state that the model has no parameter for (ignored).
    public var unexpected: [String]
    /// The number of parameters that were set.
    public var loaded: Int
    /// The prefix removed from the checkpoint's names (`bert.`…), when one was.
    public var prefix: String? = nil
    /// How many legacy `gamma` / `beta` names were read as `weight` / `bias`.
    public var renamed: Int = 0
    /// When fewer than half of the model's parameters were found: what probably went wrong.
    public var warning: String? = nil

    public var description: String {
        "loaded \(loaded) tensors; \(missing.count) missing\(NNError.list(missing)); \(unexpected.count) unexpected\(NNError.list(unexpected))"
    }
}

extension Module {
    /// The parameters by dotted name: PyTorch's `state_dict()`. The tensors share storage with the
    /// parameters; copy them to keep a snapshot.
    public func stateDictionary() -> [String: Tensor] {
        var out: [String: Tensor] = [:]
        for p in parameters() { out[p.name] = p.value.detach() }
        return out
    }

    /// Deep copies of every parameter value (a snapshot that later updates do not change).
    public func snapshot() -> [String: Tensor] {
        Tensor.withNoGrad {
            var out: [String: Tensor] = [:]
            for p in parameters() { out[p.name] = p.value.detach().copy() }
            return out
        }
    }

    /// Sets parameters from `state` (values are copied; float types are converted to the
    /// parameter's type).
    ///
    /// - Parameters:
    ///   - strict: when true (default), any missing parameter, unexpected entry (other than
    ///     ``ignoredStateKeys``) or shape mismatch throws ``NNError/stateMismatch`` and nothing is
    ///     changed. When false, only shape mismatches throw; the report lists the rest.
    ///   - stripPrefix: removed from the start of entry names first (e.g. `"bert."` for a
    ///     Hugging Face `BertFor…` checkpoint). When nil, a known prefix
    ///     (``CheckpointNames/knownPrefixes``) is removed if that makes more names match.
    ///
    /// Legacy layer-norm names (`…LayerNorm.gamma`, `…beta`) are read as `weight` and `bias`.
    /// When fewer than half of the model's parameters are found, the report's `warning` says why.
    @discardableResult
    public func load(stateDictionary state: [String: Tensor], strict: Bool = true, stripPrefix: String? = nil) throws -> LoadReport {
        let params = parameters()
        let names = Set(params.map(\.name))
        let prefix = stripPrefix.flatMap { $0.isEmpty ? nil : $0 } ?? CheckpointNames.bestPrefix(Array(state.keys), targets: names)
        var entries: [String: Tensor] = [:]
        var renamed = 0
        for (k, v) in state {
            var key = k
            if let prefix, key.hasPrefix(prefix) { key = String(key.dropFirst(prefix.count)) }
            if !names.contains(key) {
                let modern = CheckpointNames.modernized(key)
                if modern != key, names.contains(modern) { key = modern; renamed += 1 }
            }
            entries[key] = v
        }
        let ignored = ignoredStateKeys
        let missing = params.map(\.name).filter { entries[$0] == nil }
        let unexpected = entries.keys.filter { !names.contains($0) && !ignored.contains($0) }.sorted()
        var shapes: [String] = []
        for p in params {
            guard let t = entries[p.name] else { continue }
            if t.shape != p.shape {
                shapes.append("\(p.name): model \(p.shape), checkpoint \(t.shape)")
            } else if t.dtype.isFloatingPoint != p.value.dtype.isFloatingPoint {
                shapes.append("\(p.name): model \(p.value.dtype), checkpoint \(t.dtype)")
            }
        }
        if !shapes.isEmpty || (strict && (!missing.isEmpty || !unexpected.isEmpty)) {
            throw NNError.stateMismatch(op: "load state", missing: strict ? missing : [], unexpected: strict ? unexpected : [], shapeMismatches: shapes)
        }
        var loaded = 0
        try Tensor.withNoGrad {
            for p in params {
                guard let t = entries[p.name] else { continue }
                p.value = try t.detach().to(p.value.dtype).copy()
                loaded += 1
            }
        }
        var report = LoadReport(missing: missing, unexpected: unexpected, loaded: loaded, prefix: prefix, renamed: renamed)
        if 2 * loaded < params.count {
            report.warning = "only \(loaded) of the model's \(params.count) tensors were found in the checkpoint; "
                + CheckpointNames.diagnosis(checkpoint: Array(state.keys), model: params.map(\.name))
        }
        return report
    }

    /// Saves the parameters to a safetensors file (names as in ``stateDictionary()``).
    ///
    /// ```swift
    /// try net.save(to: URL(fileURLWithPath: "ckpt.safetensors"))
    /// ```
    /// Text models also record their architecture in the metadata, so that
    /// ``TextModel/load(from:)`` can rebuild them.
    public func save(to url: URL, metadata: [String: String] = [:], policy: WritePolicy = .replace) throws {
        var meta = (self as? TextModel)?.architecture ?? [:]
        meta.merge(metadata) { _, new in new }
        try Safetensors.write(stateDictionary(), to: url, metadata: meta, policy: policy)
    }

    /// Loads parameters from a safetensors file; see ``load(stateDictionary:strict:stripPrefix:)``.
    @discardableResult
    public func load(from url: URL, strict: Bool = true, stripPrefix: String? = nil) throws -> LoadReport {
        let state = try Safetensors.read(from: url)
        do {
            return try load(stateDictionary: state, strict: strict, stripPrefix: stripPrefix)
        } catch let NNError.stateMismatch(_, m, u, s) {
            throw NNError.stateMismatch(op: "load \(url.lastPathComponent)", missing: m, unexpected: u, shapeMismatches: s)
        }
    }
}
