import CMCLTensor

extension Module {
    /// A readable table of the model: one row per parameter (dotted name, owning layer type,
    /// shape, count), then totals.
    ///
    /// ```
    /// Transformer — classification (2 classes)
    /// parameter                                   layer      shape         count
    /// embeddings.word_embeddings.weight           Embedding  [5000, 128]   640,000
    /// …
    /// total 4,385,410 parameters (4,385,410 trainable, 16.7 MiB as float32)
    /// ```
    public func summary() -> String {
        var rows: [(String, String, String, String)] = []
        func walk(_ m: Module) {
            for p in m.localParameters {
                rows.append((p.name + (p.isTrainable ? "" : " (frozen)"), m.typeName, "\(p.shape)", Module.grouped(p.count)))
            }
            for (_, c) in m.children { walk(c) }
        }
        walk(self)
        let header = ("parameter", "layer", "shape", "count")
        let all = [header] + rows
        let w0 = all.map(\.0.count).max() ?? 0, w1 = all.map(\.1.count).max() ?? 0
        let w2 = all.map(\.2.count).max() ?? 0, w3 = all.map(\.3.count).max() ?? 0
        func line(_ r: (String, String, String, String)) -> String {
            Module.pad(r.0, w0) + "  " + Module.pad(r.1, w1) + "  " + Module.pad(r.2, w2) + "  "
                + String(repeating: " ", count: w3 - r.3.count) + r.3
        }
        var title = typeName
        if let t = self as? TextModel { title += " — \(t.head)" }
        var out = [title, line(header), String(repeating: "-", count: w0 + w1 + w2 + w3 + 6)]
        out += rows.map(line)
        let total = parameterCount, trainable = trainableParameterCount
        let mib = Double(parameters().reduce(0) { $0 + $1.count * $1.value.dtype.byteSize }) / 1_048_576
        let size = mib < 10 ? String(Double(Int(mib * 100)) / 100) : String(Int(mib.rounded()))
        out.append("total \(Module.grouped(total)) parameters (\(Module.grouped(trainable)) trainable, \(size) MiB)")
        return out.joined(separator: "\n")
    }

    static func pad(_ s: String, _ w: Int) -> String { s + String(repeating: " ", count: Swift.max(0, w - s.count)) }

    /// `1234567` → `1,234,567`.
    static func grouped(_ n: Int) -> String {
        let digits = Array(String(Swift.abs(n)))
        var out = ""
        for (i, d) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(d)
        }
        return (n < 0 ? "-" : "") + out
    }
}
