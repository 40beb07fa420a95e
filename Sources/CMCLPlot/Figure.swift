/// A chart as data, independent of how it is drawn: `TerminalRenderer` draws it with Unicode
/// braille and block characters, `SVGRenderer` as an SVG document.
///
/// ```swift
/// var f = Figure(kind: .lines, title: "loss")
/// f.series = [Series(name: "l_0", x: [0, 1, 2], y: [0.7, 0.5, 0.4])]
/// print(TerminalRenderer(width: 60, height: 12).render(f))
/// ```
public struct Figure: Sendable, Equatable {
    /// What the chart draws, and so which of its data fields it reads.
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

    /// What the chart draws.
    public var kind: Kind
    /// The heading above the chart; empty for none.
    public var title: String
    /// The name of the horizontal axis (`step`, `ablation level k`); empty for none.
    public var xLabel: String
    /// The name of the vertical axis (`loss`, `accuracy`); empty for none.
    public var yLabel: String
    /// `.lines`: the curves.
    public var series: [Series] = []
    /// `.bars`: the categories.
    public var bars: [Bar] = []
    /// `.histogram`: the bins.
    public var bins: [Bin] = []
    /// `.heatmap`: rows of values, with optional row and column names.
    public var matrix: [[Double]] = []
    /// `.heatmap`: a name per row of `matrix` (row numbers where missing).
    public var rowNames: [String] = []
    /// `.heatmap`: a name per column of `matrix`.
    public var columnNames: [String] = []

    /// An empty chart of `kind`; fill the field its kind reads (`series`, `bars`, `bins` or
    /// `matrix`).
    ///
    /// ```swift
    /// var f = Figure(kind: .bars, title: "accuracy")
    /// f.bars = [Bar(name: "plain", value: 0.80, error: 0.01)]
    /// ```
    public init(kind: Kind, title: String = "", xLabel: String = "", yLabel: String = "") {
        self.kind = kind
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
    }
}

/// One curve of a line chart. Non-finite points are gaps.
///
/// ```swift
/// Series(name: "dev accuracy", x: [100, 200, 300], y: [0.71, 0.78, 0.80])
/// ```
public struct Series: Sendable, Equatable {
    /// The name the legend shows; an unnamed lone curve has no legend.
    public var name: String
    /// The x value of each point (steps, ablation levels), as many as `y`.
    public var x: [Double]
    /// The y value of each point.
    public var y: [Double]
    /// A curve through the points (x[i], y[i]).
    public init(name: String, x: [Double], y: [Double]) {
        self.name = name
        self.x = x
        self.y = y
    }
}

/// One category of a bar chart: a bar from zero to `value`, with an optional error bar.
///
/// ```swift
/// Bar(name: "CmpDrop", value: 0.831, error: 0.004)   // mean ± sd
/// ```
public struct Bar: Sendable, Equatable {
    /// The category's label under (or beside) its bar.
    public var name: String
    /// The bar's length, from zero.
    public var value: Double
    /// Half-width of the error bar (e.g. one standard deviation); nil for none.
    public var error: Double?
    /// A bar of `value`, with an error bar of ± `error` if given.
    public init(name: String, value: Double, error: Double? = nil) {
        self.name = name
        self.value = value
        self.error = error
    }
}

/// One bin of a histogram: how many values fell in `low..<high` (the last bin includes its
/// `high`). `Figure.histogram(_:bins:)` makes them.
public struct Bin: Sendable, Equatable {
    /// The bin's lower edge.
    public var low: Double
    /// The bin's upper edge.
    public var high: Double
    /// How many values fell in the bin.
    public var count: Int
}

extension Figure {
    /// A histogram of `values` in `count` equal-width bins over their range (non-finite
    /// values are left out).
    ///
    /// ```swift
    /// Figure.histogram([1, 2, 2, 3, 9], bins: 4).bins.map(\.count)   // [3, 1, 0, 1]
    /// ```
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
            // Widened to round values, so that the axis ends are labelled with ticks.
            // (A flat series is padded first.)
            let ys = series.flatMap(\.y).filter(\.isFinite)
            let (lo, hi) = (ys.min() ?? 0, ys.max() ?? 1)
            let (a, b) = hi > lo ? (lo, hi) : Scale.padded(lo, hi)
            return Scale.nice(a, b, count: 10)
        case .bars:
            let lows = bars.map { $0.value - ($0.error ?? 0) }.filter(\.isFinite)
            let highs = bars.map { $0.value + ($0.error ?? 0) }.filter(\.isFinite)
            let lo = lows.min() ?? 0, hi = highs.max() ?? 1
            // Bars always start at zero (error bars too): a bar's length is its value, so a
            // small difference never looks like a factor of two.
            if lo >= 0 { return hi > 0 ? (0, Scale.nice(0, hi * 1.05).1) : (0, 1) }
            if hi <= 0 { return (Scale.nice(lo * 1.05, 0).0, 0) }
            let (a, b) = Scale.padded(lo, hi)
            return Scale.nice(a, b)
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

    /// For each series, the earlier series that covers it at the renderer's resolution, if
    /// any. `position` maps a point to where it is drawn (terminal cells, pixels); a series each
    /// of whose points lies within `tolerance` of the same point of an earlier series (in both
    /// directions, gaps in the same places) cannot be told apart from it, since renderers draw
    /// the first series on top. Renderers name it in the legend ("CmpDrop (hidden under plain)").
    ///
    /// ```swift
    /// f.hiddenUnder(tolerance: 0.5) { x, y in (x * 30, y * 10) }   // [nil, 0]: the second under the first
    /// ```
    public func hiddenUnder(tolerance: Double, position: (Double, Double) -> (Double, Double)) -> [Int?] {
        let drawn = series.map { s in zip(s.x, s.y).map { x, y in x.isFinite && y.isFinite ? position(x, y) : nil } }
        func covers(_ i: Int, _ j: Int) -> Bool {
            drawn[i].count == drawn[j].count && zip(drawn[i], drawn[j]).allSatisfy { p, q in
                guard let p, let q else { return p == nil && q == nil }
                return abs(p.0 - q.0) <= tolerance && abs(p.1 - q.1) <= tolerance
            }
        }
        return series.indices.map { j in
            guard drawn[j].contains(where: { $0 != nil }) else { return nil }
            return series.indices.prefix(j).first { covers($0, j) }
        }
    }

    /// The x value every point of a line chart shares (a single evaluation), or nil: its axis
    /// is labelled only there.
    var singleX: Double? {
        guard kind == .lines else { return nil }
        let xs = Set(series.flatMap(\.x).filter(\.isFinite))
        return xs.count == 1 ? xs.first : nil
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
