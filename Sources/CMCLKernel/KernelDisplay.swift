import CMCLBase
import CMCLData
import CMCLRuntime

/// How a cell's value is shown in a notebook: always `text/plain` (the REPL's rendering);
/// plots also as `image/svg+xml`; records, lists of records, experiment results, comparisons
/// and training histories also as an HTML table (`text/html`).
enum KernelDisplay {
    /// The MIME bundle of a value.
    static func bundle(_ value: Value) -> JSONObject {
        if case .object(let o) = value, let rich = o as? RichDisplay { return bundle(rich: rich) }
        var data: JSONObject = ["text/plain": .string(Display.render(value, .repl))]
        if let html = html(value) { data["text/html"] = .string(html) }
        return data
    }

    /// A plot: its SVG, with its text drawing as the fallback.
    static func bundle(rich: any RichDisplay) -> JSONObject {
        let text = (rich as? any NativeObject)?.display(.print) ?? "<plot>"
        return ["image/svg+xml": .string(singleSVG(rich.svg)), "text/plain": .string(text)]
    }

    /// One SVG document for `svg`, which may hold several `<svg>` elements (a history's loss
    /// and metric charts): they are stacked top to bottom inside an outer `<svg>`, since an
    /// `image/svg+xml` output (shown as an image) must be a single document.
    static func singleSVG(_ svg: String) -> String {
        let parts = svg.components(separatedBy: "<svg").dropFirst()
        guard parts.count > 1 else { return svg }
        func size(_ name: String, _ element: String) -> Int {
            guard let r = element.range(of: "\(name)=\"") else { return 0 }
            return Int(element[r.upperBound...].prefix { $0.isNumber }) ?? 0
        }
        var body = "", y = 0, width = 0
        for part in parts {
            let element = part.trimmingCharacters(in: .whitespacesAndNewlines)
            body += "<svg x=\"0\" y=\"\(y)\" " + element + "\n"
            y += size("height", element)
            width = max(width, size("width", element))
        }
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(y)\" viewBox=\"0 0 \(width) \(y)\">\n"
            + body + "</svg>\n"
    }

    /// Most rows and columns an HTML table shows.
    static let maxRows = 500

    static func html(_ value: Value) -> String? {
        switch value {
        case .record(let r) where !r.keys.isEmpty:
            var out = "<table class=\"cmcl-record\">\n"
            for (k, v) in r.pairs.prefix(maxRows) {
                out += "<tr><th style=\"text-align:left\">\(StringEscape.xml(k))</th><td style=\"text-align:left\">\(cell(v))</td></tr>\n"
            }
            return out + "</table>"
        case .list(let l):
            return table(l.items)
        case .object(let o):
            if let plain = o as? PlainConvertible { return html(plain.plainValue) }
            if o.typeName == "History", case .list(let evals)? = o.field("evals") {
                let steps = o.length ?? 0
                var out = "<p>History: \(steps) step\(steps == 1 ? "" : "s")"
                if case .number(let s)? = o.field("seconds") { out += ", " + StringEscape.xml(Display.duration(s)) }
                out += "</p>"
                if let t = table(evals.items) { out += "\n" + t }
                return out
            }
            return nil
        default:
            return nil
        }
    }

    /// A list of records as a table (one column per field, in order of first appearance).
    static func table(_ items: [Value]) -> String? {
        var columns: [String] = [], seen = Set<String>()
        var rows: [RecordObject] = []
        for item in items {
            guard case .record(let r) = item else { return nil }
            rows.append(r)
            for k in r.keys where seen.insert(k).inserted { columns.append(k) }
        }
        guard !rows.isEmpty else { return nil }
        var out = "<table class=\"cmcl-table\">\n<thead><tr>"
        for c in columns { out += "<th>\(StringEscape.xml(c))</th>" }
        out += "</tr></thead>\n<tbody>\n"
        for r in rows.prefix(maxRows) {
            out += "<tr>"
            for c in columns { out += "<td>\(r[c].map(cell) ?? "")</td>" }
            out += "</tr>\n"
        }
        out += "</tbody>\n</table>"
        if rows.count > maxRows { out += "\n<p>… \(rows.count - maxRows) more rows</p>" }
        return out
    }

    private static func cell(_ v: Value) -> String {
        var text = Display.render(v, .repl)
        if case .string(let s) = v { text = s }
        if text.count > 200 { text = String(text.prefix(199)) + "…" }
        return StringEscape.xml(text)
    }
}
