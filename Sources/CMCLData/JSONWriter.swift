import CMCLBase
import Foundation

extension JSONValue {
    /// The value as JSON text. Numbers are written in their shortest round-trip form (whole
    /// numbers without a fraction); non-finite numbers, which standard JSON cannot hold, are
    /// written as `NaN`, `Infinity` and `-Infinity` (as Python's `json` module writes and reads
    /// them), and read back by cmcl's parser (docs/experiments.md).
    /// With `sortKeys`, object members are sorted (a canonical form); with `indent`, nested
    /// values go on their own lines.
    ///
    /// ```swift
    /// JSONValue.object(["a": .number(1)]).serialized()   // {"a": 1}
    /// ```
    public func serialized(indent: Int? = nil, sortKeys: Bool = false, compact: Bool = false) -> String {
        var out = ""
        write(into: &out, indent: indent, level: 0, sortKeys: sortKeys, compact: compact)
        return out
    }

    private func write(into out: inout String, indent: Int?, level: Int, sortKeys: Bool, compact: Bool) {
        let comma = compact ? "," : ", ", colon = compact ? ":" : ": "
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let n): out += JSONValue.numberText(n)
        case .string(let s): JSONValue.writeString(s, into: &out)
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += indent == nil ? comma : "," }
                if let indent { out += "\n" + String(repeating: " ", count: indent * (level + 1)) }
                item.write(into: &out, indent: indent, level: level + 1, sortKeys: sortKeys, compact: compact)
            }
            if let indent { out += "\n" + String(repeating: " ", count: indent * level) }
            out += "]"
        case .object(let object):
            if object.isEmpty { out += "{}"; return }
            out += "{"
            let keys = sortKeys ? object.keys.sorted() : object.keys
            for (i, key) in keys.enumerated() {
                if i > 0 { out += indent == nil ? comma : "," }
                if let indent { out += "\n" + String(repeating: " ", count: indent * (level + 1)) }
                JSONValue.writeString(key, into: &out)
                out += colon
                object[key]?.write(into: &out, indent: indent, level: level + 1, sortKeys: sortKeys, compact: compact)
            }
            if let indent { out += "\n" + String(repeating: " ", count: indent * level) }
            out += "}"
        }
    }

    static func numberText(_ n: Double) -> String {
        guard n.isFinite else { return n.isNaN ? "NaN" : n < 0 ? "-Infinity" : "Infinity" }
        if n == n.rounded(), abs(n) < 1e16 { return n == 0 ? "0" : String(Int64(n)) }
        return "\(n)"
    }

    static func writeString(_ s: String, into out: inout String) {
        out += StringEscape.quoted(s, style: .json)
    }
}
