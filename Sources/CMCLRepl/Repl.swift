@preconcurrency import CReadline
import CMCLLang
import CMCLRuntime
import Foundation

/// The interactive notebook: numbered cells on GNU readline, with persistent history,
/// completion, multi-line input, meta-commands and Ctrl-C that cancels the running cell.
public enum Repl {
    public static let banner = "cmcl 0.1.0 — :help for help, Tab to complete, Ctrl-C cancels, :quit or Ctrl-D to leave\n"

    /// Runs the REPL on the terminal until Ctrl-D or `:quit`; returns the exit code.
    public static func start(interpreter vm: Interpreter) -> Int32 {
        vm.outputIsTerminal = isatty(1) != 0
        vm.errorIsTerminal = vm.outputIsTerminal
        let environment = ProcessInfo.processInfo.environment
        let color = environment["NO_COLOR"] == nil && environment["TERM"] != "dumb"
        let session = ReplSession(interpreter: vm, color: color, output: { text in
            StandardStreams.output(text)
        }, error: { text in
            StandardStreams.error(text)
        })
        let history = HistoryFile(path: HistoryFile.defaultPath(), limit: HistoryFile.defaultLimit()) { problem in
            StandardStreams.error("cmcl: \(problem)\n")
        }
        var previous = history.load()
        let reader = LineReader(history: previous, historyLimit: history.limit)
        LineReader.completer = Completer(interpreter: vm)
        StandardStreams.output(banner)

        var input = CellInput()
        while true {
            session.finishLine()
            let prompt = input.isContinuing ? session.continuationPrompt : session.prompt
            let shown = color ? session.paint(prompt, input.isContinuing ? "2;32" : "32") : prompt
            switch reader.read(prompt: shown) {
            case .endOfInput:
                return 0
            case .interrupted:
                input.clear()
            case .line(let line):
                switch input.add(line) {
                case .needsMore, .empty:
                    continue
                case .complete(let text):
                    if previous.last != text {
                        reader.remember(text)
                        history.append(text)
                        previous.append(text)
                    }
                    if session.submit(text) == .quit { return 0 }
                }
            }
        }
    }
}
