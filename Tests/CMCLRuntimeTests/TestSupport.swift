import CMCLLang
import Foundation
@testable import CMCLRuntime

/// Collects what a program prints.
final class OutputBuffer: @unchecked Sendable {
    var text = ""
}

/// The outcome of running a snippet: everything it printed and the run result.
struct Run {
    var output: String
    var result: RunResult
    /// Messages of the diagnostics, in order.
    var errors: [String] { result.diagnostics.map(\.message) }
    var firstError: Diagnostic? { result.diagnostics.first }
    /// The exit code a script with this outcome ends with.
    var exitCode: Int32 { result.failure?.exitCode ?? 0 }
    /// The value of the last statement, as the REPL shows it.
    var shown: String? { result.value.map { Display.render($0, .repl) } }
}

/// Runs `code` in a fresh session (builtins and prelude loaded) on a thread with a large
/// stack, as the executable does.
func run(_ code: String, name: String = "t.cmcl", arguments: [String] = []) -> Run {
    LargeStack.run {
        let buffer = OutputBuffer()
        let vm = Interpreter.session(output: { buffer.text += $0 })
        vm.scriptArguments = arguments
        let result = vm.run(SourceFile(name: name, text: code))
        return Run(output: buffer.text, result: result)
    }
}

/// The value of one expression, as the REPL shows it (strings quoted), or the first error.
func eval(_ code: String) -> String {
    let r = run(code)
    if let d = r.firstError { return "error: " + d.message }
    return r.shown ?? "<no value>"
}

/// Lines printed by `code`, or the first error.
func printed(_ code: String) -> String {
    let r = run(code)
    if let d = r.firstError { return r.output + "error: " + d.message }
    return r.output
}

/// The repository root: Tests/CMCLRuntimeTests/TestSupport.swift is three levels down.
let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
