import CMCLData
import Foundation

/// Conversion between cmcl values and JSON, for `write_json`, `read_json` and run logs.
/// Records keep their key order both ways.
enum ValueJSON {
    /// Plain values become JSON; functions and engine objects without a plain form are errors.
    /// Objects that have a plain form (results tables, comparisons) provide it through
    /// `PlainConvertible`.
    static func json(_ v: Value, path: String = "value") throws -> JSONValue {
        var seen = Set<ObjectIdentifier>()
        return try json(v, path: path, &seen)
    }

    private static func json(_ v: Value, path: String, _ seen: inout Set<ObjectIdentifier>) throws -> JSONValue {
        switch v {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .number(let n): return .number(n)
        case .string(let s): return .string(s)
        case .list(let l):
            let id = ObjectIdentifier(l)
            guard seen.insert(id).inserted else { throw CMCLError("\(path) contains itself; JSON cannot hold a cycle") }
            defer { seen.remove(id) }
            return .array(try l.items.enumerated().map { try json($1, path: "\(path)[\($0)]", &seen) })
        case .record(let r):
            let id = ObjectIdentifier(r)
            guard seen.insert(id).inserted else { throw CMCLError("\(path) contains itself; JSON cannot hold a cycle") }
            defer { seen.remove(id) }
            return .object(JSONObject(try r.pairs.map { ($0, try json($1, path: "\(path).\($0)", &seen)) }))
        case .object(let o):
            if let p = o as? PlainConvertible { return try json(p.plainValue, path: path, &seen) }
            if let t = o as? TensorValue { return try json(TensorBuiltins.toList(t.tensor), path: path, &seen) }
            throw CMCLError("\(path) is \(Display.describe(v)), which has no JSON form",
                            hint: "write plain values: numbers, strings, booleans, lists and records")
        case .closure, .builtin:
            throw CMCLError("\(path) is \(Display.describe(v)), which has no JSON form")
        }
    }

    static func value(_ j: JSONValue) -> Value {
        switch j {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .number(let n): return .number(n)
        case .string(let s): return .string(s)
        case .array(let items): return .list(items.map(value))
        case .object(let o): return .record(o.pairs.map { ($0.key, value($0.value)) })
        }
    }
}

/// Engine values that have a plain form (lists and records) for JSON and CSV.
public protocol PlainConvertible {
    var plainValue: Value { get }
}
