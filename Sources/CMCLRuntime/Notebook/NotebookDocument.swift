import CMCLLang
import Foundation

/// A notebook run into a document: its cells (paragraphs of code separated by blank lines),
/// each with what it printed, the values its expressions produced (plots as SVG) and its
/// errors as the REPL shows them. `html()` and `markdown()` write it as one self-contained
/// file (`cmcl notebook FILE -o report.html`, `:export` in the REPL).
public struct NotebookDocument {
    public enum Output: Equatable, Sendable {
        case text(String)
        /// A standalone `<svg>` element.
        case svg(String)
        case error(String)
    }

    public struct Cell: Sendable {
        public var code: String
        public var outputs: [Output] = []
        public init(code: String, outputs: [Output] = []) {
            self.code = code
            self.outputs = outputs
        }

        public mutating func append(_ o: Output) {
            if case .text(let t) = o, case .text(var previous)? = outputs.last {
                // Drop the array's reference first, so the text grows in place: a cell that
                // prints 100,000 lines costs linear time, not quadratic.
                outputs[outputs.count - 1] = .text("")
                previous += t
                outputs[outputs.count - 1] = .text(previous)
            } else {
                outputs.append(o)
            }
        }
    }

    public var title: String
    public var cells: [Cell]
    /// How many statements failed, the kind of the first failure, and whether Ctrl-C stopped
    /// the run (set through ``note(_:)``).
    public var errorCount = 0
    public var failure: Diagnostic.Kind?
    public var interrupted = false

    public init(title: String, cells: [Cell]) {
        self.title = title
        self.cells = cells
    }

    /// Runs the notebook `text` in `interpreter` and collects every cell's outputs. Expected
    /// output lines of golden notebooks (`# >`, `# !`) are left out of the code.
    ///
    /// `progress` hears (cell number from 1, cell count, first line of the cell) as each cell starts.
    public static func run(name: String, text: String, interpreter vm: Interpreter,
                           progress: (Int, Int, Int) -> Void = { _, _, _ in }) -> NotebookDocument {
        let (lines, ranges) = cellRanges(text)
        let file = SourceFile(name: name, text: lines.joined(separator: "\n"))
        var cells = ranges.map { r in Cell(code: lines[(r.lowerBound - 1)...(r.upperBound - 1)].joined(separator: "\n")) }
        func cellIndex(line: Int) -> Int {
            ranges.lastIndex { $0.lowerBound <= line } ?? 0
        }
        guard !cells.isEmpty else { return NotebookDocument(title: title(name, lines), cells: []) }

        var current = 0, started = -1
        let savedOutput = vm.output, savedError = vm.errorOutput, savedRich = vm.richOutput
        defer { vm.output = savedOutput; vm.errorOutput = savedError; vm.richOutput = savedRich }
        vm.output = { cells[current].append(.text($0)) }
        vm.errorOutput = { cells[current].append(.text($0)) }
        vm.richOutput = { cells[current].append(.svg($0.svg)) }
        let renderer = DiagnosticRenderer(color: false)
        let result = vm.run(file, continueOnError: true, beforeStatement: { span in
            current = cellIndex(line: file.line(of: span.start))
            // Function declarations run first (hoisted); a cell is reported when its other code starts.
            if current != started, !file.text(of: span).hasPrefix("fn ") {
                started = current
                progress(current + 1, cells.count, ranges[current].lowerBound)
            }
        }, onError: { d in
            cells[current].append(.error(renderer.render(d)))
        }, onValue: { value in
            if case .null = value { return }
            if case .object(let o) = value, let rich = o as? RichDisplay {
                cells[current].append(.svg(rich.svg))
            } else if case .object(let o) = value, o is ModelValue {
                // A model reads as its one-line summary in a document, not its parameter table.
                let lines = Display.render(value, .repl).split(separator: "\n")
                cells[current].append(.text((lines.first.map(String.init) ?? "") + (lines.count > 1 ? "; " + (lines.last.map(String.init) ?? "") : "") + "\n"))
            } else {
                cells[current].append(.text(Display.render(value, .repl) + "\n"))
            }
        })
        if result.didNotRun {
            for d in result.diagnostics {
                cells[cellIndex(line: d.file === file ? file.line(of: d.span.start) : 1)].append(.error(renderer.render(d)))
            }
        }
        if let code = result.exitCode { cells[current].append(.text("(exit \(code))\n")) }
        var document = NotebookDocument(title: title(name, lines), cells: cells.map(\.cleaned))
        document.note(result.diagnostics.map(\.kind))
        return document
    }

