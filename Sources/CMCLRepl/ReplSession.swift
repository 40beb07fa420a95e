import CMCLBase
import CMCLLang
import CMCLRuntime
import Foundation

/// The notebook behind the REPL, without a terminal: numbered cells, their outputs (`_`,
/// `_N`), meta-commands and the record of successful cells that `:save` writes.
///
///     let session = ReplSession(interpreter: .session(), output: { print($0, terminator: "") })
///     session.submit("1 + 2")      // writes "Out[1]: 3\n"; `_` and `_1` are now 3
///     session.submit(":type _")    // writes "number\n"
///
/// Every cell runs through `Interpreter.run`, the one evaluation path of cmcl.
public final class ReplSession {
    /// A cell that ran without error, as `:save` writes it.
    public struct SavedCell: Sendable {
        /// The cell number, or nil for a script read with `:load`.
        public var number: Int?
        public var source: String
        /// How the output was shown (`Out[N]: …`), when the cell displayed a value.
        public var output: String?
        /// For `:load`: the file it came from.
        public var loadedFrom: String?
    }

    /// What the host does after a submission.
    public enum Outcome: Equatable, Sendable {
        /// Read the next cell.
        case proceed
        /// Leave the REPL.
        case quit
    }

    public let interpreter: Interpreter
    /// Number of the next cell (shown in the prompt).
    public private(set) var cellNumber = 1
    /// Successful cells, in order, since the start or the last `:reset`.
    public private(set) var savedCells: [SavedCell] = []
    /// How many cells the files `:save` and `:export` wrote in this session held (whether a file
    /// is still this session's, unchanged, is the interpreter's `WriteLedger`).
    private var writtenCells: [String: Int] = [:]
    /// The notebook `:step` is stepping through: its path, cells and the next cell.
    var stepping: (path: String, cells: [(line: Int, code: String)], next: Int)?
    /// Colour diagnostics and prompts (ANSI).
    public var color: Bool
    /// Successful cells with what they printed and displayed (plots as SVG), for `:export`.
    public private(set) var exportCells: [NotebookDocument.Cell] = []
    /// What the running cell has printed and displayed so far.
    private var cellRecord: NotebookDocument.Cell?
    private let writeOutput: (String) -> Void
    private let writeError: (String) -> Void
    /// Whether the last text written to the output ended a line.
    private var atLineStart = true
    /// Globals that existed before the first cell (builtins, prelude), with their values.
    private var baseline: [String: Value] = [:]
    /// When set (the Jupyter kernel), a cell's value is handed here with the cell's number
    /// instead of being written as `Out[N]: …`.
    public var presentValue: ((Value, Int) -> Void)?
    /// When set (the Jupyter kernel), `print(plot)` hands the plot here instead of writing its drawing.
    public var presentRich: ((any RichDisplay) -> Void)?
    /// What the last submission reported (empty when it succeeded or failed without a diagnostic).
    public private(set) var lastDiagnostics: [Diagnostic] = []

    /// - Parameters:
    ///   - output: standard output; the interpreter's `print` is routed here too.
    ///   - error: where diagnostics go (standard error).
    public init(interpreter: Interpreter, color: Bool = false, output: @escaping (String) -> Void,
                error: ((String) -> Void)? = nil) {
        self.interpreter = interpreter
        self.color = color
        self.writeOutput = output
        self.writeError = error ?? output
        interpreter.output = { [weak self] text in self?.write(text, record: true) }
        // Progress and `eprint` share the terminal with the cells' output.
        interpreter.errorOutput = { [weak self] text in self?.write(text, record: true) }
        // `print(plot)`: the terminal shows the drawing; `:export` keeps the SVG.
        interpreter.richOutput = { [weak self] rich in
            guard let self else { return }
            if let present = self.presentRich {
                present(rich)
            } else if let o = rich as? any NativeObject {
                self.write(o.display(.print) + "\n")
            }
            self.cellRecord?.append(.svg(rich.svg))
        }
        recordBaseline()
    }

    /// The prompt for the next cell: `In [3]: `.
    public var prompt: String { "In [\(cellNumber)]: " }

    /// The prompt for continuation lines, as wide as `prompt`.
    public var continuationPrompt: String {
        let width = prompt.count
        return String(repeating: " ", count: max(0, width - 5)) + "...: "
    }

