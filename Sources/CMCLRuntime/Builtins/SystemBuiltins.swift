import CMCLData
import Foundation

/// Scripts and files: `exit`, `env`, `eprint`, and plain JSON and CSV files.
enum SystemBuiltins {
    static func register(into r: BuiltinRegistry) {
        r.category("system", title: "Scripts and files")
        registerScript(r)
        registerFiles(r)
    }

    static func registerScript(_ r: BuiltinRegistry) {
        r.add("exit(code: 0)", "system", "Ends the program with the exit code `code` (0 to 255).",
              example: "if len(args) == 0 { exit(2) }") { a in
            let code = try a.int("code")
            guard (0...255).contains(code) else { throw CMCLError("exit code must be between 0 and 255, got \(code)", argument: .label("code")) }
            throw ScriptExit(code: Int32(code))
        }
        r.add("env(name, default: nil)", "system", "The value of the environment variable `name`, or `default` when it is not set.",
              example: "env(\"CMCL_NO_SUCH_VARIABLE\", default: \"none\")   # \"none\"") { a in
            if let v = ProcessInfo.processInfo.environment[try a.string("name")] { return .string(v) }
            return try a.value("default")
        }
        r.add("eprint(values..., sep: \" \", end: \"\\n\")", "system",
              "Writes the values to standard error (progress and warnings), keeping standard output for results.",
              example: "eprint(\"warning: small dev set\")") { a in
            let text = a.rest.map { Display.render($0, .print) }.joined(separator: try a.string("sep"))
            a.interpreter.errorOutput(text + (try a.string("end")))
            return .null
        }
    }

    static func registerFiles(_ r: BuiltinRegistry) {
        r.add("write_json(value, path, indent: 2, force: false)", "system",
              "Writes plain values (numbers, strings, booleans, lists, records, results tables) as JSON; `indent` (0 to 16 spaces, or nil for one line) sets the layout. An existing file this session did not write is replaced only with `force: true` (docs/files.md).",
              example: "write_json({seed: 1, accuracy: 0.81}, \"/tmp/run.json\")") { a in
            let indent = try a.optional("indent") == nil ? nil : try a.int("indent", from: 0, to: 16)
            let json: JSONValue
            do { json = try ValueJSON.json(try a.value("value")) } catch var e as CMCLError {
                e.argument = .label("value")
                throw e
            }
            let text = json.serialized(indent: indent) + "\n"
            try FileOutput.write(text, toArgument: "path", a)
            return .null
        }
        r.add("read_json(path, lines: false)", "system",
              "Reads a JSON file as plain values (records keep their key order); `lines: true` reads JSON Lines into a list.",
              example: "read_json(\"/tmp/run.json\")") { a in
            let path = try a.string("path")
            if try a.bool("lines") {
                return .list(try JSONValue.readLines(path: path).values.map(ValueJSON.value))
            }
            return ValueJSON.value(try JSONValue.read(path: path))
        }
        r.add("write_csv(rows, path, columns: nil, force: false)", "system",
              "Writes a list of records (or a results table) as CSV with a header; columns are the records' keys in order of first appearance unless given. An existing file this session did not write is replaced only with `force: true`.",
              example: "write_csv([{seed: 1, acc: 0.8}, {seed: 2, acc: 0.82}], \"/tmp/runs.csv\")") { a in
            let rows = try plainRows(try a.value("rows"), argument: "rows", a)
            var columns: [String] = []
            if let given = try a.optional("columns") {
                guard case .list(let l) = given else { throw a.typeError("columns", "a list of names", given) }
                columns = try l.items.map { v in
                    guard case .string(let s) = v else { throw a.typeError("columns", "a list of names", v) }
                    return s
                }
            } else {
                var seen = Set<String>()
                for row in rows { for k in row.keys where seen.insert(k).inserted { columns.append(k) } }
            }
            let cells = rows.map { row in columns.map { row[$0].map(csvCell) ?? "" } }
            let path = try a.string("path")
            let format: DelimitedFormat = path.hasSuffix(".tsv") ? .tsv : .csv
            try FileOutput.write(Table(columns: columns, rows: cells).serialized(format: format), toArgument: "path", a)
            return .null
        }
    }

    /// A list of records, from a list or an object with a plain form.
    static func plainRows(_ v: Value, argument: String, _ a: Arguments) throws -> [RecordObject] {
        var value = v
        if case .object(let o as PlainConvertible) = v { value = o.plainValue }
        guard case .list(let l) = value else { throw a.typeError(argument, "a list of records", v) }
        return try l.items.map { item in
            guard case .record(let r) = item else { throw a.typeError(argument, "a list of records", item) }
            return r
        }
    }

    static func csvCell(_ v: Value) -> String {
        switch v {
        case .null: return ""
        case .string(let s): return s
        case .number(let n): return Display.number(n)
        case .bool(let b): return b ? "true" : "false"
        default: return (try? ValueJSON.json(v).serialized(compact: true)) ?? Display.render(v, .print)
        }
    }

    /// Whether `t` is a number written in decimal (`12`, `-3.5e-2`, `.5`) or `inf`/`infinity`/`nan`
    /// with an optional sign — not hexadecimal (`0x10`) or other spellings `Double(_:)` accepts.
    static func isDecimal(_ t: String) -> Bool {
        var body = Substring(t)
        if body.first == "+" || body.first == "-" { body = body.dropFirst() }
        if ["inf", "infinity", "nan"].contains(body.lowercased()) { return true }
        guard body.first?.isASCII == true, body.contains(where: { $0.isNumber }) else { return false }
        return body.allSatisfy { $0.isASCII && ($0.isNumber || $0 == "." || $0 == "e" || $0 == "E" || $0 == "+" || $0 == "-") }
    }

    /// A CSV cell as a plain value: numbers when the cell is one, otherwise the text.
    static func cellValue(_ s: String) -> Value {
        let t = s.trimmingCharacters(in: .whitespaces)
        if t.isEmpty { return s.isEmpty ? .null : .string(s) }
        if isDecimal(t), let n = Double(t) { return .number(n) }
        if t == "true" { return .bool(true) }
        if t == "false" { return .bool(false) }
        return .string(s)
    }
}
