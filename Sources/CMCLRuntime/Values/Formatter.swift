import Foundation

/// `format("{:.3f}", x)`: a small subset of Python's format mini-language.
enum Formatter {
    static func format(_ template: String, _ values: [Value]) throws -> String {
        var out = ""
        var next = 0
        var chars = Array(template)[...]
        while let c = chars.first {
            chars.removeFirst()
            if c == "{" {
                if chars.first == "{" { chars.removeFirst(); out.append("{"); continue }
                guard let close = chars.firstIndex(of: "}") else {
                    throw CMCLError("unclosed `{` in format string", hint: "write `{{` for a literal brace")
                }
                let field = String(chars[chars.startIndex..<close])
                chars = chars[chars.index(after: close)...]
                let (indexText, spec) = field.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
                    .map(String.init).splitFirst()
                let index: Int
                if indexText.isEmpty {
                    index = next
                    next += 1
                } else if let i = Int(indexText) {
                    index = i
                } else {
                    throw CMCLError("bad placeholder `{\(field)}`", hint: "use `{}`, `{0}` or `{:.3f}`")
                }
                guard index < values.count else {
                    throw CMCLError("format string has more placeholders than values (\(values.count))")
                }
                out += try apply(spec, values[index])
            } else if c == "}" {
                if chars.first == "}" { chars.removeFirst() }
                out.append("}")
            } else {
                out.append(c)
            }
        }
        return out
    }

    static func apply(_ spec: String?, _ v: Value) throws -> String {
        guard var spec, !spec.isEmpty else { return Display.render(v, .print) }
        var align: Character?
        if let f = spec.first, f == "<" || f == ">" || f == "^" { align = f; spec.removeFirst() }
        var text: String
        if let last = spec.last, "fe%d".contains(last) {
            guard case .number(let n) = v else {
                throw CMCLError("format `\(spec)` needs a number, got \(Display.describe(v))")
            }
            var body = String(spec.dropLast())
            var width = 0
            if let dot = body.firstIndex(of: ".") {
                width = Int(body[..<dot]) ?? 0
                body = String(body[body.index(after: dot)...])
            } else {
                width = Int(body) ?? 0
                body = ""
            }
            let precision = max(0, Int(body) ?? 6)
            // More digits than a double carries are zeros; past this the text itself is the problem.
            guard precision <= 10_000 else {
                throw CMCLError("format precision \(precision) is more than the 10000 digits allowed")
            }
            switch last {
            case "f": text = String(format: "%.\(precision)f", n)
            case "e": text = String(format: "%.\(precision)e", n)
            case "%": text = String(format: "%.\(precision)f%%", n * 100)
            default: text = String(Int(n.rounded()))
            }
            try SizeLimit.checkString(Double(width), "this format width")
            if text.count < width { text = String(repeating: " ", count: width - text.count) + text }
            return text
        }
        text = Display.render(v, .print)
        if let width = Int(spec), width > 0 { try SizeLimit.checkString(Double(width), "this format width") }
        if let width = Int(spec), text.count < width {
            let pad = String(repeating: " ", count: width - text.count)
            switch align {
            case ">": return pad + text
            case "^": return String(pad.prefix(pad.count / 2)) + text + String(pad.dropFirst(pad.count / 2))
            default: return text + pad
            }
        }
        return text
    }
}

extension Array where Element == String {
    func splitFirst() -> (String, String?) {
        (first ?? "", count > 1 ? self[1] : nil)
    }
}
