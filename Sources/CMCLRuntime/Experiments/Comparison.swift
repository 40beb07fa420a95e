import CMCLLang
import CMCLData
import Foundation

/// `compare(results, metric:, by:)`: mean ± sd per configuration and paired differences
/// against a baseline over shared seeds, with a paired t-test and a bootstrap interval.
final class Comparison: NativeObject, PlainConvertible {
    struct Group {
        var name: String
        var values: [Double]
        var seeds: [Double]
        var summary: Statistics.Summary
    }
    struct Difference {
        var name: String
        var pairs: Int
        var mean: Double
        var t: Double
        var p: Double
        var low: Double
        var high: Double
    }

    let metric: String
    let baseline: String
    let level: Double
    let groups: [Group]
    let differences: [Difference]
    /// Configurations with no finished run, and how many of their runs failed.
    var omitted: [(name: String, failed: Int)] = []
    /// Fewer pairs than this make the bootstrap interval unreliable (it resamples too few
    /// distinct values and comes out too narrow).
    static let fewPairs = 5

    init(metric: String, baseline: String, level: Double, groups: [Group], differences: [Difference]) {
        self.metric = metric
        self.baseline = baseline
        self.level = level
        self.groups = groups
        self.differences = differences
    }

    var typeName: String { "Comparison" }

    static func compute(_ a: Arguments) throws -> Value {
        let metric = try a.string("metric"), by = try a.string("by")
        let rows = try SystemBuiltins.plainRows(try a.value("results"), argument: "results", a)
        var order: [String] = [], values: [String: [(seed: Double, value: Double)]] = [:]
        var failed: [String: Int] = [:], failedOrder: [String] = []
        for (i, row) in rows.enumerated() {
            if case .string(let s)? = row["status"], s != "ok" {
                if let key = row[by] {
                    let name = Display.render(key, .print)
                    if failed[name] == nil { failedOrder.append(name) }
                    failed[name, default: 0] += 1
                }
                continue
            }
            guard let key = row[by] else { throw CMCLError("run \(i) has no `\(by)` column", argument: .label("by")) }
            guard let v = row[metric] else {
                throw CMCLError("run \(i) has no metric `\(metric)`", hint: Suggestion.hint(for: metric, in: row.keys),
                                argument: .label("metric"))
            }
            guard case .number(let x) = v else { continue }
            let name = Display.render(key, .print)
            let seed: Double
            if case .number(let s)? = row["seed"] { seed = s } else { seed = Double(values[name]?.count ?? 0) }
            if values[name] == nil { order.append(name) }
            values[name, default: []].append((seed, x))
        }
        // Configurations whose every run failed are named, not dropped silently.
        let omitted = failedOrder.filter { values[$0] == nil }.map { (name: $0, failed: failed[$0] ?? 0) }
        guard !order.isEmpty else {
            throw CMCLError("no finished runs with a number for `\(metric)`"
                            + (omitted.isEmpty ? "" : " (" + omitted.map { "\($0.name): \($0.failed) failed" }.joined(separator: ", ") + ")"))
        }
        let baseline = try a.optional("baseline").map { Display.render($0, .print) } ?? order[0]
        guard let base = values[baseline] else {
            if let f = failed[baseline] { throw CMCLError("the baseline \(baseline) has 0 ok runs (\(f) failed)", argument: .label("baseline")) }
            throw CMCLError("no runs named \(baseline)", hint: Suggestion.hint(for: baseline, in: order), argument: .label("baseline"))
        }
        let level = try a.number("level")
        guard level > 0 && level < 1 else { throw CMCLError("level must be between 0 and 1, e.g. 0.95", argument: .label("level")) }
        let resamples = try a.int("resamples")
        guard resamples > 0 && resamples <= 10_000_000 else { throw CMCLError("resamples must be between 1 and 10000000", argument: .label("resamples")) }
        let seed = UInt64(max(0, try a.int("seed")))
        let groups = order.map { n -> Group in
            let v = values[n] ?? []
            return Group(name: n, values: v.map(\.value), seeds: v.map(\.seed), summary: Statistics.summary(v.map(\.value)))
        }
        var differences: [Difference] = []
        let baseBySeed = Dictionary(base.map { ($0.seed, $0.value) }, uniquingKeysWith: { _, last in last })
        for n in order where n != baseline {
            var x: [Double] = [], y: [Double] = []
            var seen = Set<Double>()
            for (s, v) in (values[n] ?? []).reversed() where seen.insert(s).inserted {
                if let b = baseBySeed[s] { x.append(v); y.append(b) }
            }
            let test = try PairedTest(a: x.reversed(), b: y.reversed())
            let ci = test.bootstrapInterval(level: level, resamples: resamples, seed: seed)
            differences.append(Difference(name: n, pairs: x.count, mean: test.meanDifference, t: test.t, p: test.p,
                                          low: ci.low, high: ci.high))
        }
        let result = Comparison(metric: metric, baseline: baseline, level: level, groups: groups, differences: differences)
        result.omitted = omitted
        return .object(result)
    }

