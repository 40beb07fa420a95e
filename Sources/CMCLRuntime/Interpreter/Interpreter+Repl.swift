import CMCLLang

/// Hooks for the interactive REPL.
extension Interpreter {
    /// Forgets every user binding and reloads the prelude, leaving the session as
    /// `Interpreter.session` made it (`:reset`).
    public func resetSession() {
        reset()
        if let text = StdlibSources.files["prelude"] {
            _ = run(SourceFile(name: "stdlib/prelude.cmcl", text: text))
        }
    }
}
