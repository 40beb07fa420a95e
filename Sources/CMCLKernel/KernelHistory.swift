import CMCLData
import CMCLRepl
import Foundation

/// The history a kernel answers `history_request` from: earlier sessions (the REPL's history
/// file, shared with the terminal REPL, as session 0) and this kernel's cells (session 1,
/// numbered by execution count, with their displayed values).
final class KernelHistory {
    struct Entry {
        var session: Int
        var line: Int
        var input: String
        var output: String?
    }

    private let file: HistoryFile
    private(set) var entries: [Entry] = []
    var onProblem: (String) -> Void = { _ in }

    static let earlierSession = 0
    static let currentSession = 1

    init(path: String, limit: Int) {
        file = HistoryFile(path: path, limit: limit)
    }

    func load() {
        file.onProblem = { [weak self] in self?.onProblem($0) }
        entries = file.load().enumerated().map { Entry(session: KernelHistory.earlierSession, line: $0 + 1, input: $1) }
    }

    /// Records a cell of this session (and appends it to the history file).
    func add(_ input: String, line: Int) {
        entries.append(Entry(session: KernelHistory.currentSession, line: line, input: input))
        file.append(input)
    }

    func setOutput(_ output: String, line: Int) {
        if let i = entries.lastIndex(where: { $0.session == KernelHistory.currentSession && $0.line == line }) {
            entries[i].output = output
        }
    }

    /// The reply to a history request: `tail` (the last n), `range` (a session's lines start..<stop)
    /// or `search` (a glob over whole cells, optionally unique, the last n).
    func reply(_ request: JSONObject) -> JSONObject {
        let withOutput = request["output"] == .bool(true)
        var chosen: [Entry]
        switch request["hist_access_type"]?.string ?? "tail" {
        case "range":
            let session = request["session"]?.int ?? KernelHistory.currentSession
            // Negative sessions count back from this one (IPython's convention).
            let wanted = session <= 0 && session != KernelHistory.earlierSession ? KernelHistory.currentSession + session : session
            let start = request["start"]?.int ?? 1
            let stop = request["stop"]?.int
            chosen = entries.filter { $0.session == wanted && $0.line >= start && (stop == nil || $0.line < stop!) }
        case "search":
            let pattern = request["pattern"]?.string ?? "*"
            chosen = entries.filter { fnmatch(pattern, $0.input, 0) == 0 }
            if request["unique"] == .bool(true) {
                var seen = Set<String>()
                chosen = chosen.reversed().filter { seen.insert($0.input).inserted }.reversed()
            }
            if let n = request["n"]?.int, n >= 0 { chosen = Array(chosen.suffix(n)) }
        default:
            chosen = Array(entries.suffix(max(0, request["n"]?.int ?? 10)))
        }
        let items: [JSONValue] = chosen.map { e in
            let input: JSONValue = withOutput ? .array([.string(e.input), e.output.map { .string($0) } ?? .null]) : .string(e.input)
            return .array([.number(Double(e.session)), .number(Double(e.line)), input])
        }
        return ["status": "ok", "history": .array(items)]
    }
}
