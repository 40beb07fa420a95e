import CMCLLang

/// A builtin's parameter list, parsed from the signature text written in the registry
/// (`"range(start, stop: nil, step: 1)"`). The same text is shown by `:help`, so the
/// documented defaults are the defaults that apply.
public struct Signature {
    public struct Parameter {
        public var name: String
        /// The default, if the parameter is optional.
        public var defaultValue: Value?
        /// `values...` collects the remaining positional arguments.
        public var isVariadic: Bool
        /// `**options` collects named arguments that match no parameter.
        public var collectsNamed: Bool
    }

    public var name: String
    public var parameters: [Parameter]
    public var text: String

    /// Parses `name(a, b: 1, rest..., **options)`; the receiver of a method is written `self`.
    public init(_ text: String) throws {
        self.text = text
        guard let open = text.firstIndex(of: "("), text.hasSuffix(")") else {
            throw CMCLError("malformed builtin signature `\(text)`")
        }
        name = String(text[..<open])
        let inner = text[text.index(after: open)..<text.index(before: text.endIndex)]
        parameters = []
        for raw in Signature.splitTopLevel(String(inner)) {
            let part = raw.trimmingWhitespace()
            if part.isEmpty { continue }
            if part.hasPrefix("**") {
                parameters.append(Parameter(name: String(part.dropFirst(2)), defaultValue: nil, isVariadic: false,
                                            collectsNamed: true))
            } else if part.hasSuffix("...") {
                parameters.append(Parameter(name: String(part.dropLast(3)), defaultValue: nil, isVariadic: true,
                                            collectsNamed: false))
            } else if let colon = part.firstIndex(of: ":") {
                let pname = String(part[..<colon]).trimmingWhitespace()
                let literal = String(part[part.index(after: colon)...]).trimmingWhitespace()
                parameters.append(Parameter(name: pname, defaultValue: try Signature.constant(literal),
                                            isVariadic: false, collectsNamed: false))
            } else {
                parameters.append(Parameter(name: part, defaultValue: nil, isVariadic: false, collectsNamed: false))
            }
        }
    }

    static func splitTopLevel(_ s: String) -> [String] {
        var parts: [String] = [], current = "", depth = 0, quote: Character?
        for ch in s {
            if let q = quote {
                current.append(ch)
                if ch == q { quote = nil }
                continue
            }
            switch ch {
            case "\"", "'": quote = ch; current.append(ch)
            case "(", "[", "{": depth += 1; current.append(ch)
            case ")", "]", "}": depth -= 1; current.append(ch)
            case "," where depth == 0: parts.append(current); current = ""
            default: current.append(ch)
            }
        }
        parts.append(current)
        return parts
    }

    /// Evaluates a constant literal (numbers, strings, booleans, nil, lists, records).
    static func constant(_ literal: String) throws -> Value {
        let (program, diagnostics) = Parser.parse(SourceFile(name: "<signature>", text: literal))
        guard diagnostics.isEmpty, program.statements.count == 1,
              case .expression(let expr) = program.statements[0].kind else {
            throw CMCLError("malformed default `\(literal)` in a builtin signature")
        }
        return try constant(expr)
    }

    static func constant(_ expr: Expr) throws -> Value {
        switch expr.kind {
        case .number(let v): return .number(v)
        case .string(let s): return .string(s)
        case .bool(let b): return .bool(b)
        case .null: return .null
        case .list(let items): return .list(try items.map(constant))
        case .record(let fields): return .record(try fields.map { ($0.key, try constant($0.value)) })
        case .unary(.negate, let inner):
            if case .number(let v) = try constant(inner) { return .number(-v) }
        default: break
        }
        throw CMCLError("builtin defaults must be constants")
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
