import Foundation
import CMCLBase

/// How a value is being shown. One display protocol serves the REPL, `print` and notebook export.
public struct DisplayStyle: Sendable {
    /// `print` shows strings bare; the REPL and nested values show them quoted.
    public var quoteStrings: Bool
    /// Maximum elements shown per dimension/list before eliding with `…`.
    public var maxItems: Int
    /// Significant digits for tensor elements.
    public var precision: Int

    public init(quoteStrings: Bool = true, maxItems: Int = 100, precision: Int = 4) {
        self.quoteStrings = quoteStrings
        self.maxItems = maxItems
        self.precision = precision
    }

    public static let repl = DisplayStyle(quoteStrings: true)
    public static let print = DisplayStyle(quoteStrings: false)
}

/// Rendering of values as text.
public enum Display {
    /// Numbers: integers without a fraction, others in the shortest form that reads back exactly.
    public static func number(_ n: Double) -> String {
        if n.isNaN { return "nan" }
        if n.isInfinite { return n > 0 ? "inf" : "-inf" }
        if n == n.rounded(), abs(n) < 1e16 {
            return n == 0 ? "0" : String(Int64(n))
        }
        return "\(n)"
    }

    /// A short description used in error messages: `a string "abc"`, `a list of 3`.
    public static func describe(_ v: Value) -> String {
        switch v {
        case .null: return "nil"
        case .bool(let b): return "the boolean \(b)"
        case .number(let n): return "the number \(number(n))"
        case .string(let s): return "the string \(quoted(s.count > 30 ? String(s.prefix(30)) + "…" : s))"
        case .list(let l): return "a list of \(l.items.count)"
        case .record: return "a record"
        case .closure(let c): return "the function `\(c.name)`"
        case .builtin(let b): return "the builtin `\(b.builtin.name)`"
        case .object(let o): return "a \(o.typeName)"
        }
    }

    /// `s` as a cmcl string literal.
    public static func quoted(_ s: String) -> String { StringEscape.quoted(s) }

    public static func render(_ v: Value, _ style: DisplayStyle = .repl) -> String {
        var path = Set<ObjectIdentifier>()
        return render(v, style, &path)
    }

    /// `path` holds the lists and records being rendered, so a value that contains itself
    /// shows `[...]` or `{...}` there instead of recursing forever.
    static func render(_ v: Value, _ style: DisplayStyle, _ path: inout Set<ObjectIdentifier>) -> String {
        var nested = style
        nested.quoteStrings = true
        switch v {
        case .null: return "nil"
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return number(n)
        case .string(let s): return style.quoteStrings ? quoted(s) : s
        case .list(let l):
            let id = ObjectIdentifier(l)
            if path.contains(id) { return "[...]" }
            path.insert(id)
            defer { path.remove(id) }
            var parts: [String] = []
            for item in l.items.prefix(style.maxItems) { parts.append(render(item, nested, &path)) }
            if l.items.count > style.maxItems { parts.append("… \(l.items.count - style.maxItems) more") }
            let flat = "[" + parts.joined(separator: ", ") + "]"
            if flat.count <= 100 || !flat.contains("\n") { return flat }
            return "[\n" + parts.map { "  " + $0.replacingOccurrences(of: "\n", with: "\n  ") }.joined(separator: ",\n") + "\n]"
        case .record(let r):
            if r.keys.isEmpty { return "{}" }
            let id = ObjectIdentifier(r)
            if path.contains(id) { return "{...}" }
            path.insert(id)
            defer { path.remove(id) }
            var parts: [String] = []
            for (k, value) in r.pairs { parts.append("\(isIdentifier(k) ? k : quoted(k)): \(render(value, nested, &path))") }
            let flat = "{" + parts.joined(separator: ", ") + "}"
            if !flat.contains("\n") && flat.count <= 100 { return flat }
            return "{\n" + parts.map { "  " + $0.replacingOccurrences(of: "\n", with: "\n  ") }.joined(separator: ",\n") + "\n}"
        case .closure(let c):
            return "<fn \(c.name)(\(c.parameterNames.joined(separator: ", ")))>"
        case .builtin(let b):
            return b.receiver == nil ? "<builtin \(b.builtin.signature.text)>" : "<method \(b.builtin.signature.text)>"
        case .object(let o):
            return o.display(style)
        }
    }

    static func isIdentifier(_ s: String) -> Bool {
        guard let f = s.unicodeScalars.first, f == "_" || (f.properties.isAlphabetic && f.isASCII) else { return false }
        return s.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }

    /// A duration for humans: `850 µs`, `12.3 ms`, `4.20 s`, `2 min 3 s`.
    public static func duration(_ seconds: Double) -> String {
        if seconds < 1e-3 { return String(format: "%.0f µs", seconds * 1e6) }
        if seconds < 1 { return String(format: "%.1f ms", seconds * 1e3) }
        if seconds < 120 { return String(format: "%.2f s", seconds) }
        return "\(Int(seconds) / 60) min \(Int(seconds) % 60) s"
    }
}
