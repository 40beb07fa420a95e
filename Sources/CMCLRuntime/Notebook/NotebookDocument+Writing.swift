import CMCLBase
import Foundation

extension NotebookDocument {
    /// Writes the document as HTML, or as Markdown when `path` ends in `.md`; an existing file is
    /// replaced only as `policy` allows (the caller says how to force it). A `.md` file gets its
    /// plots as SVG files in `NAME_files/` beside it, linked relatively (GitHub does not show
    /// data-URI images); they are written under the same policy.
    public static func write(_ document: NotebookDocument, to path: String, policy: WritePolicy) throws(FileWriteError) {
        guard path.hasSuffix(".md") else { return try AtomicFile.write(document.html(), to: path, policy: policy) }
        // Refuse before writing any plot file when the document itself may not be replaced.
        _ = try AtomicFile.checkReplace(path, policy: policy)
        let base = ((path as NSString).lastPathComponent as NSString).deletingPathExtension + "_files"
        let folder = ((path as NSString).deletingLastPathComponent as NSString).appendingPathComponent(base)
        var plots: [String] = []
        let text = document.markdown { svg in
            plots.append(svg)
            return "\(base)/plot-\(plots.count).svg"
        }
        if !plots.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw FileWriteError(path: folder, reason: "cannot create the folder for the plots")
            }
            for (i, svg) in plots.enumerated() {
                try AtomicFile.write(svg, to: (folder as NSString).appendingPathComponent("plot-\(i + 1).svg"), policy: policy)
            }
        }
        try AtomicFile.write(text, to: path, policy: policy)
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

    /// A line of comment prose for Markdown: kept as written, but every `<` is `&lt;` so that a
    /// comment cannot open a tag, except inside `$…$` math, which Markdown viewers (GitHub,
    /// Jupyter) render as TeX: there `<` and `>` are written `\lt` and `\gt`, which read the same.
    static func markdownProse(_ line: String) -> String {
        codeSpans(line) { piece, isCode in
            if isCode { return "`" + piece + "`" }
            return TeXMath.split(piece).map { part in
                part.isMath
                    ? "$" + part.text.replacingOccurrences(of: "<", with: "\\lt ").replacingOccurrences(of: ">", with: "\\gt ") + "$"
                    : part.text.replacingOccurrences(of: "<", with: "&lt;")
            }.joined()
        }
    }

    /// `s` with each piece between backticks rendered by `render(piece, isCode)`; a backtick
    /// without its pair stays in the text.
    static func codeSpans(_ s: String, _ render: (String, Bool) -> String) -> String {
        let pieces = s.components(separatedBy: "`")
        return pieces.enumerated().map { k, piece in
            if k % 2 == 0 { return render(piece, false) }
            return k == pieces.count - 1 ? render("`" + piece, false) : render(piece, true)
        }.joined()
    }

    /// A cell split into its leading comment block (prose, `#` removed) and the code after it.
    /// The first cell's opening line is dropped when it is the document's title.
    func parts(_ cell: Cell, first: Bool) -> (prose: [String], code: String) {
        var lines = cell.code.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var prose: [String] = []
        while let l = lines.first, l.hasPrefix("#"), !l.hasPrefix("#!") {
            prose.append(String(l.dropFirst(l.hasPrefix("# ") ? 2 : 1)))
            lines.removeFirst()
        }
        if first, prose.first?.trimmingCharacters(in: .whitespaces) == title { prose.removeFirst() }
        while prose.first?.trimmingCharacters(in: .whitespaces).isEmpty == true { prose.removeFirst() }
        return (prose, lines.joined(separator: "\n"))
    }

    /// Comment prose as HTML: paragraphs, `- ` lists, `code`, *emphasis*, **strong**, and `$…$`
    /// math as MathML (``TeXMath``).
    static func proseHTML(_ lines: [String]) -> String {
        var out = "", paragraph: [String] = [], list: [String] = []
        func styled(_ s: String) -> String {
            var t = StringEscape.xml(s)
            for (pattern, tag) in [("\\*\\*([^*]+)\\*\\*", "strong"), ("\\*([^*\\s][^*]*)\\*", "em")] {
                t = t.replacingOccurrences(of: pattern, with: "<\(tag)>$1</\(tag)>", options: .regularExpression)
            }
            return t
        }
        func inline(_ s: String) -> String {
            // Code spans first (a `$` in code is code), then math in the text between them.
            codeSpans(s) { piece, isCode in
                isCode ? "<code>\(StringEscape.xml(piece))</code>"
                    : TeXMath.split(piece).map { $0.isMath ? TeXMath.mathML($0.text) : styled($0.text) }.joined()
            }
        }
        func flush() {
            if !paragraph.isEmpty { out += "<p>" + inline(paragraph.joined(separator: " ")) + "</p>\n"; paragraph = [] }
            if !list.isEmpty { out += "<ul>" + list.map { "<li>" + inline($0) + "</li>" }.joined() + "</ul>\n"; list = [] }
        }
        for line in lines {
            let t = line.trimmingCharacters(in: .whitespaces)
            if t.isEmpty { flush(); continue }
            if t.hasPrefix("- ") || t.hasPrefix("* ") {
                if !paragraph.isEmpty { flush() }
                list.append(String(t.dropFirst(2)))
            } else if !list.isEmpty && line.hasPrefix("  ") {
                list[list.count - 1] += " " + t
            } else {
                if !list.isEmpty { flush() }
                paragraph.append(t)
            }
        }
        flush()
        return out
    }

    static let style = """
    body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; max-width: 920px; margin: 2em auto; padding: 0 1em; color: #222; }
    h1 { font-size: 1.5em; }
    .cell { margin: 1.2em 0; }
    pre { margin: 0; padding: .6em .8em; overflow-x: auto; font: 13px/1.4 ui-monospace, "DejaVu Sans Mono", Menlo, monospace; white-space: pre; }
    pre.code { white-space: pre-wrap; overflow-wrap: anywhere; }
    .prose { line-height: 1.5; }
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
            let (prose, code) = parts(cell, first: i == 0)
            if !prose.isEmpty { out += "<div class=\"prose\">\n" + NotebookDocument.proseHTML(prose) + "</div>\n" }
            if !code.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                out += "<pre class=\"code\"><code>\(StringEscape.xml(code))</code></pre>\n"
            }
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

    /// Markdown: comment blocks as prose, code and output in fenced blocks; plots as embedded
    /// SVG images (data URIs) so the text stands alone, or where `plot` says (a file beside it).
    public func markdown(plot: ((String) -> String)? = nil) -> String {
        var out = NotebookDocument.markdownMarker + "\n# \(Self.markdownText(title))\n"
        func fence(_ body: String, _ info: String) -> String {
            var ticks = "```"
            while body.contains(ticks) { ticks += "`" }
            return "\n\(ticks)\(info)\n\(body.hasSuffix("\n") ? String(body.dropLast()) : body)\n\(ticks)\n"
        }
        for (i, cell) in cells.enumerated() {
            let (prose, code) = parts(cell, first: i == 0)
            // Prose keeps its Markdown (lists, emphasis, code spans, quotes) but no HTML: every `<`
            // becomes `&lt;`, so a comment cannot open a tag in a Markdown viewer.
            if !prose.isEmpty { out += "\n" + prose.map(Self.markdownProse).joined(separator: "\n") + "\n" }
            if !code.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { out += fence(code, "cmcl") }
            for o in cell.outputs {
                switch o {
                case .text(let t): out += fence(t, "text")
                case .error(let e): out += fence(e, "text")
                case .svg(let s):
                    out += "\n![plot](\(plot?(s) ?? "data:image/svg+xml;base64," + Data(s.utf8).base64EncodedString()))\n"
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
