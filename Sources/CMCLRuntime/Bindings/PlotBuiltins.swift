import CMCLNN
import CMCLPlot
import CMCLTensor
import Foundation

/// `plot(...)`: charts of histories, ablation curves, comparisons, lists and matrices.
enum PlotBuiltins {
    static func register(into r: BuiltinRegistry) {
        r.category("plot", title: "Plots")
        r.add("plot(data, kind: nil, title: nil, x: nil, y: nil, bins: 20, width: nil, height: nil, file: nil, force: false)", "plot",
              "A chart: a History (loss and each l_k per step, metrics per evaluation), a record of lists (one curve each, e.g. ablation curves), a comparison (bars ± sd), a list (`kind: \"hist\"` for a histogram), a matrix (heatmap). Draws in the terminal; `file: \"x.svg\"` also writes SVG (replacing a file this session did not write only with `force: true`).",
              example: "plot({plain: [0.9, 0.7, 0.5], cmpdrop: [0.9, 0.85, 0.8]}, x: \"ablation level\", y: \"accuracy\")") { a in
            try make(a)
        }
    }

    static func make(_ a: Arguments) throws -> Value {
        let data = try a.value("data")
        let kind = try a.optionalString("kind")
        let kinds = ["line", "lines", "ablation", "bars", "hist", "histogram", "heatmap"]
        if let kind, !kinds.contains(kind) {
            throw CMCLError("unknown plot kind \"\(kind)\"", hint: "kinds: \(kinds.joined(separator: ", "))", argument: .label("kind"))
        }
        var figures = try figuresFor(data, kind: kind, bins: try a.int("bins"), a)
        let title = try a.optionalString("title"), x = try a.optionalString("x"), y = try a.optionalString("y")
        for i in figures.indices {
            if let title, i == 0 { figures[i].title = title }
            if let x { figures[i].xLabel = x }
            if let y, i == 0 { figures[i].yLabel = y }
        }
        let terminal = terminalSize(a.interpreter)
        let width = try a.optionalInt("width") ?? terminal?.columns ?? 72
        let height = try a.optionalInt("height") ?? min(20, max(10, (terminal?.rows ?? 18) - 4))
        let plot = PlotValue(figures, width: width, height: height, color: terminal != nil)
        if let file = try a.optionalString("file") {
            guard file.hasSuffix(".svg") || file.isEmpty else { throw CMCLError("plots are written as SVG: give a file ending in .svg", argument: .label("file")) }
            try FileOutput.write(plot.svg, toArgument: "file", a)
        }
        return .object(plot)
    }

    /// Trailing moving average (NaNs skipped).
    static func smooth(_ ys: [Double], _ window: Int) -> [Double] {
        guard window > 1 else { return ys }
        return ys.indices.map { i in
            let part = ys[max(0, i - window + 1)...i].filter(\.isFinite)
            return part.isEmpty ? .nan : part.reduce(0, +) / Double(part.count)
        }
    }

