@preconcurrency import CReadline
import CMCLLang
import CMCLRuntime
import Foundation

/// The interactive notebook: numbered cells, readline editing and history.
public enum Repl {
    static func write(_ s: String) { FileHandle.standardOutput.write(Data(s.utf8)) }

    /// Runs the REPL until Ctrl-D or `:quit`; returns the exit code.
    public static func start(interpreter vm: Interpreter) -> Int32 {
        vm.output = { s in FileHandle.standardOutput.write(Data(s.utf8)) }
        var cell = 1
        let renderer = DiagnosticRenderer(color: true)
        write("cmcl 0.1.0 — :help for help, :quit or Ctrl-D to leave\n")
        while true {
            guard let raw = readline("[\(cell)] ") else {
                write("\n")
                return 0
            }
            let line = String(cString: raw)
            free(raw)
            if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            add_history(line)
            if line == ":quit" || line == ":q" { return 0 }
            Interrupt.clear()
            let result = vm.run(SourceFile(name: "<cell \(cell)>", text: line))
            for d in result.diagnostics { FileHandle.standardError.write(Data(renderer.render(d).utf8)) }
            if let v = result.value, result.diagnostics.isEmpty {
                if case .null = v {} else { write(Display.render(v, .repl) + "\n") }
            }
            cell += 1
        }
    }
}
