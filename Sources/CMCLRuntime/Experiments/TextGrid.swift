/// Aligned text tables for results and comparisons: a header, a rule, and rows whose
/// numeric-looking cells are right-aligned.
///
///     TextGrid(header: ["name", "acc"], rows: [["plain", "0.8125"]]).render()
struct TextGrid {
    var header: [String]
    var rows: [[String]]

    func render() -> String {
        let width = header.indices.map { c in
            max(header[c].count, rows.map { c < $0.count ? $0[c].count : 0 }.max() ?? 0)
        }
        let numeric = header.indices.map { c in
            !rows.isEmpty && rows.allSatisfy { c >= $0.count || TextGrid.isNumeric($0[c]) }
        }
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for c in header.indices {
                let s = c < cells.count ? cells[c] : ""
                let pad = String(repeating: " ", count: max(0, width[c] - s.count))
                parts.append(numeric[c] ? pad + s : s + pad)
            }
            var text = parts.joined(separator: "  ")
            while text.hasSuffix(" ") { text.removeLast() }
            return text
        }
        var out = [line(header), width.map { String(repeating: "─", count: $0) }.joined(separator: "  ")]
        out += rows.map(line)
        return out.joined(separator: "\n")
    }

    static func isNumeric(_ s: String) -> Bool {
        guard let f = s.first else { return true }
        return f.isNumber || ((f == "-" || f == "+" || f == "[") && s.dropFirst().first.map { $0.isNumber || $0 == "-" || $0 == "+" } == true)
            || s == "nan" || s == "inf" || s == "-inf" || s == "—"
    }

    /// A number for a table cell: whole numbers as such, others with `digits` decimals.
    static func cell(_ n: Double, digits: Int = 4) -> String {
        if n.isNaN { return "nan" }
        if n == n.rounded(), abs(n) < 1e15 { return Display.number(n) }
        return String(format: "%.\(digits)f", n)
    }
}
