/// How checkpoint tensor names map to a model's parameter names: the legacy `gamma`/`beta`
/// layer-norm names, the `bert.` / `electra.` / `roberta.` prefixes of Hugging Face task models,
/// and a diagnosis when a checkpoint clearly does not fit a model.
///
/// ```swift
/// CheckpointNames.modernized("bert.embeddings.LayerNorm.gamma")   // "bert.embeddings.LayerNorm.weight"
/// CheckpointNames.bestPrefix(["bert.pooler.dense.bias"], targets: ["pooler.dense.bias"])  // "bert."
/// ```
public enum CheckpointNames {
    /// Prefixes that wrap an encoder's names in task models and training wrappers.
    public static let knownPrefixes = ["bert.", "electra.", "roberta.", "model.", "module."]

    /// `name` with a legacy `gamma` / `beta` last component renamed to `weight` / `bias`.
    public static func modernized(_ name: String) -> String {
        if name.hasSuffix(".gamma") { return String(name.dropLast(6)) + ".weight" }
        if name.hasSuffix(".beta") { return String(name.dropLast(5)) + ".bias" }
        return name
    }

    /// The number of `names` that are in `targets` once `prefix` is removed (names without the
    /// prefix count as they are).
    static func matches(_ names: [String], removing prefix: String?, targets: Set<String>) -> Int {
        names.reduce(0) { n, name in
            var key = name
            if let prefix, key.hasPrefix(prefix) { key.removeFirst(prefix.count) }
            return n + (targets.contains(key) ? 1 : 0)
        }
    }

    /// The known prefix whose removal makes more `names` match `targets` than leaving them as
    /// they are, or nil.
    public static func bestPrefix(_ names: [String], targets: Set<String>) -> String? {
        var best: (prefix: String?, count: Int) = (nil, matches(names, removing: nil, targets: targets))
        for p in knownPrefixes where names.contains(where: { $0.hasPrefix(p) }) {
            let c = matches(names, removing: p, targets: targets)
            if c > best.count { best = (p, c) }
        }
        return best.prefix
    }

    /// Why few of the model's parameters were found in a checkpoint: a prefix that the model's
    /// names lack, or a different architecture (with a sample of each side's names).
    public static func diagnosis(checkpoint: [String], model: [String]) -> String {
        let targets = Set(model)
        // A prefix shared by the checkpoint's names (its first components) that would make them match.
        var prefixes: [String: Int] = [:]
        for name in checkpoint {
            let parts = name.split(separator: ".")
            for k in 1..<max(1, parts.count) {
                let p = parts.prefix(k).joined(separator: ".") + "."
                if targets.contains(String(name.dropFirst(p.count))) { prefixes[p, default: 0] += 1 }
            }
        }
        if let (p, n) = prefixes.max(by: { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }), n >= 2 {
            return "the checkpoint's names carry the prefix '\(p)' (\(n) tensors match without it): pass prefix: \"\(p)\""
        }
        // Names inside the model's prefix, the other way around.
        var added: [String: Int] = [:]
        for name in model {
            for p in knownPrefixes where checkpoint.contains(String(name.dropFirst(p.count))) && name.hasPrefix(p) {
                added[p, default: 0] += 1
            }
        }
        if let (p, n) = added.max(by: { $0.value < $1.value }), n >= 2 {
            return "the model's names start with '\(p)' but the checkpoint's do not (\(n) would match)"
        }
        let sampleC = checkpoint.sorted().prefix(2).map { "'\($0)'" }.joined(separator: ", ")
        let sampleM = model.prefix(2).map { "'\($0)'" }.joined(separator: ", ")
        return "the checkpoint is probably a different architecture (its names: \(sampleC)…; the model's: \(sampleM)…)"
    }
}
