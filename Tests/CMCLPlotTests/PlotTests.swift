import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import CMCLPlot

@Suite("Plots")
struct PlotTests {
    static func figures() -> [Figure] {
        var lines = Figure(kind: .lines, title: "loss <&> \"parts\"", xLabel: "step", yLabel: "loss")
        lines.series = [Series(name: "loss", x: [1, 2, 3, 4], y: [0.7, 0.5, .nan, 0.3]),
                        Series(name: "l_1", x: [1, 2, 3, 4], y: [0.8, 0.6, 0.5, 0.4])]
        var bars = Figure(kind: .bars, title: "accuracy")
        bars.bars = [Bar(name: "plain", value: 0.80, error: 0.01), Bar(name: "cmpdrop", value: 0.82, error: 0.02)]
        var heat = Figure(kind: .heatmap, title: "utility")
        heat.matrix = [[0, 1, 2], [3, 4, .nan]]
        return [lines, bars, Figure.histogram([1, 2, 2, 3, 3, 3, 9], bins: 4, title: "h"), heat, Figure(kind: .lines)]
    }

    final class Counter: NSObject, XMLParserDelegate {
        var elements: [String: Int] = [:]
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            elements[name, default: 0] += 1
        }
    }

    @Test func svgIsWellFormedXML() throws {
        for f in Self.figures() {
            let svg = SVGRenderer().render(f)
            let parser = XMLParser(data: Data(svg.utf8))
            let counter = Counter()
            parser.delegate = counter
            #expect(parser.parse(), "\(f.kind): \(parser.parserError.map { "\($0)" } ?? "")")
            #expect(counter.elements["svg"] == 1)
            switch f.kind {
            case .lines: #expect((counter.elements["polyline"] ?? 0) >= (f.series.isEmpty ? 0 : 2))
            case .bars: #expect(counter.elements["rect", default: 0] >= 3)
            case .histogram: #expect(counter.elements["rect", default: 0] >= 5)
            case .heatmap: #expect(counter.elements["rect", default: 0] >= 7)
            }
        }
    }

    @Test func terminalRenderingFitsTheWidth() {
        for f in Self.figures() {
            for width in [30, 50, 100] {
                let text = TerminalRenderer(width: width, height: 10).render(f)
                for line in text.split(separator: "\n") {
                    #expect(line.count <= width + 10, "\(f.kind) at \(width): \(line)")
                }
            }
        }
    }

    @Test func brailleDotsAndLines() {
        var c = BrailleCanvas(columns: 2, rows: 1)
        c.set(0, 0, series: 0)
        c.set(3, 3, series: 1)
        #expect(c.row(0, paint: { s, _ in s }) == "\u{2801}\u{2880}")
        var d = BrailleCanvas(columns: 1, rows: 1)
        d.line(0, 0, 0, 3, series: 0)
        #expect(d.row(0, paint: { s, _ in s }) == "\u{2847}")
    }

    @Test func ticksAndHistogram() {
        #expect(Scale.ticks(0, 1, count: 5) == [0, 0.2, 0.4, 0.6000000000000001, 0.8, 1])
        #expect(Scale.label(0.30000000000000004) == "0.3")
        let h = Figure.histogram([0, 1, 2, 3], bins: 2)
        #expect(h.bins.map(\.count) == [2, 2])
        #expect(Figure.histogram([5, 5], bins: 3).bins.map(\.count) == [2, 0, 0])
    }

    /// Bars start at zero even with error bars: a 0.27-point difference is drawn as one.
    @Test func barsStartAtZero() {
        var f = Figure(kind: .bars)
        f.bars = [Bar(name: "plain", value: 0.7572, error: 0.002), Bar(name: "cmpdrop", value: 0.7545, error: 0.003)]
        #expect(f.yRange.0 == 0)
        let text = TerminalRenderer(width: 60, height: 8).render(f)
        let lengths = text.split(separator: "\n").prefix(4).filter { $0.contains("█") }.map { $0.filter { $0 == "█" }.count }
        #expect(lengths.count == 2 && abs(lengths[0] - lengths[1]) <= 1, "\(text)")
    }

    /// Steps and levels get whole-number ticks; the y axis labels both ends; a series drawn
    /// exactly on another is named as hidden; one point gets a usable axis.
    @Test func integerTicksEndsAndHiddenSeries() {
        #expect(Scale.ticks(0, 3, count: 10, integral: true) == [0, 1, 2, 3])
        #expect(Scale.ticks(0, 3, count: 10).contains(0.5))
        var f = Figure(kind: .lines)
        f.series = [Series(name: "plain", x: [0, 1, 2], y: [0.75, 0.74, 0.76]),
                    Series(name: "cmpdrop", x: [0, 1, 2], y: [0.75, 0.74, 0.76])]
        #expect(f.xIsIntegral)
        #expect(f.hiddenUnder(tolerance: 0) { ($0, $1) } == [nil, 0])
        let text = TerminalRenderer(width: 60, height: 10).render(f)
        #expect(text.contains("cmpdrop (hidden under plain)"), "\(text)")
        #expect(!text.contains("0.5 ") && !text.contains("1.5"), "\(text)")
        let rows = text.split(separator: "\n")
        #expect(rows.first?.contains("┤") == true && rows.dropLast(3).last?.contains("┤") == true, "both ends labelled:\n\(text)")
        var one = Figure(kind: .lines)
        one.series = [Series(name: "acc", x: [30], y: [0.7])]
        #expect(one.xRange == (29, 31))
    }

    /// The SVG legend sits above the plot area, where no data is drawn; curves have distinct dashes.
    @Test func svgLegendIsAboveThePlotArea() {
        var f = Figure(kind: .lines)
        f.series = [Series(name: "a", x: [0, 1], y: [1, 2]), Series(name: "b", x: [0, 1], y: [2, 1])]
        let r = SVGRenderer()
        let svg = r.render(f)
        let legend = svg.components(separatedBy: "<g class=\"legend\">")[1].components(separatedBy: "</g>")[0]
        let ys = legend.components(separatedBy: " y=\"").dropFirst().compactMap { Double($0.prefix { $0 != "\"" }) }
        #expect(!ys.isEmpty && ys.allSatisfy { $0 < r.top }, "\(legend)")
        #expect(svg.contains("stroke-dasharray"))
    }
}

