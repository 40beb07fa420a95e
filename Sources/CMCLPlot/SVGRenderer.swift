import CMCLBase
import Foundation

/// Draws a `Figure` as a standalone SVG document (well-formed XML, no scripts, no external
/// resources), for files and for notebook export. Curves differ by colour, dash pattern and
/// marker shape; the legend sits above the plot area (wrapping into rows), never on the data.
///
/// ```swift
/// try AtomicFile.write(SVGRenderer().render(figure), to: "loss.svg", policy: WritePolicy(force: false))
/// ```
public struct SVGRenderer: Sendable {
    /// The document's width in pixels.
    public var width: Double
    /// The document's height in pixels.
    public var height: Double

    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2"]

    /// A renderer for documents of `width` × `height` pixels.
    public init(width: Double = 640, height: Double = 360) {
        self.width = width
        self.height = height
    }

    // Plot area margins; `top` grows with the rows of a line chart's legend, which sits above
    // the plot area.
    let left = 64.0, right = 16.0, bottom = 52.0
    var top = 48.0
    /// Dash patterns by series, so that curves drawn on top of each other stay distinguishable.
    static let dashes = ["", "7 4", "2 3", "9 3 2 3", "4 4", "1 2", "12 4", "6 2 2 2"]

    /// The chart as one `<svg>` document.
    public func render(_ f: Figure) -> String {
        var r = self
        let legend = legendLayout(f)
        if let last = legend.last { r.top = max(top, last.y + 24) }
        return r.document(f, legend: legend)
    }

