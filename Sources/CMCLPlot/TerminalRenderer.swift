import Foundation

/// Draws a `Figure` as text for a terminal: braille dots for lines, eighth blocks for bars and
/// histograms, shades for heatmaps. Curves are told apart by a glyph each (● ▲ ■ ◆ …) and, with
/// `color`, by ANSI colours too; every axis labels both its ends.
///
/// ```swift
/// print(TerminalRenderer(width: 60, height: 10).render(figure))
/// ```
public struct TerminalRenderer: Sendable {
    /// Columns the chart may use, labels included (30…400).
    public var width: Int
    /// Rows of a line chart or histogram, axis and labels included (6…200).
    public var height: Int
    /// Whether series are coloured with ANSI escapes (for a terminal that shows them).
    public var color: Bool

    /// Series markers, also shown in the legend.
    static let markers: [Character] = ["●", "▲", "■", "◆", "✚", "○", "△", "□"]
    static let colors = ["34", "31", "32", "35", "33", "36", "94", "91"]

    /// A renderer for charts of about `width` × `height` cells, clamped to the ranges above.
    public init(width: Int = 72, height: Int = 16, color: Bool = false) {
        self.width = max(30, min(width, 400))
        self.height = max(6, min(height, 200))
        self.color = color
    }

    /// The chart as lines of text (no trailing spaces), its title first.
    public func render(_ f: Figure) -> String {
        var lines: [String] = []
        if !f.title.isEmpty { lines.append(f.title) }
        switch f.kind {
        case .lines: lines += renderLines(f)
        case .bars: lines += renderBars(f)
        case .histogram: lines += renderHistogram(f)
        case .heatmap: lines += renderHeatmap(f)
        }
        return lines.map { l in var s = l; while s.hasSuffix(" ") { s.removeLast() }; return s }.joined(separator: "\n")
    }

    func paint(_ s: String, _ series: Int) -> String {
        guard color, series >= 0 else { return s }
        return "\u{1B}[\(TerminalRenderer.colors[series % TerminalRenderer.colors.count])m\(s)\u{1B}[0m"
    }

