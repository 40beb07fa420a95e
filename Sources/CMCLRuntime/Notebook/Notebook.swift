import CMCLLang
import Foundation

/// Golden notebooks: a `.cmcl` file whose expected output is written inline, under the
/// statement that produced it, as `# > ` lines (output) and `# ! ` lines (diagnostics).
///
///     print(1 + 2)
///     # > 3
///
/// `annotate` runs a notebook and returns its text with fresh expectations; a notebook
/// passes when that equals the file. In expected lines, `…` matches any text (for
/// timings and other output that varies). Results of long training may be written as
/// approximate `# ~TOL ` lines (Notebook+Approximate.swift); a `# requires: data` header skips a
/// notebook when its data is absent (Notebook+Requirements.swift).
public enum Notebook {
    public static let outputPrefix = "# >"
    public static let errorPrefix = "# !"

    static func isExpectation(_ line: Substring) -> Bool {
        let t = line.drop(while: { $0 == " " || $0 == "\t" })
        return t.hasPrefix(outputPrefix) || t.hasPrefix(errorPrefix) || t.hasPrefix(approximatePrefix)
    }

    /// Runs `text` (named `name` in diagnostics) in a fresh interpreter and returns the text
    /// with every expectation block replaced by what the run printed.
    public static func annotate(name: String, text: String, interpreter: Interpreter) -> String {
        annotation(name: name, text: text, interpreter: interpreter).text
    }

    /// What running a notebook gave: its text with fresh expectations, and whether Ctrl-C
    /// stopped a statement (such a run must never be recorded as the expected output).
    public struct Annotation {
        public var text: String
        public var wasInterrupted: Bool
    }

    /// `annotate`, also saying whether the run was interrupted.
    public static func annotation(name: String, text: String, interpreter: Interpreter) -> Annotation {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        // Run without the expectation lines at the very end, so that a problem at the end of
        // input points at the code, not at its own recorded expectation.
        var codeLines = lines
        while let last = codeLines.last, isExpectation(last) { codeLines.removeLast() }
        let file = SourceFile(name: name, text: codeLines.joined(separator: "\n"))
        var chunks: [Int: [String]] = [:]  // line number → expectation lines
        var anchor = 0
        let (program, _) = Parser.parse(file)
        let statementEnds = program.statements.map { (span: $0.span, endLine: file.line(of: max($0.span.start, $0.span.end - 1))) }

        var pending = ""
        var interrupted = false
        func flushOutput() {
            guard !pending.isEmpty else { return }
            var body = pending
            if body.hasSuffix("\n") { body.removeLast() }
            for l in body.split(separator: "\n", omittingEmptySubsequences: false) {
                chunks[anchor, default: []].append(l.isEmpty ? outputPrefix : "\(outputPrefix) \(l)")
            }
            pending = ""
        }
        interpreter.output = { pending += $0 }
        interpreter.errorOutput = { pending += $0 }
        let renderer = DiagnosticRenderer(color: false)
        func addDiagnostic(_ d: Diagnostic) {
            var body = renderer.render(d)
            if body.hasSuffix("\n") { body.removeLast() }
            for l in body.split(separator: "\n", omittingEmptySubsequences: false) {
                chunks[anchor, default: []].append(l.isEmpty ? errorPrefix : "\(errorPrefix) \(l)")
            }
        }
        let result = interpreter.run(file, continueOnError: true, beforeStatement: { span in
            flushOutput()
            anchor = file.line(of: max(span.start, span.end - 1))
        }, onError: { d in
            flushOutput()
            if d.kind == .interrupted { interrupted = true }
            addDiagnostic(d)
        })
        flushOutput()
        if result.didNotRun {
            for d in result.diagnostics {
                // Syntax and name errors: attach to the statement that contains them.
                let owner = statementEnds.first { $0.span.start <= d.span.start && d.span.start < max($0.span.end, $0.span.start + 1) }
                anchor = owner?.endLine ?? (d.file === file ? file.line(of: d.span.start) : lines.count)
                // A problem at the end of input may sit after old expectation lines: attach it
                // to the last line of code before them.
                anchor = min(anchor, lines.count)
                while anchor > 1, isExpectation(lines[anchor - 1]) { anchor -= 1 }
                addDiagnostic(d)
            }
        }
        var out: [String] = []
        if let head = chunks[0] { out += head }
        for (i, line) in lines.enumerated() where !isExpectation(line) {
            out.append(String(line))
            if let block = chunks[i + 1] { out += block }
        }
        return Annotation(text: out.joined(separator: "\n"), wasInterrupted: interrupted)
    }

    /// Whether `actual` matches `expected`, with `…` in an expected line matching any text.
    public static func matches(expected: String, actual: String) -> Bool {
        let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
        guard e.count == a.count else { return false }
        return zip(e, a).allSatisfy { lineMatches(String($0), String($1)) }
    }

    static func lineMatches(_ pattern: String, _ line: String) -> Bool {
        if approximation(Substring(pattern)) != nil { return approximatelyMatches(Substring(pattern), Substring(line)) }
        guard pattern.contains("…"), isExpectation(Substring(pattern)) else { return pattern == line }
        let parts = pattern.components(separatedBy: "…")
        guard let first = parts.first, line.hasPrefix(first) else { return false }
        var rest = Substring(line.dropFirst(first.count))
        for (k, part) in parts.enumerated().dropFirst() {
            if k == parts.count - 1 { return rest.hasSuffix(part) }
            guard let r = rest.range(of: part) else { return false }
            rest = rest[r.upperBound...]
        }
        return true
    }

    /// A short report of the first differences between two texts.
    public static func difference(expected: String, actual: String, limit: Int = 12) -> String {
        let e = expected.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let a = actual.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var out: [String] = []
        var i = 0, j = 0
        while (i < e.count || j < a.count) && out.count < limit {
            if i < e.count, j < a.count, lineMatches(e[i], a[j]) { i += 1; j += 1; continue }
            // Skip a run on one side when the other side resynchronises.
            if i < e.count, let k = a[j...].firstIndex(where: { lineMatches(e[i], $0) }), k - j <= 8 {
                for l in a[j..<k] { out.append("  + (line \(i + 1)) \(l)") }
                j = k
                continue
            }
            if i < e.count { out.append("  - (line \(i + 1)) \(e[i])") ; i += 1 }
            if j < a.count, i > e.count || !(i < e.count && lineMatches(e[i], a[j])) { out.append("  + (line \(i)) \(a[j])"); j += 1 }
        }
        return out.joined(separator: "\n")
    }
}