    func document(_ f: Figure, legend: [LegendEntry]) -> String {
        var body = ""
        switch f.kind {
        case .lines: body = lines(f, legend: legend)
        case .bars: body = bars(f)
        case .histogram: body = histogram(f)
        case .heatmap: body = heatmap(f)
        }
        var out = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(n(width))" height="\(n(height))" viewBox="0 0 \(n(width)) \(n(height))" \
        font-family="sans-serif" font-size="12" class="cmcl-plot">
        <rect width="100%" height="100%" fill="white"/>

        """
        if !f.title.isEmpty {
            out += "<text x=\"\(n(width / 2))\" y=\"20\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">\(StringEscape.xml(f.title))</text>\n"
        }
        out += body
        if !f.xLabel.isEmpty {
            out += "<text x=\"\(n(left + plotWidth / 2))\" y=\"\(n(height - 8))\" text-anchor=\"middle\">\(StringEscape.xml(f.xLabel))</text>\n"
        }
        if !f.yLabel.isEmpty {
            out += "<text transform=\"translate(14 \(n(top + plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\">\(StringEscape.xml(f.yLabel))</text>\n"
        }
        return out + "</svg>\n"
    }

    var plotWidth: Double { width - left - right }
    var plotHeight: Double { height - top - bottom }

    func n(_ v: Double) -> String {
        guard v.isFinite else { return "0" }
        let r = (min(max(v, -1e9), 1e9) * 100).rounded() / 100
        return r == r.rounded() ? String(Int(r)) : String(r)
    }

    /// Axes with their labels: both ends of each axis, then the round ticks whose labels do
    /// not touch a label already placed (see `Scale.axisValues`).
    func axes(xlo: Double, xhi: Double, ylo: Double, yhi: Double, xTicks: Bool = true, xIntegral: Bool = false, xSingle: Double? = nil) -> String {
        var out = "<g class=\"axes\" stroke=\"#333\" fill=\"none\">"
        out += "<line x1=\"\(n(left))\" y1=\"\(n(top + plotHeight))\" x2=\"\(n(left + plotWidth))\" y2=\"\(n(top + plotHeight))\"/>"
        out += "<line x1=\"\(n(left))\" y1=\"\(n(top))\" x2=\"\(n(left))\" y2=\"\(n(top + plotHeight))\"/></g>\n"
        out += "<g class=\"ticks\" fill=\"#333\">"
        var taken: [ClosedRange<Double>] = []
        for t in Scale.axisValues(ylo, yhi, count: 5) {
            let y = top + (1 - Scale.fraction(t, ylo, yhi)) * plotHeight
            guard !taken.contains(where: { $0.overlaps((y - 14)...(y + 14)) }) else { continue }
            taken.append(y...y)
            out += "<line x1=\"\(n(left - 4))\" y1=\"\(n(y))\" x2=\"\(n(left))\" y2=\"\(n(y))\" stroke=\"#333\"/>"
            out += "<line x1=\"\(n(left))\" y1=\"\(n(y))\" x2=\"\(n(left + plotWidth))\" y2=\"\(n(y))\" stroke=\"#eee\"/>"
            out += "<text class=\"y-label\" x=\"\(n(left - 6))\" y=\"\(n(y + 4))\" text-anchor=\"end\">\(Scale.label(t))</text>"
        }
        if xTicks {
            taken = []
            for t in Scale.axisValues(xlo, xhi, count: 6, integral: xIntegral, single: xSingle) {
                let x = left + Scale.fraction(t, xlo, xhi) * plotWidth
                let text = Scale.label(t), w = SVGRenderer.textWidth(text)
                // The ends' labels stay inside the plot's width.
                let center = min(max(x, left - 8 + w / 2), width - 4 - w / 2)
                let span = (center - w / 2)...(center + w / 2)
                guard !taken.contains(where: { $0.overlaps((span.lowerBound - 6)...(span.upperBound + 6)) }) else { continue }
                taken.append(span)
                out += "<line x1=\"\(n(x))\" y1=\"\(n(top + plotHeight))\" x2=\"\(n(x))\" y2=\"\(n(top + plotHeight + 4))\" stroke=\"#333\"/>"
                out += "<text class=\"x-label\" x=\"\(n(center))\" y=\"\(n(top + plotHeight + 18))\" text-anchor=\"middle\">\(text)</text>"
            }
        }
        return out + "</g>\n"
    }

    /// About how wide `text` is at font size 12 (sans-serif averages under 7 px a character).
    static func textWidth(_ text: String) -> Double { Double(text.count) * 7 }

    /// One legend entry: where its sample line starts and its text.
    struct LegendEntry {
        var x: Double
        var y: Double
        var series: Int
        var text: String
    }

    /// The legend of a line chart, in rows above the plot area that wrap at the chart's width
    /// (it never covers data); empty for other charts and an unnamed single curve.
    func legendLayout(_ f: Figure) -> [LegendEntry] {
        guard f.kind == .lines, f.series.count > 1 || !(f.series.first?.name.isEmpty ?? true) else { return [] }
        let probe = SVGRenderer(width: width, height: height)
        let (ylo, yhi) = f.yRange, (xlo, xhi) = f.xRange
        // Within 2.5 px of the point above it (the plot area without the legend's rows, close
        // enough): its marker is covered.
        let hidden = f.hiddenUnder(tolerance: 2.5) { x, y in
            (Scale.fraction(x, xlo, xhi) * probe.plotWidth, Scale.fraction(y, ylo, yhi) * probe.plotHeight)
        }
        var entries: [LegendEntry] = []
        var x = left, y = f.title.isEmpty ? 14.0 : 34.0
        for (s, series) in f.series.enumerated() {
            let text = series.name + (hidden[s].map { " (hidden under \(f.series[$0].name))" } ?? "")
            let w = 30 + SVGRenderer.textWidth(text)
            if x + w > width - right, x > left { x = left; y += 18 }
            entries.append(LegendEntry(x: x, y: y, series: s, text: text))
            x += w + 14
        }
        return entries
    }

    /// Marker shapes by series, the terminal's glyphs ● ▲ ■ ◆ ✚ ○ △ □ in SVG.
    static func marker(_ s: Int, x: Double, y: Double, color: String, n: (Double) -> String) -> String {
        let r = 3.5
        let fill = s % 8 < 5 ? "fill=\"\(color)\"" : "fill=\"white\" stroke=\"\(color)\" stroke-width=\"1.5\""
        func poly(_ points: [(Double, Double)]) -> String {
            "<polygon class=\"marker\" points=\"\(points.map { "\(n(x + $0.0)),\(n(y + $0.1))" }.joined(separator: " "))\" \(fill)/>"
        }
        switch s % 8 {
        case 0, 5: return "<circle class=\"marker\" cx=\"\(n(x))\" cy=\"\(n(y))\" r=\"\(n(r))\" \(fill)/>"
        case 1, 6: return poly([(0, -r - 1), (r + 1, r), (-r - 1, r)])
        case 2, 7: return poly([(-r, -r), (r, -r), (r, r), (-r, r)])
        case 3: return poly([(0, -r - 1.5), (r + 1.5, 0), (0, r + 1.5), (-r - 1.5, 0)])
        default:
            return "<path class=\"marker\" d=\"M\(n(x - r - 1)) \(n(y))H\(n(x + r + 1))M\(n(x)) \(n(y - r - 1))V\(n(y + r + 1))\" stroke=\"\(color)\" stroke-width=\"2.5\"/>"
        }
    }

    func lines(_ f: Figure, legend: [LegendEntry]) -> String {
        let (ylo, yhi) = f.yRange, (xlo, xhi) = f.xRange
        var out = axes(xlo: xlo, xhi: xhi, ylo: ylo, yhi: yhi, xIntegral: f.xIsIntegral, xSingle: f.singleX)
        func px(_ x: Double) -> Double { left + Scale.fraction(x, xlo, xhi) * plotWidth }
        func py(_ y: Double) -> Double { top + (1 - Scale.fraction(y, ylo, yhi)) * plotHeight }
        // The first series is drawn last, on top; each has its own dash pattern and marker shape.
        for (s, series) in f.series.enumerated().reversed() {
            let color = SVGRenderer.palette[s % SVGRenderer.palette.count]
            out += "<g class=\"series\" data-name=\"\(StringEscape.xml(series.name))\">"
            var segment: [String] = []
            func flush() {
                if segment.count > 1 {
                    let dash = SVGRenderer.dashes[s % SVGRenderer.dashes.count]
                    out += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.5\"" + (dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\"")
                        + " points=\"\(segment.joined(separator: " "))\"/>"
                }
                segment = []
            }
            for (x, y) in zip(series.x, series.y) {
                guard x.isFinite, y.isFinite else { flush(); continue }
                segment.append("\(n(px(x))),\(n(py(y)))")
            }
            flush()
            // Every point of a short series; about ten of a long one, staggered between series.
            let points = zip(series.x, series.y).filter { $0.0.isFinite && $0.1.isFinite }
            let every = points.count <= 40 ? 1 : max(1, points.count / 10)
            let offset = every == 1 ? 0 : (s * every) / max(1, f.series.count)
            for (i, (x, y)) in points.enumerated() where i % every == offset % every {
                out += SVGRenderer.marker(s, x: px(x), y: py(y), color: color, n: n)
            }
            out += "</g>\n"
        }
        if !legend.isEmpty {
            out += "<g class=\"legend\">"
            for e in legend {
                let color = SVGRenderer.palette[e.series % SVGRenderer.palette.count]
                let dash = SVGRenderer.dashes[e.series % SVGRenderer.dashes.count]
                out += "<line x1=\"\(n(e.x))\" y1=\"\(n(e.y))\" x2=\"\(n(e.x + 24))\" y2=\"\(n(e.y))\" stroke=\"\(color)\" stroke-width=\"1.5\""
                    + (dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\"") + "/>"
                out += SVGRenderer.marker(e.series, x: e.x + 12, y: e.y, color: color, n: n)
                out += "<text x=\"\(n(e.x + 30))\" y=\"\(n(e.y + 4))\">\(StringEscape.xml(e.text))</text>"
            }
            out += "</g>\n"
        }
        return out
    }

    func bars(_ f: Figure) -> String {
        let (ylo, yhi) = f.yRange
        var out = axes(xlo: 0, xhi: 1, ylo: ylo, yhi: yhi, xTicks: false)
        func py(_ y: Double) -> Double { top + (1 - Scale.fraction(min(max(y, ylo), yhi), ylo, yhi)) * plotHeight }
        let slot = plotWidth / Double(max(1, f.bars.count))
        for (i, b) in f.bars.enumerated() {
            let color = SVGRenderer.palette[i % SVGRenderer.palette.count]
            let x = left + slot * Double(i) + slot * 0.2, w = slot * 0.6
            let base = py(max(ylo, min(0, yhi))), y = py(b.value)
            out += "<g class=\"bar\" data-name=\"\(StringEscape.xml(b.name))\">"
            out += "<rect x=\"\(n(x))\" y=\"\(n(min(y, base)))\" width=\"\(n(w))\" height=\"\(n(abs(base - y)))\" fill=\"\(color)\" opacity=\"0.8\"/>"
            if let e = b.error, e.isFinite {
                let cx = x + w / 2, y0 = py(b.value - e), y1 = py(b.value + e)
                out += "<g class=\"error-bar\" stroke=\"#222\" stroke-width=\"1.5\">"
                out += "<line x1=\"\(n(cx))\" y1=\"\(n(y0))\" x2=\"\(n(cx))\" y2=\"\(n(y1))\"/>"
                out += "<line x1=\"\(n(cx - 6))\" y1=\"\(n(y0))\" x2=\"\(n(cx + 6))\" y2=\"\(n(y0))\"/>"
                out += "<line x1=\"\(n(cx - 6))\" y1=\"\(n(y1))\" x2=\"\(n(cx + 6))\" y2=\"\(n(y1))\"/></g>"
            }
            out += "<text x=\"\(n(x + w / 2))\" y=\"\(n(top + plotHeight + 18))\" text-anchor=\"middle\">\(StringEscape.xml(b.name))</text>"
            out += "</g>\n"
        }
        return out
    }

    func histogram(_ f: Figure) -> String {
        let (ylo, yhi) = f.yRange, (xlo, xhi) = f.xRange
        var out = axes(xlo: xlo, xhi: xhi, ylo: ylo, yhi: Scale.nice(0, yhi * 1.05).1)
        for b in f.bins {
            let x0 = left + Scale.fraction(b.low, xlo, xhi) * plotWidth, x1 = left + Scale.fraction(b.high, xlo, xhi) * plotWidth
            let h = Double(b.count) / Scale.nice(0, yhi * 1.05).1 * plotHeight
            out += "<rect class=\"bin\" x=\"\(n(x0))\" y=\"\(n(top + plotHeight - h))\" width=\"\(n(max(0, x1 - x0 - 1)))\" height=\"\(n(h))\" fill=\"\(SVGRenderer.palette[0])\"/>"
        }
        return out + "\n"
    }

    /// Viridis-like colour for t in 0…1.
    static func color(_ t: Double) -> String {
        let stops: [(Double, Double, Double)] = [(68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37)]
        let x = min(1, max(0, t.isFinite ? t : 0)) * Double(stops.count - 1)
        let i = min(stops.count - 2, Int(x)), u = x - Double(i)
        let (a, b) = (stops[i], stops[i + 1])
        return String(format: "#%02x%02x%02x", Int(a.0 + (b.0 - a.0) * u), Int(a.1 + (b.1 - a.1) * u), Int(a.2 + (b.2 - a.2) * u))
    }

    func heatmap(_ f: Figure) -> String {
        let rows = f.matrix.count, columns = f.matrix.map(\.count).max() ?? 0
        guard rows > 0, columns > 0 else { return "" }
        let (lo, hi) = f.yRange
        let cw = (plotWidth - 40) / Double(columns), ch = plotHeight / Double(rows)
        var out = "<g class=\"heatmap\">"
        for (r, row) in f.matrix.enumerated() {
            for (c, v) in row.enumerated() {
                let t = hi > lo ? Scale.fraction(v, lo, hi) : 0.5
                out += "<rect x=\"\(n(left + Double(c) * cw))\" y=\"\(n(top + Double(r) * ch))\" width=\"\(n(cw + 0.5))\" height=\"\(n(ch + 0.5))\" fill=\"\(v.isFinite ? SVGRenderer.color(t) : "#ccc")\"><title>\(Scale.label(v))</title></rect>"
            }
            if rows <= 40 {
                let name = f.rowNames.indices.contains(r) ? f.rowNames[r] : String(r)
                out += "<text x=\"\(n(left - 6))\" y=\"\(n(top + (Double(r) + 0.5) * ch + 4))\" text-anchor=\"end\">\(StringEscape.xml(name))</text>"
            }
        }
        // Colour scale.
        let sx = left + plotWidth - 24
        for k in 0..<20 {
            let t = Double(19 - k) / 19
            out += "<rect x=\"\(n(sx))\" y=\"\(n(top + Double(k) * plotHeight / 20))\" width=\"12\" height=\"\(n(plotHeight / 20 + 0.5))\" fill=\"\(SVGRenderer.color(t))\"/>"
        }
        out += "<text x=\"\(n(sx + 6))\" y=\"\(n(top - 4))\" text-anchor=\"middle\">\(Scale.label(hi))</text>"
        out += "<text x=\"\(n(sx + 6))\" y=\"\(n(top + plotHeight + 14))\" text-anchor=\"middle\">\(Scale.label(lo))</text>"
        return out + "</g>\n"
    }
}