@Suite("Plot axes, overlaps and legends")
struct PlotReadabilityTests {
    /// The x labels under a terminal chart, as (text, column) pairs.
    static func terminalXLabels(_ text: String) -> [String] {
        let rows = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let axis = rows.firstIndex(where: { $0.contains("└") }), axis + 1 < rows.count else { return [] }
        return rows[axis + 1].split(separator: " ").map(String.init)
    }

    static func attribute(_ name: String, in element: String) -> Double? {
        guard let r = element.range(of: " \(name)=\"") else { return nil }
        return Double(element[r.upperBound...].prefix { $0 != "\"" })
    }

    /// `<text class="x-label" …>…</text>` elements of an SVG chart: (x, text).
    static func svgLabels(_ svg: String, _ cls: String) -> [(Double, String)] {
        svg.components(separatedBy: "<text class=\"\(cls)\"").dropFirst().compactMap { part in
            guard let x = attribute(cls == "x-label" ? "x" : "y", in: part), let close = part.firstIndex(of: ">") else { return nil }
            return (x, String(part[part.index(after: close)...].prefix { $0 != "<" }))
        }
    }

    @Test func bothEndsOfTheXAxisAreLabelled() {
        var f = Figure(kind: .lines)
        f.series = [Series(name: "", x: (0..<40).map(Double.init), y: (0..<40).map { sin(Double($0) / 6) })]
        for width in [30, 50, 72, 120] {
            let labels = Self.terminalXLabels(TerminalRenderer(width: width, height: 8).render(f))
            #expect(labels.first == "0" && labels.last == "39", "width \(width): \(labels)")
        }
        let svg = SVGRenderer().render(f)
        let xs = Self.svgLabels(svg, "x-label").map(\.1)
        #expect(xs.contains("0") && xs.contains("39"), "\(xs)")
        // The labels never touch: each starts after the previous one ends.
        let positions = Self.svgLabels(svg, "x-label").sorted { $0.0 < $1.0 }
        for (a, b) in zip(positions, positions.dropFirst()) {
            #expect(b.0 - a.0 >= (SVGRenderer.textWidth(a.1) + SVGRenderer.textWidth(b.1)) / 2, "\(positions)")
        }
        // A histogram labels the edges of its first and last bin.
        let h = Figure.histogram([1, 2, 2, 3, 9], bins: 4)
        let hl = Self.terminalXLabels(TerminalRenderer(width: 60, height: 8).render(h))
        #expect(hl.first == "1" && hl.last == "9", "\(hl)")
    }

    @Test func yAxisEndsAreRoundAndLabelled() {
        var f = Figure(kind: .lines)
        f.series = [Series(name: "", x: [0, 1, 2], y: [0.4794, 0.7, 0.9326])]
        let (lo, hi) = f.yRange
        #expect(lo == 0.45 && hi == 0.95, "\(lo) \(hi)")
        let ys = Self.svgLabels(SVGRenderer().render(f), "y-label").map(\.1)
        #expect(ys.contains("0.45") && ys.contains("0.95"), "\(ys)")
        let rows = TerminalRenderer(width: 60, height: 10).render(f).split(separator: "\n")
        #expect(rows.first?.hasPrefix("0.95 ┤") == true, "\(rows)")
        #expect(rows.first(where: { $0.contains("0.45 ┤") }) != nil, "\(rows)")
        var bars = Figure(kind: .bars)
        bars.bars = [Bar(name: "a", value: 0.842)]
        #expect(bars.yRange == (0, 1))
    }

