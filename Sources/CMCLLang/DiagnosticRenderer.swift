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
        // User strings inside messages (paths, values) cannot send escape sequences to the terminal.
        out += paint(label, "1;31") + paint(": " + StringEscape.printable(d.message), "1") + "\n"
        if let file = d.file {
            out += excerpt(file: file, span: d.span)
        }
        if let hint = d.hint {
            out += "  = " + paint("help", "1;36") + ": " + StringEscape.printable(hint) + "\n"
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

    /// The most bytes of a source line quoted; a longer line is shown as a window around
    /// the caret, cut with `…`.
    static let maxQuotedBytes = 320

    private func excerpt(file: SourceFile, span: Span) -> String {
        let (line, col) = file.location(of: span.start)
        let gutter = String(line).count
        let pad = String(repeating: " ", count: gutter)
        var out = "\(pad)\(paint("-->", "1;34")) \(StringEscape.printable(file.name)):\(line):\(col)\n"
        let bytes = file.bytes
        let lineStart = file.lineStarts[line - 1]
        var lineEnd = line < file.lineStarts.count ? file.lineStarts[line] - 1 : bytes.count
        if lineEnd > lineStart, bytes[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
        let offset = max(lineStart, min(span.start, lineEnd))
        var from = lineStart, to = lineEnd
        if to - from > Self.maxQuotedBytes {
            from = max(lineStart, offset - Self.maxQuotedBytes / 4)
            while from > lineStart, bytes[from] & 0xC0 == 0x80 { from -= 1 }
            to = min(lineEnd, from + Self.maxQuotedBytes)
            while to < lineEnd, bytes[to] & 0xC0 == 0x80 { to += 1 }
        }
        let before = Self.visible(bytes[from..<offset])
        let shown = Self.visible(bytes[from..<to])
        let text = (from > lineStart ? "…" : "") + shown + (to < lineEnd ? "…" : "")
        out += "\(pad) \(paint("|", "1;34"))\n"
        out += "\(paint(String(line), "1;34")) \(paint("|", "1;34")) \(text)\n"
        // Underline within the shown part of the span's first line.
        let width = max(1, Self.visible(bytes[offset..<max(offset, min(span.end, to))]).count)
        let lead = (from > lineStart ? " " : "") + String(before.map { $0 == "\t" ? "\t" : " " })
        out += "\(pad) \(paint("|", "1;34")) \(lead)\(paint(String(repeating: "^", count: width), "1;31"))\n"
        return out
    }

    /// Source bytes as quoted text: control characters (other than tab) shown as their
    /// Unicode control pictures (`␀`), so a stray byte cannot upset the terminal.
    static func visible(_ bytes: ArraySlice<UInt8>) -> String {
        var out = String.UnicodeScalarView()
        for scalar in String(decoding: bytes, as: UTF8.self).unicodeScalars {
            if scalar.value < 0x20, scalar != "\t" {
                out.append(Unicode.Scalar(0x2400 + scalar.value) ?? "?")
            } else if scalar.value == 0x7F {
                out.append("\u{2421}")
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    private func paint(_ s: String, _ code: String) -> String {
        color ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s
    }
}
