/// A problem found in a user's program, with the exact span it concerns.
///
/// Diagnostics are values: the lexer, parser, resolver and interpreter produce them and
/// exactly one place (`DiagnosticRenderer`) turns them into text.
public struct Diagnostic: Error, Sendable {
    /// The family of the problem; it decides the exit code of a script.
    public enum Kind: Sendable {
        /// Malformed source: bad token, unexpected token, unclosed bracket.
        case syntax
        /// A name that is not defined, or a named argument that does not exist.
        case name
        /// A failure while running: wrong types, shape mismatch, assertion.
        case runtime
        /// Ctrl-C.
        case interrupted
    }

    public var kind: Kind
    public var message: String
    public var file: SourceFile?
    public var span: Span
    /// A suggestion shown as `help: …`.
    public var hint: String?
    /// cmcl call frames, innermost first: function name and call site.
    public var trace: [TraceFrame]

    public init(_ kind: Kind, _ message: String, file: SourceFile?, span: Span, hint: String? = nil,
                trace: [TraceFrame] = []) {
        self.kind = kind
        self.message = message
        self.file = file
        self.span = span
        self.hint = hint
        self.trace = trace
    }

    /// True when the only problem is that the input stopped early (an unclosed bracket,
    /// brace or string): an interactive reader should ask for another line.
    public var isIncompleteInput: Bool = false

    /// The most syntax errors reported for one file; past it, reading stops (so that a
    /// binary file gives a few lines of errors, not megabytes).
    public static let maxPerFile = 20

    /// The last diagnostic of a file that has too many errors.
    public static func tooMany(file: SourceFile, at span: Span) -> Diagnostic {
        Diagnostic(.syntax, "too many errors (more than \(maxPerFile)); stopped reading \(file.name) here",
                   file: file, span: Span(span.start, span.start),
                   hint: "fix the errors above first; is this a cmcl file?")
    }
}

/// One frame of a cmcl stack trace.
public struct TraceFrame: Sendable {
    public var function: String
    public var file: SourceFile?
    public var span: Span

    public init(function: String, file: SourceFile?, span: Span) {
        self.function = function
        self.file = file
        self.span = span
    }
}