    static func terminalSize(_ vm: Interpreter) -> (columns: Int, rows: Int)? {
        guard vm.outputIsTerminal else { return nil }
        var size = winsize()
        if ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return (Int(size.ws_col) - 1, Int(size.ws_row)) }
        return nil
    }

    static func numbers(_ v: Value) -> [Double]? {
        switch v {
        case .list(let l):
            var out: [Double] = []
            for item in l.items {
                switch item {
                case .number(let n): out.append(n)
                case .null: out.append(.nan)
                default: return nil
                }
            }
            return out
        case .object(let t as TensorValue) where t.tensor.shape.count <= 1:
            return t.tensor.toDoubles()
        default: return nil
        }
    }

    static func matrix(_ v: Value) -> [[Double]]? {
        switch v {
        case .list(let l):
            guard !l.items.isEmpty else { return nil }
            var rows: [[Double]] = []
            for item in l.items {
                guard case .list = item, let row = numbers(item) else { return nil }
                rows.append(row)
            }
            return rows
        case .object(let t as TensorValue) where t.tensor.shape.count == 2:
            let values = t.tensor.toDoubles(), c = t.tensor.shape[1]
            return (0..<t.tensor.shape[0]).map { Array(values[($0 * c)..<(($0 + 1) * c)]) }
        default: return nil
        }
    }

    static func figuresFor(_ data: Value, kind: String?, bins: Int, _ a: Arguments) throws -> [Figure] {
        if case .object(let h as HistoryValue) = data { return history(h.history) }
        // `plot({plain: h1, cmpdrop: h2})`: the runs overlaid, each at its own steps.
        if case .record(let r) = data, !r.pairs.isEmpty,
           r.pairs.allSatisfy({ if case .object(let o) = $0.1 { return o is HistoryValue }; return false }) {
            return histories(r.pairs.compactMap { k, v in
                if case .object(let h as HistoryValue) = v { return (k, h.history) }
                return nil
            })
        }
        if case .object(let c as Comparison) = data {
            var f = Figure(kind: .bars, title: "\(c.metric): mean ± sd", yLabel: c.metric)
            f.bars = c.groups.map { Bar(name: $0.name, value: $0.summary.mean, error: $0.summary.sd.isFinite ? $0.summary.sd : nil) }
            return [f]
        }
        if kind == "heatmap" || (kind == nil && matrix(data) != nil && numbers(data) == nil) {
            guard let m = matrix(data) else { throw a.typeError("data", "a matrix (a list of lists of numbers or a 2-D tensor)", data) }
            var f = Figure(kind: .heatmap)
            f.matrix = m
            return [f]
        }
        if kind == "hist" || kind == "histogram" {
            guard let xs = numbers(data) ?? matrix(data)?.flatMap({ $0 }) else { throw a.typeError("data", "a list of numbers", data) }
            guard bins > 0 && bins <= 1000 else { throw CMCLError("bins must be between 1 and 1000", argument: .label("bins")) }
            return [Figure.histogram(xs, bins: bins)]
        }
        if let ys = numbers(data) {
            if kind == "bars" {
                var f = Figure(kind: .bars)
                f.bars = ys.enumerated().map { Bar(name: String($0), value: $1) }
                return [f]
            }
            var f = Figure(kind: .lines, xLabel: kind == "ablation" ? "ablation level k" : "")
            f.series = [Series(name: "", x: ys.indices.map(Double.init), y: ys)]
            return [f]
        }
        if case .record(let r) = data {
            if r.values.allSatisfy({ if case .number = $0 { return true }; return false }) || kind == "bars" {
                var f = Figure(kind: .bars)
                f.bars = try r.pairs.map { k, v in
                    guard case .number(let n) = v else { throw a.typeError("data", "a record of numbers", v) }
                    return Bar(name: k, value: n)
                }
                return [f]
            }
            var f = Figure(kind: .lines, xLabel: kind == "ablation" ? "ablation level k" : "")
            f.series = try r.pairs.map { k, v in
                if case .record(let xy) = v, let xs = xy["x"].flatMap(numbers), let ys = xy["y"].flatMap(numbers) {
                    return Series(name: k, x: xs, y: ys)
                }
                guard let ys = numbers(v) else { throw a.typeError("data", "a record of lists of numbers (one curve each)", v) }
                return Series(name: k, x: ys.indices.map(Double.init), y: ys)
            }
            return [f]
        }
        throw a.typeError("data", "a History (or a record of them), a comparison, a list or record of numbers, or a matrix", data)
    }

    /// Several runs on one chart: the task loss l_0 of each per step (comparable between
    /// objectives), then each metric every run evaluated, per evaluation.
    static func histories(_ runs: [(String, TrainingHistory)]) -> [Figure] {
        let longest = runs.map { $0.1.steps.count }.max() ?? 0
        let window = longest >= 100 ? longest / 20 : 1
        var loss = Figure(kind: .lines, title: window > 1 ? "task loss l_0 (moving average over \(window) steps)" : "task loss l_0",
                          xLabel: "step")
        loss.series = runs.map { name, h in
            Series(name: name, x: h.steps.map { Double($0.step) }, y: smooth(h.taskLosses, window))
        }
        var figures = [loss]
        let metricSets = runs.map { Set($0.1.evaluations.flatMap { $0.metrics.keys }) }
        let shared = metricSets.dropFirst().reduce(metricSets.first ?? []) { $0.intersection($1) }.sorted()
        for metric in shared {
            var m = Figure(kind: .lines, title: metric, xLabel: "step")
            m.series = runs.map { name, h in Series(name: name, x: h.evaluations.map { Double($0.step) }, y: h.metric(metric)) }
            figures.append(m)
        }
        return figures
    }

    /// Loss and each l_k per step (a moving average over 1/20 of the run when it is long);
    /// metrics per evaluation.
    static func history(_ h: TrainingHistory) -> [Figure] {
        let window = h.steps.count >= 100 ? h.steps.count / 20 : 1
        var loss = Figure(kind: .lines, title: window > 1 ? "training loss (moving average over \(window) steps)" : "training loss",
                          xLabel: "step")
        let xs = h.steps.map { Double($0.step) }
        // The minimised loss under its own name (the ranking loss under cmp); l_0 is the task loss.
        loss.series = [Series(name: h.steps.last?.objectiveName ?? "loss", x: xs, y: smooth(h.losses, window))]
        let parts = Set(h.steps.flatMap { $0.parts.keys }).filter { $0.hasPrefix("l_") }
            .sorted { (Int($0.dropFirst(2)) ?? 0) < (Int($1.dropFirst(2)) ?? 0) }
        for p in parts { loss.series.append(Series(name: p, x: xs, y: smooth(h.steps.map { $0.parts[p] ?? .nan }, window))) }
        var figures = [loss]
        let metrics = Set(h.evaluations.flatMap { $0.metrics.keys }).sorted()
        if !metrics.isEmpty {
            var m = Figure(kind: .lines, title: "evaluation", xLabel: "step")
            let ex = h.evaluations.map { Double($0.step) }
            m.series = metrics.map { name in Series(name: name, x: ex, y: h.metric(name)) }
            figures.append(m)
        }
        return figures
    }
}
