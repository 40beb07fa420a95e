import CMCLLang

/// Turns a session's successful cells into a runnable script whose output is the session's
/// output: a cell that displayed a value binds it to `_N` (and `_`), as the REPL did, and
/// prints it as `Out[N]: …`.
///
///     # In [1]
///     let _1 = 1 + 2
///     let _ = _1
///     print("Out[1]:", repr(_1))
public enum ScriptWriter {
    public static func script(_ cells: [ReplSession.SavedCell]) -> String {
        var out = "# Saved from a cmcl session; `cmcl FILE` replays it.\n"
        for cell in cells {
            out += "\n"
            if let path = cell.loadedFrom {
                out += "# :load \(path)\n" + cell.source
                if !cell.source.hasSuffix("\n") { out += "\n" }
                continue
            }
            let number = cell.number.map(String.init) ?? "?"
            out += "# In [\(number)]\n"
            guard let shown = cell.output, let n = cell.number else {
                out += cell.source + "\n"
                continue
            }
            out += binding(cell.source, name: "_\(n)") + "\n"
            out += "let _ = _\(n)\n"
            if shown.contains("\n") {
                out += "print(\"Out[\(n)]:\")\nprint(repr(_\(n)))\n"
            } else {
                out += "print(\"Out[\(n)]:\", repr(_\(n)))\n"
            }
        }
        return out
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