    static func pad(_ s: String, _ n: Int, right: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, n - s.count))
        return right ? fill + s : s + fill
    }

    // MARK: Lines

    func renderLines(_ f: Figure) -> [String] {
        let (ylo, yhi) = f.yRange, (xlo, xhi) = f.xRange
        let yIntegral = f.series.allSatisfy { $0.y.allSatisfy { !$0.isFinite || $0 == $0.rounded() } }
        let yTicks = Scale.ticks(ylo, yhi, count: max(3, (height - 3) / 2), integral: yIntegral)
        let plotRows = max(3, height - 3)
        // The ends of the axis are labelled first (its range is never a guess), then the ticks
        // on the rows left free.
        func row(_ y: Double) -> Int { min(plotRows - 1, max(0, Scale.index((1 - Scale.fraction(y, ylo, yhi)) * Double(plotRows * 4 - 1)) / 4)) }
        var tickRow: [Int: String] = [:]
        tickRow[0] = Scale.label(yhi)
        tickRow[plotRows - 1] = Scale.label(ylo)
        for t in yTicks where tickRow[row(t)] == nil { tickRow[row(t)] = Scale.label(t) }
        let labelWidth = tickRow.values.map(\.count).max() ?? 1
        let plotColumns = max(10, width - labelWidth - 2)
        var canvas = BrailleCanvas(columns: plotColumns, rows: plotRows)
        func dx(_ x: Double) -> Int { Scale.index(Scale.fraction(x, xlo, xhi) * Double(canvas.dotWidth - 1)) }
        func dy(_ y: Double) -> Int { Scale.index((1 - Scale.fraction(y, ylo, yhi)) * Double(canvas.dotHeight - 1)) }
        // The first series is drawn last, on top: a series it covers entirely is named in the
        // legend as hidden under it.
        for (s, series) in f.series.enumerated().reversed() {
            var previous: (Int, Int)?
            for (x, y) in zip(series.x, series.y) {
                guard x.isFinite, y.isFinite else { previous = nil; continue }
                let p = (dx(x), dy(y))
                if let q = previous { canvas.line(q.0, q.1, p.0, p.1, series: s) } else { canvas.set(p.0, p.1, series: s) }
                previous = p
            }
        }
        // Markers (a glyph per series) at the data points of short series, so that curves are
        // told apart without colour; long series get one every few columns, staggered between
        // series. A lone series is marked only at points with no neighbour to draw a line to.
        for (s, series) in f.series.enumerated().reversed() {
            let marker = TerminalRenderer.markers[s % TerminalRenderer.markers.count]
            let finite = series.x.indices.map { series.x[$0].isFinite && series.y[$0].isFinite }
            if f.series.count == 1 {
                for i in finite.indices where finite[i] && !(i > 0 && finite[i - 1]) && !(i + 1 < finite.count && finite[i + 1]) {
                    canvas.mark(column: dx(series.x[i]) / 2, row: dy(series.y[i]) / 4, marker, series: s)
                }
                continue
            }
            let points = zip(series.x, series.y).filter { $0.0.isFinite && $0.1.isFinite }
            if points.count <= 40 {
                for (x, y) in points { canvas.mark(column: dx(x) / 2, row: dy(y) / 4, marker, series: s) }
                continue
            }
            let every = max(4, plotColumns / 6)
            let offset = (s * every) / max(1, f.series.count)
            var nextColumn = offset
            for (x, y) in points where dx(x) / 2 >= nextColumn {
                canvas.mark(column: dx(x) / 2, row: dy(y) / 4, marker, series: s)
                nextColumn = dx(x) / 2 + every
            }
        }
        var out: [String] = []
        if !f.yLabel.isEmpty { out.append(f.yLabel) }
        for r in 0..<plotRows {
            let label = tickRow[r].map { TerminalRenderer.pad($0, labelWidth, right: true) + " ┤" }
                ?? String(repeating: " ", count: labelWidth) + " │"
            out.append(label + canvas.row(r, paint: paint))
        }
        out.append(String(repeating: " ", count: labelWidth) + " └" + String(repeating: "─", count: plotColumns))
        out.append(xAxisLabels(xlo, xhi, offset: labelWidth + 2, columns: plotColumns, integral: f.xIsIntegral, single: f.singleX))
        if !f.xLabel.isEmpty { out.append(String(repeating: " ", count: labelWidth + 2) + f.xLabel) }
        if f.series.count > 1 || !(f.series.first?.name.isEmpty ?? true) {
            // Within half a cell of the point above it: the markers share a cell.
            let hidden = f.hiddenUnder(tolerance: 0.5) { x, y in (Double(dx(x)) / 2, Double(dy(y)) / 4) }
            let legend = f.series.enumerated().map { s, series in
                paint(String(TerminalRenderer.markers[s % TerminalRenderer.markers.count]), s) + " " + series.name
                    + (hidden[s].map { " (hidden under \(f.series[$0].name))" } ?? "")
            }
            out.append(String(repeating: " ", count: labelWidth + 2) + legend.joined(separator: "  "))
        }
        return out
    }

    /// Labels under an x axis of `columns` cells starting at `offset`: both ends (the first and
    /// last value), then the round ticks that fit between them with a space to spare.
    func xAxisLabels(_ lo: Double, _ hi: Double, offset: Int, columns: Int, integral: Bool = false, single: Double? = nil) -> String {
        var line = [Character](repeating: " ", count: offset + columns + 8)
        var taken: [Range<Int>] = []
        for t in Scale.axisValues(lo, hi, count: max(3, columns / 10), integral: integral, single: single) {
            let text = Scale.label(t)
            let center = offset + Scale.index(Scale.fraction(t, lo, hi) * Double(columns * 2 - 1)) / 2
            // Within the axis: the right end's label ends under the axis' last cell.
            let start = max(offset, min(center - text.count / 2, offset + columns - text.count))
            let span = start..<(start + text.count)
            guard !taken.contains(where: { $0.overlaps((span.lowerBound - 1)..<(span.upperBound + 1)) }) else { continue }
            for (i, ch) in text.enumerated() where start + i < line.count { line[start + i] = ch }
            taken.append(span)
        }
        return String(line)
    }

    // MARK: Bars

    func renderBars(_ f: Figure) -> [String] {
        let (lo, hi) = f.yRange
        let nameWidth = min(24, f.bars.map(\.name.count).max() ?? 1)
        let valueTexts = f.bars.map { b in Scale.label(b.value) + (b.error.map { " ± " + Scale.label($0) } ?? "") }
        let valueWidth = valueTexts.map(\.count).max() ?? 1
        let barColumns = max(10, width - nameWidth - valueWidth - 4)
        func position(_ v: Double) -> Double { Scale.fraction(v, lo, hi) * Double(barColumns) }
        let eighths = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
        var out: [String] = []
        if !f.yLabel.isEmpty { out.append(f.yLabel) }
        for (i, b) in f.bars.enumerated() {
            let name = TerminalRenderer.pad(String(b.name.prefix(nameWidth)), nameWidth)
            let p = min(Double(barColumns), max(0, position(b.value)))
            let full = Int(p), part = Int(((p - Double(full)) * 8).rounded(.down))
            var bar = String(repeating: "█", count: full) + eighths[min(7, part)]
            bar = TerminalRenderer.pad(bar, barColumns)
            out.append(name + " │" + paint(bar, i) + " " + valueTexts[i])
            if let e = b.error, e > 0 {
                let a = Int(min(Double(barColumns - 1), max(0, position(b.value - e))).rounded())
                let z = Int(min(Double(barColumns - 1), max(0, position(b.value + e))).rounded())
                let m = Int(min(Double(barColumns - 1), max(0, position(b.value))).rounded(.down))
                var whisker = [Character](repeating: " ", count: barColumns)
                for k in a...max(a, z) { whisker[k] = "─" }
                if z <= a {
                    whisker[a] = "┼"   // narrower than a cell
                } else {
                    whisker[a] = "├"
                    whisker[z] = "┤"
                    if m > a && m < z { whisker[m] = "┼" }
                }
                out.append(String(repeating: " ", count: nameWidth) + " │" + String(whisker))
            }
        }
        out.append(String(repeating: " ", count: nameWidth) + " └" + String(repeating: "─", count: barColumns))
        var axis = [Character](repeating: " ", count: nameWidth + 2 + barColumns + 8)
        for (v, anchor) in [(lo, 0), (hi, barColumns)] {
            let text = Scale.label(v)
            let start = nameWidth + 2 + (anchor == 0 ? 0 : max(0, anchor - text.count))
            for (i, ch) in text.enumerated() where start + i < axis.count { axis[start + i] = ch }
        }
        out.append(String(axis))
        return out
    }

    // MARK: Histogram

    func renderHistogram(_ f: Figure) -> [String] {
        guard !f.bins.isEmpty else { return ["(no values)"] }
        let top = Double(max(1, f.bins.map(\.count).max() ?? 1))
        let labelWidth = String(Int(top)).count
        let per = max(1, (width - labelWidth - 2) / f.bins.count)
        let rows = max(3, height - 3)
        let blocks = [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
        var out: [String] = []
        for r in 0..<rows {
            let rowTop = Double(rows - r) / Double(rows) * top, rowBottom = Double(rows - r - 1) / Double(rows) * top
            var line = r == 0 ? TerminalRenderer.pad(String(Int(top)), labelWidth, right: true) + " ┤"
                : String(repeating: " ", count: labelWidth) + " │"
            for b in f.bins {
                let v = Double(b.count)
                let cell: String
                if v >= rowTop { cell = "█" } else if v <= rowBottom { cell = " " } else {
                    cell = blocks[max(1, Int(((v - rowBottom) / (rowTop - rowBottom) * 8).rounded()))]
                }
                line += paint(String(repeating: cell, count: per), 0)
            }
            out.append(line)
        }
        out.append(TerminalRenderer.pad("0", labelWidth, right: true) + " └" + String(repeating: "─", count: per * f.bins.count))
        out.append(xAxisLabels(f.bins[0].low, f.bins[f.bins.count - 1].high, offset: labelWidth + 2, columns: per * f.bins.count))
        if !f.xLabel.isEmpty { out.append(String(repeating: " ", count: labelWidth + 2) + f.xLabel) }
        return out
    }

    // MARK: Heatmap

    static let shades: [Character] = [" ", "░", "▒", "▓", "█"]

    func renderHeatmap(_ f: Figure) -> [String] {
        guard let columnCount = f.matrix.map(\.count).max(), columnCount > 0 else { return ["(no values)"] }
        let nameWidth = min(16, f.rowNames.map(\.count).max() ?? String(f.matrix.count - 1).count)
        // Average blocks of cells when the matrix is wider or taller than the terminal.
        let cellWidth = columnCount * 2 <= width - nameWidth - 2 ? 2 : 1
        let columnGroup = max(1, Int((Double(columnCount * cellWidth) / Double(max(1, width - nameWidth - 2))).rounded(.up)))
        let rowGroup = max(1, Int((Double(f.matrix.count) / Double(max(1, height))).rounded(.up)))
        let (lo, hi) = f.yRange
        var out: [String] = []
        for r0 in stride(from: 0, to: f.matrix.count, by: rowGroup) {
            let name = rowGroup == 1 ? (f.rowNames.indices.contains(r0) ? f.rowNames[r0] : String(r0)) : String(r0)
            var line = TerminalRenderer.pad(String(name.prefix(nameWidth)), nameWidth, right: true) + " │"
            for c0 in stride(from: 0, to: columnCount, by: columnGroup) {
                var sum = 0.0, n = 0.0
                for r in r0..<min(r0 + rowGroup, f.matrix.count) {
                    for c in c0..<min(c0 + columnGroup, columnCount) where c < f.matrix[r].count && f.matrix[r][c].isFinite {
                        sum += f.matrix[r][c]; n += 1
                    }
                }
                let v = n > 0 ? sum / n : .nan
                let level = v.isNaN ? 0 : hi > lo ? Scale.index(Scale.fraction(v, lo, hi) * 4) : 2
                line += String(repeating: TerminalRenderer.shades[min(4, max(0, level))], count: cellWidth)
            }
            out.append(line)
        }
        let scale = TerminalRenderer.shades.map { String($0) }.joined()
        out.append(String(repeating: " ", count: nameWidth) + "  " + "\(Scale.label(lo)) \(scale) \(Scale.label(hi))"
                   + (columnGroup > 1 || rowGroup > 1 ? "  (cells averaged in blocks of \(rowGroup)×\(columnGroup))" : ""))
        return out
    }
}
