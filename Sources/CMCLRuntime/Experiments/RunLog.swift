import CMCLData
import Foundation

/// The JSON Lines run log of `experiment` (format in docs/experiments.md).
enum RunLog {
    /// The identity of a run: the configuration's canonical JSON and the seed.
    static func key(config: JSONValue, seed: Double) -> String {
        config.serialized(sortKeys: true, compact: true) + "#" + Display.number(seed)
    }

    static func name(of config: JSONValue) -> String {
        if case .string(let s)? = config["name"] { return s }
        return config.serialized(sortKeys: true, compact: true)
    }

    /// Reads every well-formed line; returns the runs by key (the last line for a key wins)
    /// in order of first appearance, and how many lines were unreadable.
    static func read(_ path: String) throws -> (runs: [(key: String, row: ResultsTable.Row)], skipped: Int) {
        guard FileManager.default.fileExists(atPath: path) else { return ([], 0) }
        let (values, skipped) = try JSONValue.readLines(path: path, skipBadLines: true)
        var order: [String] = [], byKey: [String: ResultsTable.Row] = [:]
        var bad = skipped
        for v in values {
            guard let config = v["config"], let seed = v["seed"]?.number else { bad += 1; continue }
            let status = v["status"]?.string ?? "ok"
            var metrics: [(String, Value)] = []
            if case .object(let m)? = v["metrics"] { metrics = m.pairs.map { ($0.key, ValueJSON.value($0.value)) } }
            let row = ResultsTable.Row(config: ValueJSON.value(config), name: v["name"]?.string ?? name(of: config), seed: seed,
                                       status: status, seconds: v["seconds"]?.number ?? .nan, metrics: metrics,
                                       error: v["error"]?.string)
            let k = key(config: config, seed: seed)
            if byKey[k] == nil { order.append(k) }
            // A finished run is not replaced by a later failure of the same run.
            if let old = byKey[k], old.status == "ok", status != "ok" { continue }
            byKey[k] = row
        }
        return (order.compactMap { k in byKey[k].map { (k, $0) } }, bad)
    }

    static func line(_ row: ResultsTable.Row, config: JSONValue, machine: JSONValue? = nil) throws -> String {
        var o = JSONObject()
        o["config"] = config
        o["name"] = .string(row.name)
        o["seed"] = .number(row.seed)
        o["status"] = .string(row.status)
        o["metrics"] = .object(JSONObject(try row.metrics.map { ($0.0, try ValueJSON.json($0.1, path: "metric \($0.0)")) }))
        if let e = row.error { o["error"] = .string(e) }
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
