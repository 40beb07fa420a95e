/// The one string escaper: how cmcl writes a string so that it reads back unchanged.
///
/// ```swift
/// StringEscape.quoted("a\"b\n")                 // "\"a\\\"b\\n\"" (a cmcl string literal)
/// StringEscape.quoted("tab\t", style: .json)    // "\"tab\\t\"" (a JSON string)
/// StringEscape.escaped("x\ny")                  // "x\\ny" (no quotes; one line)
/// StringEscape.unescaped("x\\ny")               // "x\ny"
/// ```
public enum StringEscape {
    /// How control characters without a short escape are written.
    public enum Style: Sendable {
        /// cmcl's literal syntax: `\u{1b}`.
        case cmcl
        /// JSON: `\u001b`.
        case json
    }

    /// `s` with `"`, `\`, newline, carriage return, tab and other control characters escaped.
    public static func escaped(_ s: String, style: Style = .cmcl) -> String {
        var out = ""
        out.unicodeScalars.reserveCapacity(s.unicodeScalars.count)
        for ch in s.unicodeScalars {
            switch ch {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if ch.value < 0x20 || ch.value == 0x7f {
                    let hex = String(ch.value, radix: 16)
                    switch style {
                    case .cmcl: out += "\\u{\(hex)}"
                    case .json: out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                    }
                } else {
                    out.unicodeScalars.append(ch)
                }
            }
        }
        return out
    }

    /// `s` for a terminal: control characters other than newline and tab (C0, DEL and C1, which
    /// include the escape sequences that move the cursor or retitle the window) written as
    /// `\u{1b}`, the rest unchanged — as Python's `repr` shows them. For diagnostics and REPL
    /// messages that quote user strings.
    ///
    /// ```swift
    /// StringEscape.printable("bad \u{1b}[2J")   // "bad \\u{1b}[2J"
    /// ```
    public static func printable(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: { isControl($0) }) else { return s }
        var out = String.UnicodeScalarView()
        for ch in s.unicodeScalars {
            if isControl(ch) { out.append(contentsOf: "\\u{\(String(ch.value, radix: 16))}".unicodeScalars) } else { out.append(ch) }
        }
        return String(out)
    }

    static func isControl(_ ch: Unicode.Scalar) -> Bool {
        (ch.value < 0x20 && ch != "\n" && ch != "\t") || (0x7F...0x9F).contains(ch.value)
    }

    /// `s` escaped and between double quotes.
    public static func quoted(_ s: String, style: Style = .cmcl) -> String {
        "\"" + escaped(s, style: style) + "\""
    }

    /// The inverse of `escaped` (either style). Unknown escapes keep the escaped character; a
    /// trailing lone backslash is kept.
    public static func unescaped(_ s: some StringProtocol) -> String {
        var out = ""
        let scalars = Array(s.unicodeScalars)
        var i = 0
        while i < scalars.count {
            let ch = scalars[i]
            i += 1
            guard ch == "\\" else { out.unicodeScalars.append(ch); continue }
            guard i < scalars.count else { out += "\\"; break }
            let e = scalars[i]
            i += 1
            switch e {
            case "n": out += "\n"
            case "t": out += "\t"
            case "r": out += "\r"
            case "u":
                var hex = ""
                var j = i
                if j < scalars.count, scalars[j] == "{" {
                    j += 1
                    while j < scalars.count, scalars[j] != "}", hex.count < 8 { hex.unicodeScalars.append(scalars[j]); j += 1 }
                    if j < scalars.count, scalars[j] == "}", let v = UInt32(hex, radix: 16), let u = Unicode.Scalar(v) {
                        out.unicodeScalars.append(u)
                        i = j + 1
                        continue
                    }
                } else if j + 4 <= scalars.count {
                    hex = String(String.UnicodeScalarView(scalars[j..<j + 4]))
                    if let v = UInt32(hex, radix: 16), let u = Unicode.Scalar(v) {
                        out.unicodeScalars.append(u)
                        i = j + 4
                        continue
                    }
                }
                out += "u"
            default: out.unicodeScalars.append(e)
            }
        }
        return out
    }
}

extension StringEscape {
    /// `s` as XML/HTML text or attribute content: `&`, `<`, `>`, `"` and `'` as entities;
    /// control characters other than tab and newline (not allowed in XML 1.0) as spaces.
    ///
    /// ```swift
    /// StringEscape.xml("a < b & \"c\"")   // "a &lt; b &amp; &quot;c&quot;"
    /// ```
    public static func xml(_ s: String) -> String {
        var out = ""
        for ch in s.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                if ch.value < 0x20 && ch != "\n" && ch != "\t" { out += " " } else { out.unicodeScalars.append(ch) }
            }
        }
        return out
    }
}
