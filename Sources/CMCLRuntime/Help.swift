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
        }
        return out
    }
}

extension String {
    func padding(toLength n: Int) -> String {
        count >= n ? self : self + String(repeating: " ", count: n - count)
    }
}
