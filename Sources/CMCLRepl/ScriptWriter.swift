import CMCLLang

/// Turns a session's successful cells into a script: each cell as it was typed, under an
/// `# In [N]` comment, with the value it displayed as `# Out[N]: …` comment lines (as Jupyter's
/// "download as script" does).
///
///     # In [1]
///     1 + 2
///     # Out[1]: 3
public enum ScriptWriter {
    public static func script(_ cells: [ReplSession.SavedCell]) -> String {
        var out = "# Saved from a cmcl session: the cells as typed; `cmcl FILE` runs them.\n"
        for cell in cells {
            out += "\n"
            if let path = cell.loadedFrom {
                out += "# :load \(path)\n" + cell.source
                if !cell.source.hasSuffix("\n") { out += "\n" }
                continue
            }
            out += "# In [\(cell.number.map(String.init) ?? "?")]\n"
            // A value that a later cell reads as `_N` (or `_`) is bound as the REPL bound it.
            var source = cell.source
            if cell.output != nil, let n = cell.number {
                let later = cells.drop { $0.number.map { $0 <= n } ?? true }
                if later.contains(where: { mentions($0.source, "_\(n)") }) {
                    source = binding(source, name: "_\(n)")
                }
                if let next = later.first, mentions(next.source, "_") {
                    source = (source == cell.source ? binding(source, name: "_") : source + "\nlet _ = _\(n)")
                }
            }
            out += source
            if !source.hasSuffix("\n") { out += "\n" }
            if let shown = cell.output {
                out += shown.split(separator: "\n", omittingEmptySubsequences: false).map { "# " + $0 }.joined(separator: "\n") + "\n"
            }
        }
        return out
    }

    /// Whether `source` uses the identifier `name` (not as part of a longer name).
    static func mentions(_ source: String, _ name: String) -> Bool {
        let file = SourceFile(name: "<cell>", text: source)
        var lexer = Lexer(file: file)
        return lexer.tokenize().contains { $0.kind == .identifier && file.text(of: $0.span) == name }
    }

    /// The cell's source with its last statement (an expression) bound to `name`.
    static func binding(_ source: String, name: String) -> String {
        let file = SourceFile(name: "<cell>", text: source)
        let (program, diagnostics) = Parser.parse(file)
        guard diagnostics.isEmpty, let last = program.statements.last, case .expression = last.kind else {
            return source
        }
        let bytes = file.bytes
        let start = max(0, min(last.span.start, bytes.count))
        let end = max(start, min(last.span.end, bytes.count))
        let before = String(decoding: bytes[..<start], as: UTF8.self)
        let expr = String(decoding: bytes[start..<end], as: UTF8.self)
        let after = String(decoding: bytes[end...], as: UTF8.self)
        return before + "let \(name) = " + expr + after
    }
}