    var plainValue: Value {
        .record([
            ("metric", .string(metric)), ("baseline", .string(baseline)), ("level", .number(level)),
            ("groups", .list(groups.map { g in
                .record([("name", .string(g.name)), ("n", .number(Double(g.summary.count))), ("mean", .number(g.summary.mean)),
                         ("sd", .number(g.summary.sd)), ("values", .list(g.values.map { .number($0) }))])
            })),
            ("omitted", .list(omitted.map { .record([("name", .string($0.name)), ("failed", .number(Double($0.failed)))]) })),
            ("differences", .list(differences.map { d in
                .record([("name", .string(d.name)), ("baseline", .string(baseline)), ("pairs", .number(Double(d.pairs))),
                         ("mean", .number(d.mean)), ("t", .number(d.t)), ("p", .number(d.p)),
                         ("low", .number(d.low)), ("high", .number(d.high))])
            })),
        ])
    }

    var fieldNames: [String] { ["metric", "baseline", "level", "groups", "omitted", "differences"] }
    func field(_ name: String) -> Value? {
        guard case .record(let r) = plainValue else { return nil }
        return r[name]
    }

    static func signed(_ x: Double) -> String {
        x.isNaN ? "nan" : (x >= 0 ? "+" : "") + String(format: "%.4f", x)
    }

    static func pText(_ p: Double) -> String {
        if p.isNaN { return "nan" }
        if p == 0 { return "0" }
        return p < 0.0001 ? String(format: "%.1e", p) : String(format: "%.4f", p)
    }

    func display(_ style: DisplayStyle) -> String {
        var out = "\(metric): mean ± sd over seeds\n"
        out += TextGrid(header: ["name", "n", "mean", "sd"], rows: groups.map { g in
            [g.name, String(g.summary.count), String(format: "%.4f", g.summary.mean),
             g.summary.sd.isNaN ? "nan" : String(format: "%.4f", g.summary.sd)]
        }).render()
        for o in omitted { out += "\n\(o.name): 0 ok runs (\(o.failed) failed), omitted" }
        guard !differences.isEmpty else { return out }
        let pct = Display.number((level * 1000).rounded() / 10)
        out += "\n\npaired differences against \(baseline) over shared seeds (t-test, \(pct)% bootstrap interval)\n"
        out += TextGrid(header: ["name", "pairs", "difference", "t", "p", "interval"], rows: differences.map { d in
            [d.name, String(d.pairs), Comparison.signed(d.mean), d.t.isNaN ? "nan" : String(format: "%.3f", d.t),
             Comparison.pText(d.p), "[\(Comparison.signed(d.low)), \(Comparison.signed(d.high))]"]
        }).render()
        if let few = differences.map(\.pairs).filter({ $0 < Comparison.fewPairs }).min() {
            out += "\nnote: with \(few) pair\(few == 1 ? "" : "s") the bootstrap interval is unreliable (too narrow); "
                + "rely on the t-test, or run \(Comparison.fewPairs) or more seeds"
        }
        return out
    }
}
