import CMCLBase
import Foundation

extension NotebookDocument {
    /// Writes the document as HTML, or as Markdown when `path` ends in `.md`; an existing file is
    /// replaced only as `policy` allows (the caller says how to force it).
    public static func write(_ document: NotebookDocument, to path: String, policy: WritePolicy) throws(FileWriteError) {
        try AtomicFile.write(path.hasSuffix(".md") ? document.markdown() : document.html(), to: path, policy: policy)
    }

    /// Text for Markdown outside code blocks: one line, Markdown's punctuation backslash-escaped
    /// and HTML's special characters as entities, so nothing in it is markup in any viewer.
    static func markdownText(_ s: String) -> String {
        var out = ""
        for ch in s.unicodeScalars {
            if ch.value < 0x20 || ch.value == 0x7f { out += " "; continue }
            if "\\`*_[]#!|~".unicodeScalars.contains(ch) { out += "\\" }
            out.unicodeScalars.append(ch)
        }
        return StringEscape.xml(out)
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

    /// Markdown: code and output in fenced blocks, plots as embedded SVG images (data URIs),
    /// so the file stands alone.
    public func markdown() -> String {
        var out = "# \(Self.markdownText(title))\n"
        func fence(_ body: String, _ info: String) -> String {
            var ticks = "```"
            while body.contains(ticks) { ticks += "`" }
            return "\n\(ticks)\(info)\n\(body.hasSuffix("\n") ? String(body.dropLast()) : body)\n\(ticks)\n"
        }
        for cell in cells {
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