    /// Curves within a cell (terminal) or a few pixels (SVG) of an earlier one are named as
    /// hidden under it; curves apart at one point are not.
    @Test func nearlyOverlappingSeriesAreNamed() {
        var f = Figure(kind: .lines)
        f.series = [Series(name: "plain", x: [0, 1, 2, 3, 4], y: [0.91, 0.84, 0.72, 0.61, 0.55]),
                    Series(name: "CmpDrop", x: [0, 1, 2, 3, 4], y: [0.912, 0.842, 0.722, 0.612, 0.552]),
                    Series(name: "R-Drop", x: [0, 1, 2, 3, 4], y: [0.91, 0.84, 0.5, 0.61, 0.55])]
        let text = TerminalRenderer(width: 72, height: 12).render(f)
        #expect(text.contains("▲ CmpDrop (hidden under plain)"), "\(text)")
        #expect(!text.contains("R-Drop (hidden"), "\(text)")
        #expect(text.contains("■"), "R-Drop's glyph where it differs:\n\(text)")
        let svg = SVGRenderer().render(f)
        #expect(svg.contains("CmpDrop (hidden under plain)"))
        #expect(!svg.contains("R-Drop (hidden"))
        #expect(f.hiddenUnder(tolerance: 0) { ($0, $1) } == [nil, nil, nil])
    }

    /// Each series has its own marker shape and dash pattern in SVG, in the legend too, and the
    /// first series is drawn last (on top).
    @Test func svgSeriesHaveDistinctMarkersAndDashes() {
        var f = Figure(kind: .lines)
        f.series = (0..<4).map { s in Series(name: "s\(s)", x: [0, 1, 2], y: [0, 1, Double(s)]) }
        let svg = SVGRenderer().render(f)
        let groups = svg.components(separatedBy: "<g class=\"series\"").dropFirst()
        #expect(groups.map { $0.prefix(20) }.first?.contains("s3") == true, "the last series is drawn first")
        var dashes = Set<String>()
        for g in groups.map({ $0.components(separatedBy: "</g>")[0] }) {
            dashes.insert(g.components(separatedBy: "stroke-dasharray=\"").dropFirst().first.map { String($0.prefix { $0 != "\"" }) } ?? "")
        }
        #expect(Set((0..<4).map { SVGRenderer.marker($0, x: 0, y: 0, color: "c", n: { String($0) }) }).count == 4)
        #expect(dashes.count == 4, "\(dashes)")
        let legend = svg.components(separatedBy: "<g class=\"legend\">")[1]
        #expect(legend.components(separatedBy: "class=\"marker\"").count - 1 == 4)
    }

    /// A legend too long for one row wraps; every entry stays inside the chart and above the
    /// plot area, which moves down to make room.
    @Test func longLegendsWrapAboveThePlotArea() {
        var f = Figure(kind: .lines, title: "t")
        f.series = (0..<6).map { s in Series(name: "a rather long series name \(s)", x: [0, 1], y: [0, Double(s)]) }
        let r = SVGRenderer(width: 480, height: 320)
        let entries = r.legendLayout(f)
        #expect(Set(entries.map(\.y)).count > 1, "wrapped into rows")
        for e in entries { #expect(e.x + 30 + SVGRenderer.textWidth(e.text) <= r.width - r.right, "\(e)") }
        let svg = r.render(f)
        // The plot area starts below the last legend row: the y axis' top label is under it.
        let top = Self.svgLabels(svg, "y-label").map(\.0).min() ?? 0
        #expect(top - 4 > entries.map(\.y).max() ?? 0, "\(top)")
    }

    /// One evaluation: its x axis is labelled at the point only, and the point is a marker.
    @Test func aSinglePointHasAUsableAxis() {
        var f = Figure(kind: .lines)
        f.series = [Series(name: "accuracy", x: [30], y: [0.7])]
        #expect(f.singleX == 30)
        let text = TerminalRenderer(width: 60, height: 8).render(f)
        #expect(Self.terminalXLabels(text) == ["30"], "\(text)")
        #expect(text.components(separatedBy: "●").count - 1 == 2, "a marker and its legend:\n\(text)")
        let svg = SVGRenderer().render(f)
        #expect(Self.svgLabels(svg, "x-label").map(\.1) == ["30"])
        #expect(svg.contains("<circle class=\"marker\""))
    }
}
