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
        #expect(f.hiddenUnder == [nil, 0])
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