    /// Runs one complete cell or meta-command.
    @discardableResult
    public func submit(_ text: String) -> Outcome {
        lastDiagnostics = []
        if let (name, argument) = MetaCommand.split(text) { return command(name, argument) }
        // `fit?` (the IPython habit) is `:help fit`.
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasSuffix("?"), trimmed.count > 1, !trimmed.contains("\n"),
           trimmed.dropLast().allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }) {
            return command("help", String(trimmed.dropLast()))
        }
        runCell(text)
        return .proceed
    }

    /// Makes sure the next prompt starts on a fresh line (after `print(x, end: "")`).
    public func finishLine() {
        if !atLineStart { write("\n") }
    }

    // MARK: Cells

    /// Runs `text` as the next numbered cell; returns whether it succeeded.
    @discardableResult
    func runCell(_ text: String) -> Bool {
        let number = cellNumber
        cellNumber += 1
        let file = SourceFile(name: "<repl:\(number)>", text: text)
        cellRecord = NotebookDocument.Cell(code: text)
        defer { cellRecord = nil }
        // The flag is cleared when the prompt is shown and after each cell, not here: a Ctrl-C
        // pressed between Enter and the start of the cell cancels that cell.
        let result = interpreter.run(file)
        Interrupt.clear()
        finishLine()
        guard result.diagnostics.isEmpty else {
            var diagnostics = result.diagnostics
            for i in diagnostics.indices where diagnostics[i].kind == .interrupted {
                // The terminal echoed `^C` without a newline; the session's state is intact.
                write("\n")
                diagnostics[i].message = "cell \(number) cancelled by Ctrl-C; the session's variables are kept"
            }
            report(diagnostics)
            return false
        }
        var shown: String?
        if let value = result.value, !isNull(value) {
            interpreter.defineGlobal("_\(number)", value)
            interpreter.defineGlobal("_", value)
            let rendered = Display.render(value, .repl)
            let out = rendered.contains("\n") ? "Out[\(number)]:\n\(rendered)" : "Out[\(number)]: \(rendered)"
            if let present = presentValue {
                present(value, number)
            } else {
                write(paint("Out[\(number)]:", "31") + String(out.dropFirst("Out[\(number)]:".count)) + "\n")
            }
            shown = out
            if case .object(let o) = value, let rich = o as? RichDisplay {
                cellRecord?.append(.svg(rich.svg))
            } else {
                cellRecord?.append(.text(out + "\n"))
            }
        }
        if let record = cellRecord { exportCells.append(record.cleaned) }
        savedCells.append(SavedCell(number: number, source: text, output: shown, loadedFrom: nil))
        return true
    }

    private func isNull(_ v: Value) -> Bool {
        if case .null = v { return true }
        return false
    }

    private func report(_ diagnostics: [Diagnostic]) {
        lastDiagnostics += diagnostics
        let renderer = DiagnosticRenderer(color: color)
        for d in diagnostics { writeError(renderer.render(d)) }
    }

    private func write(_ text: String, record: Bool = false) {
        if record { cellRecord?.append(.text(text)) }
        guard let last = text.unicodeScalars.last else { return }
        atLineStart = last == "\n"
        writeOutput(text)
    }

    func emit(_ text: String) { write(text) }

    /// Functions of the prelude (defined before the first cell).
    var baselineFunctions: [String] {
        interpreter.globalNamesDefined.filter { name in
            if case .closure = baseline[name] { return true }
            return false
        }
    }

    func fail(_ message: String) {
        finishLine()
        writeError((color ? "\u{1B}[1;31merror\u{1B}[0m" : "error") + ": " + StringEscape.printable(message) + "\n")
    }

    func paint(_ s: String, _ code: String) -> String {
        color ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s
    }

    private func recordBaseline() {
        baseline = [:]
        for name in interpreter.globalNamesDefined {
            if let v = interpreter.global(name) { baseline[name] = v }
        }
    }

    // MARK: Meta-commands

    private func command(_ spelled: String, _ argument: String) -> Outcome {
        // `:save! FILE` and `:export! FILE` may replace a file this session did not write.
        let forced = spelled == "save!" || spelled == "export!"
        let name = forced ? String(spelled.dropLast()) : spelled
        guard let cmd = MetaCommand.named(name) else {
            let spellings = MetaCommand.all.flatMap { [$0.name] + $0.aliases }.map { ":" + $0 }
            let hint = Suggestion.hint(for: ":" + name, in: spellings) ?? "`:help` lists the commands"
            fail("unknown command `:\(name)`; \(hint)")
            return .proceed
        }
        let needsArgument = !cmd.argument.isEmpty && !cmd.argument.hasPrefix("[")
        if needsArgument && argument.isEmpty {
            fail("`:\(cmd.name)` needs an argument: \(cmd.usage)")
            return .proceed
        }
        switch cmd.name {
        case "help": help(argument)
        case "vars": vars()
        case "type": type(argument)
        case "time": time(argument)
        case "load": load(Self.unquoted(argument))
        case "step": step(Self.unquoted(argument))
        case "save": save(argument, force: forced)
        case "export": export(argument, force: forced)
        case "precision": precision(Self.unquoted(argument))
        case "reset":
            interpreter.resetSession()
            cellNumber = 1
            savedCells = []
            exportCells = []
            recordBaseline()
            write("session reset\n")
        case "quit": return .quit
        default: break
        }
        return .proceed
    }

    /// `:precision` shows the session's precision; `:precision bf16` sets it.
    private func precision(_ spelled: String) {
        if spelled.isEmpty { return write("precision: \(interpreter.precision)\n") }
        do {
            let p = try PrecisionArgument.parse(spelled)
            interpreter.precision = p
            write("precision: \(p)\n")
        } catch let e as CMCLError {
            fail(e.message + (e.hint.map { "; " + $0 } ?? ""))
        } catch {
            fail("\(error)")
        }
    }

    private func type(_ source: String) {
        let result = interpreter.run(SourceFile(name: "<type>", text: source))
        finishLine()
        if !result.diagnostics.isEmpty { return report(result.diagnostics) }
        write((result.value ?? .null).typeName + "\n")
    }

    private func time(_ source: String) {
        let start = DispatchTime.now().uptimeNanoseconds
        let ok = runCell(source)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        if ok { write("time: \(Display.duration(seconds))\n") }
    }

    /// `:step FILE` starts stepping through FILE's cells; `:step` shows and runs the next one.
    private func step(_ path: String) {
        if !path.isEmpty {
            do {
                let text = try SourceReader.read(path: NSString(string: path).expandingTildeInPath)
                stepping = (path, NotebookDocument.cells(of: text), 0)
            } catch {
                return fail(":step cannot read \(path): \(error)")
            }
        }
        guard var s = stepping else { return fail(":step needs a file first: `:step FILE`") }
        guard s.next < s.cells.count else {
            stepping = nil
            return write("end of \(s.path) (\(s.cells.count) cells)\n")
        }
        let cell = s.cells[s.next]
        s.next += 1
        stepping = s
        write(paint("── \(s.path):\(cell.line) (cell \(s.next)/\(s.cells.count)) ──", "2") + "\n" + cell.code + "\n")
        runCell(cell.code)
    }

    private func load(_ path: String) {
        let expanded = NSString(string: path).expandingTildeInPath
        let text: String
        do {
            text = try SourceReader.read(path: expanded)
        } catch {
            var hint = ""
            if !path.hasSuffix(".cmcl"), FileManager.default.fileExists(atPath: expanded + ".cmcl") {
                hint = " (did you mean \(path).cmcl?)"
            }
            return fail(":load cannot read \(path): \(error)\(hint)")
        }
        let result = interpreter.run(SourceFile(name: path, text: text))
        Interrupt.clear()
        finishLine()
        if !result.diagnostics.isEmpty { return report(result.diagnostics) }
        savedCells.append(SavedCell(number: nil, source: text, output: nil, loadedFrom: path))
    }

    /// Writes the session's cells as a script. An existing file is replaced only when this
    /// session wrote it (and it has not changed since) and the session has at least as many cells
    /// as it held then; otherwise `:save! FILE` or `:save FILE --force` is needed, so that a fresh
    /// session never silently replaces a notebook with a shorter one.
    private func save(_ argument: String, force forced: Bool) {
        guard let (path, force) = fileArgument(argument, "save", forced) else { return }
        let n = savedCells.count
        let script = ScriptWriter.script(savedCells)
        write(path, cells: n, command: "save", force: force, { (file, policy) throws(FileWriteError) in try AtomicFile.write(script, to: file, policy: policy) }) {
            "saved \(n) cell\(n == 1 ? "" : "s") to \(path)\n"
        }
    }

    /// The file of `:save FILE` / `:export FILE` (quotes removed, a trailing `--force` read), or
    /// nil after saying it is missing.
    private func fileArgument(_ argument: String, _ command: String, _ forced: Bool) -> (String, Bool)? {
        var path = argument
        var force = forced
        if path.hasSuffix(" --force") {
            force = true
            path = Substring(path.dropLast(" --force".count)).trimmingWhitespace()
        }
        path = Self.unquoted(path)
        guard !path.isEmpty, path != "--force" else {
            fail("`:\(command)` needs a file: :\(command) FILE")
            return nil
        }
        return (path, force)
    }

    /// Writes a file for `:save` or `:export` under the session's write policy (`WritePolicy`),
    /// also refusing to replace a file of this session's with one of fewer cells unless forced.
    private func write(_ path: String, cells n: Int, command: String, force: Bool,
                       _ writeFile: (String, WritePolicy) throws(FileWriteError) -> Void, done: () -> String) {
        let expanded = NSString(string: path).expandingTildeInPath
        let key = URL(fileURLWithPath: expanded).resolvingSymlinksInPath().standardized.path
        let replace = "`:\(command)! \(path)` replaces it"
        if !force, FileStamp(path: expanded) != nil, interpreter.writes.wrote(expanded), let had = writtenCells[key], n < had {
            return fail(":\(command) would replace \(path) (\(had) cells) with \(n) cell\(n == 1 ? "" : "s"); \(replace)")
        }
        do {
            try writeFile(expanded, WritePolicy(force: force, ledger: interpreter.writes))
        } catch where error.kind == .wouldReplace {
            return fail(":\(command) would replace \(path), which this session did not write; \(replace)")
        } catch {
            return fail(":\(command) \(error)")
        }
        writtenCells[key] = n
        write(done())
    }

    /// `:load "file"` and `:load file` both work.
    static func unquoted(_ argument: String) -> String {
        if argument.count >= 2, let f = argument.first, f == argument.last, f == "\"" || f == "'" {
            return String(argument.dropFirst().dropLast())
        }
        return argument
    }

    /// Writes the session as one HTML or Markdown document, under the same rule as `:save`.
    private func export(_ argument: String, force forced: Bool) {
        guard let (path, force) = fileArgument(argument, "export", forced) else { return }
        guard path.hasSuffix(".html") || path.hasSuffix(".htm") || path.hasSuffix(".md") else {
            return fail(":export writes .html or .md files, not \(path)")
        }
        let document = NotebookDocument(title: "cmcl session", cells: exportCells)
        let n = exportCells.count
        write(path, cells: n, command: "export", force: force, { (file, policy) throws(FileWriteError) in
            try NotebookDocument.write(document, to: file, policy: policy)
        }) {
            "exported \(n) cell\(n == 1 ? "" : "s") to \(path)\n" }
    }

    private func vars() {
        var rows: [(String, String, String)] = []
        for (name, value) in interpreter.userGlobals {
            if name == "_" || (name.hasPrefix("_") && Int(name.dropFirst()) != nil) { continue }
            if let old = baseline[name], Self.same(old, value) { continue }
            var shown = Display.render(value, .repl)
            if let nl = shown.firstIndex(of: "\n") { shown = String(shown[..<nl]) + " …" }
            if shown.count > 60 { shown = String(shown.prefix(59)) + "…" }
            rows.append((name, value.typeName, shown))
        }
        guard !rows.isEmpty else { return write("no variables defined yet\n") }
        let w0 = rows.map(\.0.count).max() ?? 0, w1 = rows.map(\.1.count).max() ?? 0
        for (n, t, v) in rows {
            write(n.padded(w0) + "  " + t.padded(w1) + "  " + v + "\n")
        }
    }

    static func same(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.closure(let x), .closure(let y)): return x === y
        case (.builtin(let x), .builtin(let y)): return x === y
        case (.list(let x), .list(let y)): return x === y
        case (.record(let x), .record(let y)): return x === y
        case (.object(let x), .object(let y)): return x === y
        case (.number(let x), .number(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.bool(let x), .bool(let y)): return x == y
        case (.null, .null): return true
        default: return false
        }
    }
}

extension String {
    func padded(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
