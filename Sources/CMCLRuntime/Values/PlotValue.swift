import CMCLPlot

/// A chart as a cmcl value: displays in the terminal (braille and block characters sized to
/// the terminal), exports to SVG (`svg` field, `plot(..., file:)`, notebook export).
final class PlotValue: NativeObject, RichDisplay {
    let figures: [Figure]
    /// Terminal size to draw at; the REPL sets it from the terminal.
    let width: Int
    let height: Int
    let color: Bool

    init(_ figures: [Figure], width: Int, height: Int, color: Bool) {
        self.figures = figures
        self.width = width
        self.height = height
        self.color = color
    }

    var typeName: String { "Plot" }

    func display(_ style: DisplayStyle) -> String {
        let r = TerminalRenderer(width: width, height: height, color: color && style.quoteStrings)
        return figures.map(r.render).joined(separator: "\n\n")
    }

    var svg: String { figures.map { SVGRenderer().render($0) }.joined() }

    var fieldNames: [String] { ["svg", "text", "kind", "title"] }
    func field(_ name: String) -> Value? {
        switch name {
        case "svg": return .string(svg)
        case "text": return .string(figures.map(TerminalRenderer(width: width, height: height).render).joined(separator: "\n\n"))
        case "kind": return .string(figures.first?.kind.rawValue ?? "")
        case "title": return .string(figures.first?.title ?? "")
        default: return nil
        }
    }
}

/// Values with a graphical form for documents (notebook export).
public protocol RichDisplay {
    /// One or more standalone `<svg>` elements.
    var svg: String { get }
}
