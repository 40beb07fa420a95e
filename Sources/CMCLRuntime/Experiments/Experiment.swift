import CMCLData
import CMCLLang
import CMCLTensor
import Foundation

/// `experiment(configs, seeds:, run:, log:)`: every configuration with every seed, one log
/// line per finished run, resuming from the log.
enum Experiment {
    static func run(_ a: Arguments) throws -> Value {
        let fallback = try PrecisionArgument.resolve(a)
        var precisions: [Precision] = []
        let configs = try a.list("configs").enumerated().map { i, v -> Value in
            let config: Value
            switch v {
            case .record: config = v
            case .string: config = .record([("name", v)])
            default: throw CMCLError("configuration \(i) must be a record (e.g. {name: \"plain\", lr: 1e-3}), got \(Display.describe(v))",
                                     argument: .label("configs"))
            }
            // The run's precision: the configuration's field, else the call's; a non-default one
            // joins the configuration, so that the log tells the runs apart.
            guard case .record(let r) = config else {
                precisions.append(fallback)
                return config
            }
            if let field = r.pairs.first(where: { $0.0 == "precision" })?.1 {
                guard case .string(let s) = field else { throw a.typeError("configs", "a precision field \"fp32\" or \"bf16\"", field) }
                precisions.append(try PrecisionArgument.parse(s))
                return config
            }
            precisions.append(fallback)
            return fallback == .fp32 ? config : .record(r.pairs + [("precision", .string(fallback.rawValue))])
        }
        let seeds = try a.list("seeds").map { v -> Double in
            guard case .number(let n) = v, n == n.rounded() else { throw a.typeError("seeds", "a list of whole numbers", v) }
            return n
        }
        let function = try a.callable("run")
        let logPath = try a.optionalString("log")
        let showProgress = try a.value("progress").isTruthy
        let vm = a.interpreter

        var finished: [String: ResultsTable.Row] = [:]
        if let logPath {
            let contents = try RunLog.read(logPath)
            for (k, row) in contents.runs where row.status == "ok" { finished[k] = row }
            if showProgress, let report = contents.report("experiment", logPath) { vm.errorOutput(report) }
        }
        let total = configs.count * seeds.count
        let jsonConfigs = try configs.map { try ValueJSON.json($0, path: "configuration") }
        let keys = jsonConfigs.map { c in seeds.map { RunLog.key(config: c, seed: $0) } }
        let resumed = keys.joined().filter { finished[$0] != nil }.count
        if resumed > 0, showProgress, let logPath {
            vm.errorOutput("experiment: \(resumed) of \(total) runs already in \(logPath); running the other \(total - resumed)\n")
        }
        // A logged run of an edited run function is stale. Runs logged without a fingerprint
        // (older logs) are taken as they are.
        let fingerprint = RunLog.fingerprint(function)
        let stale = keys.joined().filter { k in
            guard let f = finished[k]?.function, let fingerprint else { return false }
            return f != fingerprint
        }.count
        if stale > 0, let logPath {
            vm.errorOutput("warning: the run function changed since \(stale) of the \(resumed) reused runs in \(logPath) were logged; "
                           + "their results come from the old code (delete their lines or log to a new file to run them again)\n")
        }

        var rows: [ResultsTable.Row] = []
        var done = 0
        for (c, config) in configs.enumerated() {
            let name = RunLog.name(of: jsonConfigs[c])
            for (s, seed) in seeds.enumerated() {
                done += 1
                if let row = finished[keys[c][s]] {
                    rows.append(row)
                    continue
                }
                try Interrupt.check()
                let start = DispatchTime.now().uptimeNanoseconds, loadAtStart = Machine.load()
                var row = ResultsTable.Row(config: config, name: name, seed: seed, status: "ok", seconds: 0, metrics: [], error: nil,
                                           function: fingerprint)
                let interruptions = Interrupt.requests, collapsesBefore = vm.collapses.count
                let sessionPrecision = vm.precision
                vm.precision = precisions[c]
                defer { vm.precision = sessionPrecision }
                do {
                    row.metrics = try metrics(try a.call(function, [config, .number(seed)]))
                } catch let d as Diagnostic where d.kind == .runtime {
                    row.status = "error"
                    if let file = d.file {
                        let at = file.location(of: d.span.start)
                        row.error = "\((file.name as NSString).lastPathComponent):\(at.line):\(at.column): \(d.message)"
                    } else {
                        row.error = d.message
                    }
                } catch let e as CMCLError where !e.isInterruption {
                    row.status = "error"
                    row.error = e.message
                }
                row.seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                if vm.collapses.count > collapsesBefore { row.collapsed = vm.collapses.last }
                // Ctrl-C during the run (even one that `fit` handled by stopping early): the run
                // is unfinished, so it is not logged, and the sweep stops.
                if Interrupt.requests != interruptions { throw CMCLError.interrupted }
                if let logPath {
                    let line = try RunLog.line(row, config: jsonConfigs[c], machine: Machine.record(loadAtStart: loadAtStart))
                    try FileOutput.append(line, to: logPath)
                }
                if showProgress { vm.errorOutput(progress(row, done: done, total: total)) }
                rows.append(row)
            }
        }
        return .object(ResultsTable(rows))
    }

    static func metrics(_ v: Value) throws -> [(String, Value)] {
        switch v {
        case .number: return [("value", v)]
        case .record(let r):
            for (k, m) in r.pairs {
                switch m {
                case .number, .string, .bool, .null: continue
                default: throw CMCLError("metric `\(k)` is \(Display.describe(m)); metrics are numbers, strings or booleans")
                }
            }
            return r.pairs
        default:
            throw CMCLError("the run function must return a record of metrics (e.g. {accuracy: 0.8}), got \(Display.describe(v))")
        }
    }

    static func progress(_ row: ResultsTable.Row, done: Int, total: Int) -> String {
        var s = "[\(done)/\(total)] \(row.name) seed \(Display.number(row.seed)): "
        if let e = row.error {
            s += "failed: \(e)"
        } else {
            s += row.metrics.map { k, v in
                if case .number(let n) = v { return "\(k) \(TextGrid.cell(n))" }
                return "\(k) \(Display.render(v, .print))"
            }.joined(separator: ", ")
            if row.collapsed != nil { s += " [collapsed to one class]" }
        }
        return s + " (\(Display.duration(row.seconds)))\n"
    }

    /// `read_runs(path)`: the results recorded in a run log.
    static func readRuns(_ a: Arguments) throws -> Value {
        let path = try a.string("path")
        guard FileManager.default.fileExists(atPath: path) else { throw CMCLError("no run log at \(path)", argument: .label("path")) }
        let contents = try RunLog.read(path)
        if let report = contents.report("read_runs", path) { a.interpreter.errorOutput(report) }
        return .object(ResultsTable(contents.runs.map(\.row)))
    }
}
