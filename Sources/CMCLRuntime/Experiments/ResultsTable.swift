/// The runs of an experiment: one row per (configuration, seed), with `name`, `seed`,
/// `status`, `seconds` and one column per metric. Displays as an aligned table.
final class ResultsTable: NativeObject, PlainConvertible {
    struct Row {
        var config: Value
        var name: String
        var seed: Double
        var status: String
        var seconds: Double
        var metrics: [(String, Value)]
        var error: String?
        /// The fingerprint of the run function's source (``RunLog/fingerprint(_:)``); nil in
        /// logs written before it was recorded.
        var function: String? = nil
        /// The collapse to one class found during the run (its last, as `fit` or `evaluate`
        /// warned: `all 200 predictions are class 1; macro-F1 0.33`); nil if none was.
        var collapsed: String? = nil
    }

    let rows: [Row]
    init(_ rows: [Row]) { self.rows = rows }

    var typeName: String { "Results" }
    var length: Int? { rows.count }

    var metricNames: [String] {
        var names: [String] = [], seen = Set<String>()
        for r in rows { for (k, _) in r.metrics where seen.insert(k).inserted { names.append(k) } }
        return names
    }

    func record(_ r: Row) -> Value {
        var pairs: [(String, Value)] = [("name", .string(r.name)), ("seed", .number(r.seed)), ("status", .string(r.status)),
                                        ("seconds", .number(r.seconds))]
        pairs += r.metrics
        if let e = r.error { pairs.append(("error", .string(e))) }
        if let c = r.collapsed { pairs.append(("collapsed", .string(c))) }
        return .record(pairs)
    }

    var plainValue: Value { .list(rows.map(record)) }

    var fieldNames: [String] { ["rows", "metrics", "configs"] }
    func field(_ name: String) -> Value? {
        switch name {
        case "rows": return plainValue
        case "metrics": return .list(metricNames.map { .string($0) })
        case "configs":
            var seen = Set<String>(), out: [Value] = []
            for r in rows where seen.insert(r.name).inserted { out.append(r.config) }
            return .list(out)
        default: return nil
        }
    }

    func elements() throws -> [Value]? { rows.map(record) }

    func index(_ items: [IndexValue]) throws -> Value? {
        guard items.count == 1, case .single(.number(let n)) = items[0], n == n.rounded() else { return nil }
        var i = Int(n)
        if i < 0 { i += rows.count }
        guard rows.indices.contains(i) else { throw CMCLError("index \(Int(n)) is out of range for \(rows.count) runs") }
        return record(rows[i])
    }

    func display(_ style: DisplayStyle) -> String {
        let metrics = metricNames
        let failed = rows.filter { $0.status != "ok" }.count
        var header = "Results: \(rows.count) run\(rows.count == 1 ? "" : "s")"
        if failed > 0 { header += ", \(failed) failed" }
        guard !rows.isEmpty else { return header }
        let hasErrors = rows.contains { $0.error != nil }
        // A run whose model predicted one class for everything is marked: its metrics are
        // those of a constant classifier, not of the method.
        let collapsed = rows.filter { $0.collapsed != nil }.count
        let shown = rows.count > 40 ? Array(rows.prefix(20)) + Array(rows.suffix(20)) : rows
        let cells = shown.map { r -> [String] in
            var c = [r.name, TextGrid.cell(r.seed), r.status, String(format: "%.2f", r.seconds)]
            c += metrics.map { m in
                guard let v = r.metrics.first(where: { $0.0 == m })?.1 else { return "" }
                if case .number(let n) = v { return TextGrid.cell(n) }
                return Display.render(v, .print)
            }
            if collapsed > 0 { c.append(r.collapsed.map { text in "yes: " + (text.split(separator: ";").first.map(String.init) ?? text) } ?? "") }
            if hasErrors { c.append(r.error.map { $0.count > 50 ? String($0.prefix(49)) + "…" : $0 } ?? "") }
            return c
        }
        let grid = TextGrid(header: ["name", "seed", "status", "seconds"] + metrics + (collapsed > 0 ? ["collapsed"] : [])
                            + (hasErrors ? ["error"] : []), rows: cells)
        var text = header + "\n" + grid.render() + (rows.count > 40 ? "\n… \(rows.count - 40) runs not shown" : "")
        if collapsed > 0 {
            text += "\nnote: \(collapsed) of \(rows.count) run\(rows.count == 1 ? "" : "s") predicted one class for every example "
                + "(collapsed); their metrics are a constant classifier's"
        }
        return text
    }
}
