/// A chart as data, independent of how it is drawn: `TerminalRenderer` draws it with Unicode
/// braille and block characters, `SVGRenderer` as an SVG document.
///
/// ```swift
/// var f = Figure(kind: .lines, title: "loss")
/// f.series = [Series(name: "l_0", x: [0, 1, 2], y: [0.7, 0.5, 0.4])]
/// print(TerminalRenderer(width: 60, height: 12).render(f))
/// ```
public struct Figure: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        /// One or more series of (x, y) points joined by lines.
        case lines
        /// One bar per category with an optional error bar (mean ± sd).
        case bars
        /// Counts of values in equal-width bins.
        case histogram
        /// A matrix of values as coloured cells.
        case heatmap
    }

    public var kind: Kind
    public var title: String
    public var xLabel: String
    public var yLabel: String
    /// `.lines`: the curves.
    public var series: [Series] = []
    /// `.bars`: the categories.
    public var bars: [Bar] = []
    /// `.histogram`: the bins.
    public var bins: [Bin] = []
    /// `.heatmap`: rows of values, with optional row and column names.
    public var matrix: [[Double]] = []
    public var rowNames: [String] = []
    public var columnNames: [String] = []

    public init(kind: Kind, title: String = "", xLabel: String = "", yLabel: String = "") {
        self.kind = kind
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
    }
}

/// One curve of a line chart. Non-finite points are gaps.
public struct Series: Sendable, Equatable {
    public var name: String
    public var x: [Double]
    public var y: [Double]
    public init(name: String, x: [Double], y: [Double]) {
        self.name = name
        self.x = x
        self.y = y
    }
}

public struct Bar: Sendable, Equatable {
    public var name: String
    public var value: Double
    /// Half-width of the error bar (e.g. one standard deviation); nil for none.
    public var error: Double?
    public init(name: String, value: Double, error: Double? = nil) {
        self.name = name
        self.value = value
        self.error = error
    }
}

public struct Bin: Sendable, Equatable {
    public var low: Double
    public var high: Double
    public var count: Int
}

extension Figure {
    /// A histogram of `values` in `count` equal-width bins over their range (non-finite
    /// values are left out).
    public static func histogram(_ values: [Double], bins count: Int, title: String = "", xLabel: String = "") -> Figure {
        var f = Figure(kind: .histogram, title: title, xLabel: xLabel, yLabel: "count")
        let finite = values.filter(\.isFinite)
        guard let lo = finite.min(), let hi = finite.max(), count > 0 else { return f }
        var width = hi > lo ? (hi - lo) / Double(count) : 1
        if !width.isFinite { width = (hi * 0.5 - lo * 0.5) / Double(count) * 2 }
        var counts = [Int](repeating: 0, count: count)
        for v in finite { counts[min(count - 1, max(0, Scale.index((Scale.fraction(v, lo, hi) * Double(count)).rounded(.down))))] += 1 }
        f.bins = counts.enumerated().map { Bin(low: lo + Double($0) * width, high: lo + Double($0 + 1) * width, count: $1) }
        return f
    }

    /// The range of y values the chart shows, padded a little, and of x values.
    var yRange: (Double, Double) {
        switch kind {
        case .lines:
            let ys = series.flatMap(\.y).filter(\.isFinite)
            return Scale.padded(ys.min() ?? 0, ys.max() ?? 1)
        case .bars:
            let lows = bars.map { $0.value - ($0.error ?? 0) }.filter(\.isFinite)
            let highs = bars.map { $0.value + ($0.error ?? 0) }.filter(\.isFinite)
            let lo = lows.min() ?? 0, hi = highs.max() ?? 1
            // Bars always start at zero (error bars too): a bar's length is its value, so a
            // small difference never looks like a factor of two.
            if lo >= 0 { return (0, hi > 0 ? hi * 1.05 : 1) }
            if hi <= 0 { return (lo * 1.05, 0) }
            return Scale.padded(lo, hi)
        case .histogram:
            return (0, Double(max(1, bins.map(\.count).max() ?? 1)))
        case .heatmap:
            let v = matrix.joined().filter(\.isFinite)
            return (v.min() ?? 0, v.max() ?? 1)
        }
    }

    /// Whether every x value of the line chart is a whole number (steps, levels): its ticks
    /// are whole numbers too.
    var xIsIntegral: Bool {
        kind == .lines && series.allSatisfy { $0.x.allSatisfy { !$0.isFinite || $0 == $0.rounded() } }
    }

    /// For each series, the earlier series it is drawn exactly on top of, if any (same points).
    var hiddenUnder: [Int?] {
        series.indices.map { j in
            series.indices.prefix(j).first { i in
                series[i].x == series[j].x && zip(series[i].y, series[j].y).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
                    && series[i].y.count == series[j].y.count
            }
        }
    }

    var xRange: (Double, Double) {
        switch kind {
        case .lines:
            let xs = series.flatMap(\.x).filter(\.isFinite)
            let lo = xs.min() ?? 0, hi = xs.max() ?? 1
            // A single x value (one evaluation) sits in the middle of a unit-wide axis.
            return hi > lo ? (lo, hi) : (lo - 1, hi + 1)
        case .histogram:
            return (bins.first?.low ?? 0, bins.last?.high ?? 1)
        default:
            return (0, 1)
        }
    }
}
