import CMCLBase

/// `$…$` math of notebook prose (a small part of TeX: letters, numbers, operators, `_` and `^`
/// scripts, `{…}` groups, `\frac`, `\sqrt`, Greek letters, common symbols and function names,
/// `\text`, `\mathbb`, `\mathcal`) as MathML, which browsers draw without any script or network
/// access. What it does not know stays visible as text.
///
/// ```swift
/// TeXMath.mathML("l_0 \\le l_1")
/// // <math alttext="l_0 \le l_1"><mrow><msub><mi>l</mi><mn>0</mn></msub><mo>≤</mo><msub><mi>l</mi><mn>1</mn></msub></mrow></math>
/// ```
enum TeXMath {
    /// The MathML element for `tex` (the source kept in `alttext`).
    static func mathML(_ tex: String) -> String {
        var p = Reader(Array(tex))
        return "<math alttext=\"\(StringEscape.xml(tex))\"><mrow>\(p.sequence(until: nil))</mrow></math>"
    }

    /// The `$…$` spans of prose text: pieces of plain text and of math, in order. A span opens at a
    /// `$` followed by a non-space and closes at the next `$` that follows a non-space and is not
    /// followed by a digit (Pandoc's rule), so `$CMCL_DATA` or `$5 and $6` stay text; `\$` is a
    /// dollar sign.
    static func split(_ s: String) -> [(text: String, isMath: Bool)] {
        let c = Array(s)
        var out: [(String, Bool)] = [], text = ""
        var i = 0
        while i < c.count {
            if c[i] == "\\", i + 1 < c.count, c[i + 1] == "$" { text += "$"; i += 2; continue }
            if c[i] == "$", i + 1 < c.count, !c[i + 1].isWhitespace, c[i + 1] != "$" {
                // The next unescaped `$` must close the span; if it cannot, this one is a dollar.
                var j = i + 1
                while j < c.count, !(c[j] == "$" && c[j - 1] != "\\") { j += 1 }
                if j < c.count, !c[j - 1].isWhitespace, !(j + 1 < c.count && c[j + 1].isNumber) {
                    if !text.isEmpty { out.append((text, false)); text = "" }
                    out.append((String(c[(i + 1)..<j]), true))
                    i = j + 1
                    continue
                }
            }
            text.append(c[i])
            i += 1
        }
        if !text.isEmpty { out.append((text, false)) }
        return out
    }

    static let greek: [String: String] = [
        "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ϵ", "varepsilon": "ε", "zeta": "ζ", "eta": "η",
        "theta": "θ", "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "rho": "ρ",
        "sigma": "σ", "tau": "τ", "upsilon": "υ", "phi": "ϕ", "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω", "ell": "ℓ",
        "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ", "Phi": "Φ", "Psi": "Ψ",
        "Omega": "Ω",
    ]
    static let symbols: [String: String] = [
        "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "ne": "≠", "neq": "≠", "lt": "<", "gt": ">", "approx": "≈", "sim": "∼",
        "equiv": "≡", "cdot": "⋅", "times": "×", "div": "÷", "pm": "±", "mp": "∓", "in": "∈", "notin": "∉", "subset": "⊂",
        "subseteq": "⊆", "cup": "∪", "cap": "∩", "to": "→", "rightarrow": "→", "leftarrow": "←", "Rightarrow": "⇒",
        "mapsto": "↦", "infty": "∞", "partial": "∂", "nabla": "∇", "sum": "∑", "prod": "∏", "int": "∫", "forall": "∀",
        "exists": "∃", "ldots": "…", "dots": "…", "cdots": "⋯", "mid": "∣", "langle": "⟨", "rangle": "⟩", "lbrace": "{",
        "rbrace": "}", "{": "{", "}": "}", "|": "‖", "lvert": "|", "rvert": "|", "neg": "¬", "land": "∧", "lor": "∨",
    ]
    static let functions: Set<String> = ["log", "ln", "exp", "max", "min", "sin", "cos", "tan", "lim", "sup", "inf", "arg",
                                         "argmax", "argmin", "det", "Pr", "softmax"]

    struct Reader {
        let c: [Character]
        var i = 0
        init(_ c: [Character]) { self.c = c }

        mutating func skipSpaces() { while i < c.count, c[i].isWhitespace { i += 1 } }

