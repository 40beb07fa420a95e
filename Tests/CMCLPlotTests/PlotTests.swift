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
}
