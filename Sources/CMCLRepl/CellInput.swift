import CMCLLang

/// Gathers the lines of one cell: a line that leaves a bracket, brace or string open asks
/// for another line (the parser decides, through `Diagnostic.isIncompleteInput`); a blank
/// line, or the line that closes the construct, ends the cell — except inside an open `{`,
/// where one blank line is kept (pasted functions) and a second one ends the cell.
///
///     var input = CellInput()
///     input.add("fn f(x) {")   // .needsMore
///     input.add("  x + 1")     // .needsMore
///     input.add("}")           // .complete("fn f(x) {\n  x + 1\n}")
public struct CellInput: Sendable {
    /// What to do after a line.
    public enum State: Equatable, Sendable {
        /// Show the continuation prompt and read another line.
        case needsMore
        /// The cell is complete; run this text.
        case complete(String)
        /// Nothing to run (a blank line at the first prompt).
        case empty
    }

    public private(set) var lines: [String] = []

    public init() {}

    /// True while a cell has started but is not complete.
    public var isContinuing: Bool { !lines.isEmpty }

    /// Adds one line typed at the prompt.
    public mutating func add(_ line: String) -> State {
        let blank = line.allSatisfy { $0 == " " || $0 == "\t" }
        if lines.isEmpty {
            if blank { return .empty }
            if MetaCommand.split(line) != nil { return .complete(line) }
        } else if blank {
            // Inside an open `{` (a pasted function with blank lines in it) the cell goes on;
            // a second blank line ends it anyway.
            if lines.last?.allSatisfy({ $0 == " " || $0 == "\t" }) == false, CellInput.hasOpenBrace(lines.joined(separator: "\n")) {
                lines.append(line)
                return .needsMore
            }
            return finish()
        }
        lines.append(line)
        let text = lines.joined(separator: "\n")
        return CellInput.needsMoreInput(text) ? .needsMore : finish()
    }

    /// Abandons the partial cell (Ctrl-C).
    public mutating func clear() { lines = [] }

    private mutating func finish() -> State {
        let text = lines.joined(separator: "\n")
        lines = []
        return .complete(text)
    }

    /// Whether `text` leaves a `{` unclosed.
    static func hasOpenBrace(_ text: String) -> Bool {
        var lexer = Lexer(file: SourceFile(name: "<input>", text: text))
        var depth = 0
        for token in lexer.tokenize() {
            if token.kind == .leftBrace { depth += 1 } else if token.kind == .rightBrace { depth -= 1 }
        }
        return depth > 0
    }

    /// Whether `text` stops early: every syntax problem is an unclosed construct at the end
    /// of the input, or the last line ends with a `\` line continuation.
    public static func needsMoreInput(_ text: String) -> Bool {
        if text.hasSuffix("\\") { return true }
        let (_, diagnostics) = Parser.parse(SourceFile(name: "<input>", text: text))
        return !diagnostics.isEmpty && diagnostics.allSatisfy(\.isIncompleteInput)
    }
}
