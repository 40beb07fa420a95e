import CMCLLang
import Foundation

/// The outcome of running a file or a REPL cell.
public struct RunResult {
    /// Syntax, name and runtime errors, in order. Empty on success.
    public var diagnostics: [Diagnostic]
    /// The value of the last statement, when it is an expression.
    public var value: Value?
    /// The worst problem, for exit codes: nil, or the kind of the first diagnostic.
    public var failure: Diagnostic.Kind? { diagnostics.first?.kind }
    /// True when nothing ran because of syntax or name errors.
    public var didNotRun: Bool
    /// The code passed to `exit(code)`, when the program called it.
    public var exitCode: Int32?
}

/// Thrown by `exit(code)`: unwinds the whole program (`try`/`catch` does not catch it).
public struct ScriptExit: Error {
    public let code: Int32
}

extension Interpreter {
    /// Parses and resolves a file without running it (`cmcl check`). Imports are resolved too.
    public func check(_ file: SourceFile) -> [Diagnostic] {
        let (program, syntax) = Parser.parse(file)
        if !syntax.isEmpty { return syntax }
        return Compiler.compileProgram(program, vm: self).1
    }

    /// The one path from source to result, shared by script mode, `-e`, the REPL and the
    /// golden-notebook checker.
    ///
    /// - Parameters:
    ///   - continueOnError: run every top-level statement even when one fails (notebook
    ///     checking), except after Ctrl-C; otherwise stop at the first runtime error (scripts,
    ///     REPL cells).
    ///   - beforeStatement: called with each top-level statement's span before it runs, so
    ///     a host can attribute output to the statement that printed it.
    public func run(_ file: SourceFile, continueOnError: Bool = false,
                    beforeStatement: (Span) -> Void = { _ in },
                    onError: (Diagnostic) -> Void = { _ in },
                    onValue: (Value) -> Void = { _ in }) -> RunResult {
        let (program, syntax) = Parser.parse(file)
        if !syntax.isEmpty { return RunResult(diagnostics: syntax, value: nil, didNotRun: true) }
        loader.noteRunning(file)
        let (unit, problems) = Compiler.compileProgram(program, vm: self)
        if !problems.isEmpty { return RunResult(diagnostics: problems, value: nil, didNotRun: true) }
        // Function declarations are hoisted to the front of the unit; map codes back to statements.
        let order = program.statements.enumerated().sorted { a, b in
            let fa = a.element.isFunction, fb = b.element.isFunction
            return fa != fb ? fa : a.offset < b.offset
        }.map(\.element)
        var diagnostics: [Diagnostic] = []
        var last: Value?
        var exitCode: Int32?
        withFrame(unit) { bp, env in
            for (code, stmt) in zip(unit.statements, order) {
                beforeStatement(stmt.span)
                interruptedPartial = nil
                do {
                    let v = try code.code(bp, env)
                    if case .expression = stmt.kind {
                        last = v
                        onValue(v)
                    } else {
                        last = nil
                    }
                } catch let exit as ScriptExit {
                    exitCode = exit.code
                    state.pointee.unwind = 0
                    last = nil
                    break
                } catch {
                    let d = self.diagnostic(from: error, file: file, span: stmt.span)
                    diagnostics.append(d)
                    onError(d)
                    state.pointee.unwind = 0
                    last = nil
                    // Ctrl-C stops a notebook too: later cells would only fail on what it cancelled.
                    if !continueOnError || d.kind == .interrupted { break }
                }
            }
        }
        return RunResult(diagnostics: diagnostics, value: last, didNotRun: false, exitCode: exitCode)
    }

    /// Runs a compiled unit (an imported module's body).
    func execute(_ unit: Compiler.Unit) throws -> Value {
        var result: Result<Value, Error> = .success(.null)
        withFrame(unit) { bp, env in
            do {
                var last = Value.null
                for box in unit.statements { last = try box.code(bp, env) }
                result = .success(last)
            } catch {
                result = .failure(error)
            }
        }
        return try result.get()
    }

    private func withFrame(_ unit: Compiler.Unit, _ body: (Int, Closure?) -> Void) {
        let bp = state.pointee.sp
        let size = max(0, min(unit.frameSize, Interpreter.stackCapacity - bp - 1))
        state.pointee.sp = bp + size
        collector.tracking { body(bp, nil) }
        for i in bp..<(bp + size) { stack[i] = .null }
        for slot in unit.cellSlots where slot < size { cells[bp + slot] = nil }
        state.pointee.sp = bp
    }

    /// Any error thrown while running becomes a diagnostic.
    func diagnostic(from error: Error, file: SourceFile, span: Span) -> Diagnostic {
        switch error {
        case let d as Diagnostic:
            return d
        case let e as CMCLError:
            return Diagnostic(e.diagnosticKind, e.message, file: file, span: span, hint: e.hint)
        default:
            return diagnostic(from: CMCLError(engine: error), file: file, span: span)
        }
    }
}

extension Stmt {
    var isFunction: Bool {
        if case .function = kind { return true }
        return false
    }
}

/// Runs work on a thread with a large stack, so deep cmcl recursion ends in a
/// "maximum recursion depth" error rather than a segfault.
public enum LargeStack {
    public static let size = 1 << 30

    private final class Box<T>: @unchecked Sendable {
        var value: T?
        let work: () -> T
        init(_ work: @escaping () -> T) { self.work = work }
    }

    public static func run<T>(_ work: @escaping () -> T) -> T {
        let box = Box(work)
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            box.value = box.work()
            done.signal()
        }
        thread.stackSize = size
        thread.start()
        done.wait()
        guard let value = box.value else { return work() }
        return value
    }
}

extension Interpreter {
    /// A session with every builtin bound and the prelude (`stdlib/prelude.cmcl`) loaded.
    /// `registry` may be shared by many sessions (building it is most of the start-up).
    public static func session(registry: BuiltinRegistry = .standard(), output: @escaping (String) -> Void = { _ in }) -> Interpreter {
        let vm = Interpreter(registry: registry, output: output)
        if let text = StdlibSources.files["prelude"] {
            _ = vm.run(SourceFile(name: "stdlib/prelude.cmcl", text: text))
        }
        return vm
    }
}

extension Diagnostic.Kind {
    /// The process exit code for a script that failed with this kind of problem.
    public var exitCode: Int32 {
        switch self {
        case .syntax, .name: return 65
        case .runtime: return 70
        case .interrupted: return 130
        }
    }
}
