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

    /// A number inside a list or record: at most 6 significant digits (`0.819`, not
    /// `0.8190000000000001`), as tensors are shown short; the number alone (`print(xs[0])`)
    /// shows every digit.
    public static func shortNumber(_ n: Double) -> String {
        guard n.isFinite, n != n.rounded() || abs(n) >= 1e16 else { return number(n) }
        let full = "\(n)"
        guard full.filter(\.isNumber).count > 7 else { return full }
        return String(format: "%.6g", n)
    }

    /// A short description used in error messages: `a string "abc"`, `a list of 3`.
    public static func describe(_ v: Value) -> String {
        switch v {
        case .null: return "nil"
        case .bool(let b): return "the boolean \(b)"
        case .number(let n): return "the number \(number(n))"
        case .string(let s): return "the string \(StringEscape.quoted(s.count > 30 ? String(s.prefix(30)) + "…" : s))"
        case .list(let l): return "a list of \(l.items.count)"
        case .record: return "a record"
        case .closure(let c): return "the function `\(c.name)`"
        case .builtin(let b): return "the builtin `\(b.builtin.name)`"
        case .object(let o): return article(o.typeName) + " " + o.typeName
        }
    }

    /// "a" or "an" before a type name (`an Ablation`, `a Model`).
    static func article(_ word: String) -> String {
        guard let first = word.lowercased().first else { return "a" }
        return "aeio".contains(first) ? "an" : "a"
    }

    public static func render(_ v: Value, _ style: DisplayStyle = .repl) -> String {
        var walk = Walk()
        return render(v, style, &walk)
    }

    /// Deepest nesting of lists and records shown; deeper ones show as `[…]` and `{…}`.
    static let maxDepth = 64
    /// Roughly the most characters one rendering produces before eliding the rest with `…`.
    static let maxLength = 200_000

    /// State of one rendering: the lists and records on the path from the root (so a value
    /// that contains itself shows `[...]` or `{...}` there instead of recursing forever), the
    /// depth, and how much text may still be produced.
    struct Walk {
        var path = Set<ObjectIdentifier>()
        var depth = 0
        var budget = Display.maxLength
    }

    static func render(_ v: Value, _ style: DisplayStyle, _ walk: inout Walk) -> String {
        var nested = style
        nested.quoteStrings = true
        switch v {
        case .null: return "nil"
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return walk.depth > 0 ? shortNumber(n) : number(n)
        case .string(let s):
            let text = style.quoteStrings ? StringEscape.quoted(s) : s
            walk.budget -= text.utf8.count
            return text
        case .list(let l):
            let id = ObjectIdentifier(l)
            if walk.path.contains(id) { return "[...]" }
            if walk.depth >= maxDepth { return l.items.isEmpty ? "[]" : "[…]" }
            walk.path.insert(id)
            walk.depth += 1
            defer { walk.path.remove(id); walk.depth -= 1 }
            var parts: [String] = []
            for item in l.items.prefix(style.maxItems) {
                if walk.budget <= 0 { break }
                let part = render(item, nested, &walk)
                walk.budget -= part.utf8.count + 2
                parts.append(part)
            }
            if l.items.count > parts.count { parts.append("… \(l.items.count - parts.count) more") }
            return layout(parts, open: "[", close: "]", breakLong: false)
        case .record(let r):
            if r.keys.isEmpty { return "{}" }
            let id = ObjectIdentifier(r)
            if walk.path.contains(id) { return "{...}" }
            if walk.depth >= maxDepth { return "{…}" }
            walk.path.insert(id)
            walk.depth += 1
            defer { walk.path.remove(id); walk.depth -= 1 }
            var parts: [String] = []
            for (k, value) in r.pairs.prefix(style.maxItems) {
                if walk.budget <= 0 { break }
                let part = "\(isIdentifier(k) ? k : StringEscape.quoted(k)): \(render(value, nested, &walk))"
                walk.budget -= part.utf8.count + 2
                parts.append(part)
            }
            if r.keys.count > parts.count { parts.append("… \(r.keys.count - parts.count) more") }
            return layout(parts, open: "{", close: "}", breakLong: true)
        case .closure(let c):
            return "<fn \(c.name)(\(c.parameterNames.joined(separator: ", ")))>"
        case .builtin(let b):
            return b.receiver == nil ? "<builtin \(b.builtin.signature.text)>" : "<method \(b.builtin.signature.text)>"
        case .object(let o):
            let text = o.display(style)
            walk.budget -= text.utf8.count
            return text
        }
    }

    /// One line when short and no part spans lines; else one part per indented line
    /// (lists stay on one line, however long, when no part spans lines).
    static func layout(_ parts: [String], open: String, close: String, breakLong: Bool) -> String {
        let flat = open + parts.joined(separator: ", ") + close
        let multiline = flat.contains("\n")
        if !multiline && (!breakLong || flat.utf8.count <= 100 || flat.count <= 100) { return flat }
        if multiline && !breakLong && flat.count <= 100 { return flat }
        return open + "\n" + parts.map { "  " + $0.replacingOccurrences(of: "\n", with: "\n  ") }.joined(separator: ",\n")
            + "\n" + close
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
