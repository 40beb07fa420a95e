/// Renders diagnostics as text, in the one format cmcl uses everywhere:
///
///     error: name `epoch` is not defined
///      --> train.cmcl:3:11
///       |
///     3 | print(cfg.epoch)
///       |           ^^^^^
///       = help: did you mean `epochs`?
public struct DiagnosticRenderer: Sendable {
    /// Use ANSI colours (for terminals).
    public var color: Bool

    public init(color: Bool = false) {
        self.color = color
    }

    public func render(_ d: Diagnostic) -> String {
        var out = ""
        let label = d.kind == .interrupted ? "interrupted" : "error"
        out += paint(label, "1;31") + paint(": " + d.message, "1") + "\n"
        if let file = d.file {
            out += excerpt(file: file, span: d.span)
        }
        if let hint = d.hint {
            out += "  = " + paint("help", "1;36") + ": " + hint + "\n"
        }
        if !d.trace.isEmpty {
            out += "  = trace (innermost first):\n"
            for frame in d.trace.prefix(12) {
                var place = ""
                if let file = frame.file {
                    let (line, col) = file.location(of: frame.span.start)
                    place = " at \(file.name):\(line):\(col)"
                }
                out += "      in \(frame.function)\(place)\n"
            }
            if d.trace.count > 12 { out += "      … \(d.trace.count - 12) more frames\n" }
        }
        return out
    }

    private func excerpt(file: SourceFile, span: Span) -> String {
        let (line, col) = file.location(of: span.start)
        let gutter = String(line).count
        let pad = String(repeating: " ", count: gutter)
        var out = "\(pad)\(paint("-->", "1;34")) \(file.name):\(line):\(col)\n"
        let text = file.lineText(line)
        out += "\(pad) \(paint("|", "1;34"))\n"
        out += "\(paint(String(line), "1;34")) \(paint("|", "1;34")) \(text)\n"
        // Underline within the first line of the span.
        let endLine = file.line(of: max(span.start, span.end - 1))
        let width: Int
        if span.end <= span.start {
            width = 1
        } else if endLine == line {
            let (_, endCol) = file.location(of: span.end)
            width = max(1, endCol - col)
        } else {
            width = max(1, text.count - (col - 1))
        }
        let lead = String(text.prefix(col - 1).map { $0 == "\t" ? "\t" : " " })
        out += "\(pad) \(paint("|", "1;34")) \(lead)\(paint(String(repeating: "^", count: width), "1;31"))\n"
        return out
    }

    private func paint(_ s: String, _ code: String) -> String {
        color ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s
    }
}