    /// Counts failures toward the notebook's outcome: how many, the kind of the first, and
    /// whether one was Ctrl-C (after which a notebook runs no further cell). `cmcl notebook`
    /// turns the outcome into its exit code (70 after an error unless `--allow-errors`, 130 on
    /// Ctrl-C); ``run`` and the `.ipynb` runner both report through here.
    public mutating func note(_ failures: [Diagnostic.Kind]) {
        errorCount += failures.count
        if failure == nil { failure = failures.first }
        if failures.contains(.interrupted) { interrupted = true }
    }

    /// The code of each cell of a notebook, with its first line (`:step` in the REPL).
    public static func cells(of text: String) -> [(line: Int, code: String)] {
        let (lines, ranges) = cellRanges(text)
        return ranges.map { r in (r.lowerBound, lines[(r.lowerBound - 1)...(r.upperBound - 1)].joined(separator: "\n")) }
    }

    /// The notebook's lines (expected-output lines blanked) and its cells' 1-based line ranges.
    static func cellRanges(_ text: String) -> (lines: [String], ranges: [ClosedRange<Int>]) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            Notebook.isExpectation($0) ? "" : String($0)
        }
        // Cells: paragraphs separated by blank lines. A paragraph that ends inside an open
        // statement (a blank line in a function body) continues into the next one.
        let file = SourceFile(name: "<cells>", text: lines.joined(separator: "\n"))
        let (program, _) = Parser.parse(file)
        var statementLines: [(first: Int, last: Int)] = program.statements.map {
            (file.line(of: $0.span.start), file.line(of: max($0.span.start, $0.span.end - 1)))
        }
        statementLines.sort { $0.first < $1.first }
        var ranges: [ClosedRange<Int>] = []  // 1-based line ranges of the cells
        var start: Int?
        for (i, line) in lines.enumerated() {
            let n = i + 1
            let blank = line.trimmingCharacters(in: .whitespaces).isEmpty
            if !blank, start == nil { start = n }
            if blank, let s = start, !statementLines.contains(where: { $0.first < n && $0.last > n }) {
                ranges.append(s...(n - 1))
                start = nil
            }
        }
        if let s = start { ranges.append(s...lines.count) }
        return (lines, ranges)
    }

    /// The first comment line, or the file name.
    static func title(_ name: String, _ lines: [String]) -> String {
        if let first = lines.first(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }),
           first.hasPrefix("#"), !first.hasPrefix("#!") {
            return first.drop(while: { $0 == "#" || $0 == " " }).trimmingCharacters(in: .whitespaces)
        }
        return (name as NSString).lastPathComponent
    }
}

extension NotebookDocument.Cell {
    /// Text outputs as a terminal would show them: `\r` rewrites the line, ANSI escapes dropped.
    public var cleaned: NotebookDocument.Cell {
        var c = self
        c.outputs = outputs.compactMap { o in
            guard case .text(let t) = o else { return o }
            let text = NotebookDocument.plainText(t)
            return text.isEmpty ? nil : .text(text)
        }
        return c
    }
}

extension NotebookDocument {
    public static func plainText(_ s: String) -> String {
        var out = ""
        var i = s.unicodeScalars.startIndex
        let scalars = s.unicodeScalars
        var line = ""
        while i < scalars.endIndex {
            let c = scalars[i]
            if c == "\u{1B}" {
                // Skip a CSI sequence: ESC [ parameters final-byte.
                i = scalars.index(after: i)
                if i < scalars.endIndex, scalars[i] == "[" {
                    i = scalars.index(after: i)
                    while i < scalars.endIndex, !(0x40...0x7E).contains(scalars[i].value) { i = scalars.index(after: i) }
                }
                if i < scalars.endIndex { i = scalars.index(after: i) }
                continue
            }
            if c == "\r" { line = "" } else if c == "\n" { out += line + "\n"; line = "" } else { line.unicodeScalars.append(c) }
            i = scalars.index(after: i)
        }
        return out + line
    }
}
