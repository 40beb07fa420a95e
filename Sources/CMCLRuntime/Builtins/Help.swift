import CMCLLang

/// Help texts, generated from the builtin registry (`:help`, `help(name)`, docs).
public enum Help {
    public static func text(for b: Builtin) -> String {
        var out = b.signature.text + "\n  " + b.summary
        if !b.example.isEmpty {
            out += "\n  example:\n" + b.example.split(separator: "\n", omittingEmptySubsequences: false)
                .map { "    " + $0 }.joined(separator: "\n")
        }
        return out
    }

    /// An overview of every builtin, by category.
    public static func overview(_ registry: BuiltinRegistry) -> String {
        var out = ""
        for (name, title) in registry.categories {
            let items = registry.all.filter { $0.category == name }
            if items.isEmpty { continue }
            out += "\(title):\n"
            for b in items {
                out += "  " + b.name.padding(toLength: max(b.name.count, 18)) + " " + b.summary + "\n"
            }
            for v in registry.values where v.category == name {
                out += "  " + v.name.padding(toLength: max(v.name.count, 18)) + " " + v.summary + "\n"
            }
        }
        return out
    }

    /// Topics (categories) with how many entries each has: the short form of `:help`.
    public static func topics(_ registry: BuiltinRegistry) -> String {
        var out = "Builtins by topic (`:help TOPIC` lists one):\n"
        for (name, title) in registry.categories {
            let n = registry.all.filter { $0.category == name }.count + registry.values.filter { $0.category == name }.count
            if n == 0 { continue }
            out += "  " + name.padding(toLength: 14) + " " + title + " (\(n))\n"
        }
        return out
    }

    /// The entries of one topic, or nil when `topic` is not one.
    public static func topic(_ registry: BuiltinRegistry, _ topic: String) -> String? {
        guard let (name, title) = registry.categories.first(where: { $0.name == topic }) else { return nil }
        var out = "\(title):\n"
        for b in registry.all where b.category == name {
            out += "  " + b.name.padding(toLength: max(b.name.count, 18)) + " " + b.summary + "\n"
        }
        for v in registry.values where v.category == name {
            out += "  " + v.name.padding(toLength: max(v.name.count, 18)) + " " + v.summary + "\n"
        }
        return out
    }

    /// The builtin reference in Markdown (`docs/builtins.md`).
    public static func markdown(_ registry: BuiltinRegistry) -> String {
        var out = "# Builtin reference\n\nGenerated from the builtin registry by `cmcl help --markdown`; "
            + "the same text is shown by `:help NAME` in the REPL.\n"
        for (name, title) in registry.categories {
            let items = registry.all.filter { $0.category == name }
            if items.isEmpty { continue }
            out += "\n## \(title)\n"
            for b in items {
                out += "\n### `\(b.signature.text)`\(b.kind == .property ? " (property)" : "")\n\n\(b.summary)\n"
                if !b.example.isEmpty { out += "\n```\n\(b.example)\n```\n" }
            }
            for v in registry.values where v.category == name {
                out += "\n### `\(v.name)` (value)\n\n\(v.summary)\n"
                if !v.example.isEmpty { out += "\n```\n\(v.example)\n```\n" }
            }
        }
        return out
    }
}

extension String {
    func padding(toLength n: Int) -> String {
        count >= n ? self : self + String(repeating: " ", count: n - count)
    }
}
