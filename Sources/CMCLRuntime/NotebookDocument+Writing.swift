import CMCLBase
import Foundation

extension NotebookDocument {
    /// Writes the document as HTML, or as Markdown when `path` ends in `.md`.
    public static func write(_ document: NotebookDocument, to path: String) throws {
        try FileOutput.write(path.hasSuffix(".md") ? document.markdown() : document.html(), to: path)
    }

    static let style = """
    body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; max-width: 920px; margin: 2em auto; padding: 0 1em; color: #222; }
    h1 { font-size: 1.5em; }
    .cell { margin: 1.2em 0; }
    pre { margin: 0; padding: .6em .8em; overflow-x: auto; font: 13px/1.4 ui-monospace, "DejaVu Sans Mono", Menlo, monospace; white-space: pre; }
    pre.code { background: #f5f7fa; border-left: 3px solid #4a78c2; }
    pre.output { border-left: 3px solid #ccc; }
    pre.error { border-left: 3px solid #c33; background: #fff5f5; color: #900; }
    .plot { margin: .4em 0 .4em 3px; }
    .plot svg { max-width: 100%; height: auto; }
    footer { color: #888; font-size: .8em; margin-top: 3em; }
    """

    /// One self-contained HTML file: inline style, plots as inline SVG, no scripts.
    public func html() -> String {
        var out = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="generator" content="\(Version.text)">
        <title>\(StringEscape.xml(title))</title>
        <style>
        \(NotebookDocument.style)
        </style>
        </head>
        <body>
        <h1>\(StringEscape.xml(title))</h1>

        """
        for (i, cell) in cells.enumerated() {
            out += "<section class=\"cell\" id=\"cell-\(i + 1)\">\n"
            out += "<pre class=\"code\"><code>\(StringEscape.xml(cell.code))</code></pre>\n"
            for o in cell.outputs {
                switch o {
                case .text(let t): out += "<pre class=\"output\">\(StringEscape.xml(t.hasSuffix("\n") ? String(t.dropLast()) : t))</pre>\n"
                case .svg(let s): out += "<div class=\"plot\">\n\(s)</div>\n"
                case .error(let e): out += "<pre class=\"error\">\(StringEscape.xml(e.hasSuffix("\n") ? String(e.dropLast()) : e))</pre>\n"
                }
            }
            out += "</section>\n"
        }
        out += "<footer>\(StringEscape.xml(Version.text))</footer>\n</body>\n</html>\n"
        return out
    }

    /// The first line of every Markdown document `cmcl notebook` writes. Its code blocks are the
    /// notebook's cells with their outputs beside them, not golden examples (the documentation
    /// tests skip such files).
    public static let markdownMarker = "<!-- Written by `cmcl notebook`: edit the notebook, not this file. -->"

    /// Markdown: code and output in fenced blocks, plots as embedded SVG images (data URIs),
    /// so the file stands alone. A cell of comments only (and no output) becomes prose: its
    /// lines without the leading `# ` (so `# ## Claim 1` is a heading); the notebook's first line,
    /// the title, is not repeated.
    public func markdown() -> String {
        var out = NotebookDocument.markdownMarker + "\n# \(title)\n"
        func fence(_ body: String, _ info: String) -> String {
            var ticks = "```"
            while body.contains(ticks) { ticks += "`" }
            return "\n\(ticks)\(info)\n\(body.hasSuffix("\n") ? String(body.dropLast()) : body)\n\(ticks)\n"
        }
        for (i, cell) in cells.enumerated() {
            if cell.outputs.isEmpty, var prose = cell.prose {
                if i == 0, prose.first == title { prose.removeFirst() }
                out += "\n" + prose.joined(separator: "\n") + "\n"
                continue
            }
            out += fence(cell.code, "cmcl")
            for o in cell.outputs {
                switch o {
                case .text(let t): out += fence(t, "text")
                case .error(let e): out += fence(e, "text")
                case .svg(let s): out += "\n![plot](data:image/svg+xml;base64,\(Data(s.utf8).base64EncodedString()))\n"
                }
            }
        }
        return out
    }
}

extension NotebookDocument.Cell {
    /// The lines of a cell made only of `#` comments, without the `# ` (nil for any other cell).
    var prose: [String]? {
        let lines = code.split(separator: "\n", omittingEmptySubsequences: false)
        guard !lines.isEmpty, lines.allSatisfy({ $0.hasPrefix("#") && !$0.hasPrefix("#!") }) else { return nil }
        return lines.map { String($0.hasPrefix("# ") ? $0.dropFirst(2) : $0.dropFirst()) }
    }
}