        /// Atoms with their scripts up to `close` (consumed) or the end.
        mutating func sequence(until close: Character?) -> String {
            var out = ""
            while true {
                skipSpaces()
                guard i < c.count else { return out }
                if let close, c[i] == close { i += 1; return out }
                guard var base = atom() else { continue }
                skipSpaces()
                var sub: String?, sup: String?
                while i < c.count, c[i] == "_" || c[i] == "^" || c[i] == "'" {
                    if c[i] == "'" { i += 1; sup = (sup ?? "") + "<mo>′</mo>"; continue }
                    let isSub = c[i] == "_"
                    i += 1
                    skipSpaces()
                    let arg = atom() ?? "<mrow></mrow>"
                    if isSub { sub = arg } else { sup = arg }
                    skipSpaces()
                }
                switch (sub, sup) {
                case (let b?, let p?): base = "<msubsup>\(base)\(b)\(wrap(p))</msubsup>"
                case (let b?, nil): base = "<msub>\(base)\(b)</msub>"
                case (nil, let p?): base = "<msup>\(base)\(wrap(p))</msup>"
                default: break
                }
                out += base
            }
        }

        func wrap(_ s: String) -> String { s.hasPrefix("<mo>′") ? "<mrow>\(s)</mrow>" : s }

        /// A required `{…}` argument (or a single atom).
        mutating func argument() -> String {
            skipSpaces()
            return atom() ?? "<mrow></mrow>"
        }

        /// The raw text of a `{…}` argument (for `\text`).
        mutating func rawArgument() -> String {
            skipSpaces()
            guard i < c.count, c[i] == "{" else {
                guard i < c.count else { return "" }
                i += 1
                return String(c[i - 1])
            }
            var depth = 0, text = ""
            while i < c.count {
                if c[i] == "{" { depth += 1; if depth == 1 { i += 1; continue } }
                if c[i] == "}" { depth -= 1; if depth == 0 { i += 1; break } }
                text.append(c[i])
                i += 1
            }
            return text
        }

        mutating func atom() -> String? {
            guard i < c.count else { return nil }
            let ch = c[i]
            if ch == "{" {
                i += 1
                return "<mrow>\(sequence(until: "}"))</mrow>"
            }
            if ch == "\\" { return command() }
            if ch.isNumber {
                var n = ""
                while i < c.count, c[i].isNumber || (c[i] == "." && i + 1 < c.count && c[i + 1].isNumber) { n.append(c[i]); i += 1 }
                return "<mn>\(n)</mn>"
            }
            i += 1
            if ch.isLetter { return "<mi>\(StringEscape.xml(String(ch)))</mi>" }
            if ch == "-" { return "<mo>−</mo>" }  // the minus sign, not a hyphen
            return "<mo>\(StringEscape.xml(String(ch)))</mo>"
        }

        mutating func command() -> String {
            i += 1  // the backslash
            var name = ""
            while i < c.count, c[i].isLetter { name.append(c[i]); i += 1 }
            if name.isEmpty, i < c.count { name = String(c[i]); i += 1 }
            if let g = TeXMath.greek[name] {
                return name.first?.isUppercase == true ? "<mi mathvariant=\"normal\">\(g)</mi>" : "<mi>\(g)</mi>"
            }
            if let s = TeXMath.symbols[name] { return "<mo>\(StringEscape.xml(s))</mo>" }
            if TeXMath.functions.contains(name) { return "<mi>\(name)</mi><mo>&#x2061;</mo>" }
            switch name {
            case "frac", "dfrac", "tfrac":
                let a = argument(), b = argument()
                return "<mfrac>\(a)\(b)</mfrac>"
            case "sqrt": return "<msqrt>\(argument())</msqrt>"
            case "text", "textrm", "mbox", "operatorname": return "<mtext>\(StringEscape.xml(rawArgument()))</mtext>"
            case "mathrm": return "<mi mathvariant=\"normal\">\(StringEscape.xml(rawArgument()))</mi>"
            case "mathbf", "boldsymbol": return "<mi mathvariant=\"bold\">\(StringEscape.xml(rawArgument()))</mi>"
            case "mathbb": return "<mi mathvariant=\"double-struck\">\(StringEscape.xml(rawArgument()))</mi>"
            case "mathcal": return "<mi mathvariant=\"script\">\(StringEscape.xml(rawArgument()))</mi>"
            case "hat", "bar", "tilde", "vec":
                let accent = ["hat": "^", "bar": "‾", "tilde": "~", "vec": "→"][name] ?? "^"
                return "<mover accent=\"true\">\(argument())<mo>\(accent)</mo></mover>"
            case "left", "right", "big", "Big", "bigl", "bigr", "displaystyle": return ""
            case ",", ";", ":", " ", "quad", "qquad":
                let width = ["quad": "1em", "qquad": "2em", ";": "0.28em", ":": "0.22em"][name] ?? "0.17em"
                return "<mspace width=\"\(width)\"/>"
            default: return "<mtext>\\\(StringEscape.xml(name))</mtext>"
            }
        }
    }
}
