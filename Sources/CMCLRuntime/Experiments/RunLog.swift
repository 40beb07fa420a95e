import CMCLBase
import CMCLData
import Foundation

/// The JSON Lines run log of `experiment` (format in docs/experiments.md).
enum RunLog {
    /// The identity of a run: the configuration's canonical JSON and the seed.
    static func key(config: JSONValue, seed: Double) -> String {
        config.serialized(sortKeys: true, compact: true) + "#" + Display.number(seed)
    }

    /// A short fingerprint of a run function's source (FNV-1a, 64 bits, hex), logged with each
    /// run as `run` so that a resumed sweep notices an edited function. Builtins have none.
    static func fingerprint(_ function: Value) -> String? {
        guard case .closure(let c) = function else { return nil }
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in c.sourceText.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return String(h, radix: 16)
    }

    static func name(of config: JSONValue) -> String {
        if case .string(let s)? = config["name"] { return s }
        return config.serialized(sortKeys: true, compact: true)
    }

    /// What reading a run log found: the runs by key (the last line for a key wins) in order of
    /// first appearance, and the lines it could not use, each with why (`line 4: …`).
    struct Contents {
        var runs: [(key: String, row: ResultsTable.Row)] = []
        var problems: [String] = []
        var skipped: Int { problems.count }

        /// `skipped 2 unreadable lines of runs.jsonl (line 4: not JSON; line 9: `status` is 1, not a string)`.
        func report(_ command: String, _ path: String) -> String? {
            guard !problems.isEmpty else { return nil }
            let shown = problems.prefix(3).joined(separator: "; ") + (problems.count > 3 ? "; …" : "")
            let n = problems.count
            return "\(command): skipped \(n) unreadable line\(n == 1 ? "" : "s") of \(StringEscape.escaped(path)) (\(shown))\n"
        }
    }

    /// Reads every well-formed line. A line that is not JSON, or a record whose fields have the
    /// wrong types (`"status": 1`, a missing seed), is skipped and reported, never counted as a run.
    static func read(_ path: String) throws -> Contents {
        guard FileManager.default.fileExists(atPath: path) else { return Contents() }
        let bytes = try JSONValue.readLineBytes(path: path)
        var contents = Contents()
        var order: [String] = [], byKey: [String: ResultsTable.Row] = [:]
        for (number, line) in bytes {
            let v: JSONValue
            do { v = try JSONValue.parse(bytes: line, source: path) } catch {
                contents.problems.append("line \(number): not JSON")
                continue
            }
            let row: ResultsTable.Row, k: String
            switch record(v) {
            case .failure(let problem):
                contents.problems.append("line \(number): \(problem.text)")
                continue
            case .success(let found):
                (k, row) = found
            }
            if byKey[k] == nil { order.append(k) }
            // A finished run is not replaced by a later failure of the same run.
            if let old = byKey[k], old.status == "ok", row.status != "ok" { continue }
            byKey[k] = row
        }
        contents.runs = order.compactMap { k in byKey[k].map { (k, $0) } }
        return contents
    }

    struct Problem: Error { let text: String }

    /// One line's run and key, or what is wrong with its fields.
    static func record(_ v: JSONValue) -> Result<(String, ResultsTable.Row), Problem> {
        func wrong(_ field: String, _ expected: String) -> Result<(String, ResultsTable.Row), Problem> {
            let got = v[field].map { $0.serialized(compact: true) } ?? "missing"
            return .failure(Problem(text: "`\(field)` is \(got.count > 40 ? String(got.prefix(40)) + "…" : got), not \(expected)"))
        }
        guard case .object = v else { return .failure(Problem(text: "not a JSON object")) }
        guard let config = v["config"] else { return wrong("config", "a configuration") }
        guard let seed = v["seed"]?.number else { return wrong("seed", "a number") }
        var status = "ok"
        if let s = v["status"] { guard let text = s.string else { return wrong("status", "a string") }; status = text }
        var name = RunLog.name(of: config)
        if let n = v["name"] { guard let text = n.string else { return wrong("name", "a string") }; name = text }
        var metrics: [(String, Value)] = []
        if let m = v["metrics"] {
            guard case .object(let o) = m else { return wrong("metrics", "an object") }
            metrics = o.pairs.map { ($0.key, ValueJSON.value($0.value)) }
        }
        var seconds = Double.nan
        if let t = v["seconds"], t != .null { guard let n = t.number else { return wrong("seconds", "a number") }; seconds = n }
        var error: String?
        if let e = v["error"], e != .null { guard let text = e.string else { return wrong("error", "a string") }; error = text }
        var function: String?
        if let f = v["run"], f != .null { guard let text = f.string else { return wrong("run", "a string") }; function = text }
        var collapsed: String?
        if let c = v["collapsed"], c != .null { guard let text = c.string else { return wrong("collapsed", "a string") }; collapsed = text }
        let row = ResultsTable.Row(config: ValueJSON.value(config), name: name, seed: seed, status: status, seconds: seconds,
                                   metrics: metrics, error: error, function: function, collapsed: collapsed)
        return .success((key(config: config, seed: seed), row))
    }

    static func line(_ row: ResultsTable.Row, config: JSONValue, machine: JSONValue? = nil) throws -> String {
        var o = JSONObject()
        o["config"] = config
        o["name"] = .string(row.name)
        o["seed"] = .number(row.seed)
        o["status"] = .string(row.status)
        o["metrics"] = .object(JSONObject(try row.metrics.map { ($0.0, try ValueJSON.json($0.1, path: "metric \($0.0)")) }))
        if let e = row.error { o["error"] = .string(e) }
        if let f = row.function { o["run"] = .string(f) }
        if let c = row.collapsed { o["collapsed"] = .string(c) }
        o["seconds"] = .number((row.seconds * 1000).rounded() / 1000)
        if let machine { o["machine"] = machine }
        o["time"] = .string(timestamp(Date()))
        o["cmcl"] = .string(Version.text)
        return JSONValue.object(o).serialized() + "\n"
    }

    static func timestamp(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        f.timeZone = TimeZone(identifier: "UTC")
        return f.string(from: date)
    }
}
