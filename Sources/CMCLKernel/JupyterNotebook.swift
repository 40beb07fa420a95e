import CMCLData
import CMCLLang
import CMCLRepl
import CMCLRuntime
import Foundation

/// Jupyter notebook files (`.ipynb`, nbformat 4.5) for cmcl notebooks.
///
///     let document = NotebookDocument.run(name: "tour.cmcl", text: source, interpreter: .session())
///     try AtomicFile.write(JupyterNotebook.ipynb(document), to: "tour.ipynb")
///     let report = try JupyterNotebook.run(path: "tour.ipynb")   // a NotebookDocument again
///
/// A cell of a `.cmcl` notebook made only of comments becomes a Markdown cell (the `#` marks
/// removed); every other cell is a code cell with its outputs: printed text as a `stdout`
/// stream, plots as `display_data` (SVG with a text fallback), errors as `error` outputs
/// whose traceback is the located diagnostic. Cell ids are `cell-1`, `cell-2`, … so that the
/// same source always gives the same file.
public enum JupyterNotebook {
    /// The kernelspec and language recorded in the notebook's metadata.
    static var metadata: JSONObject {
        [
            "kernelspec": ["name": "cmcl", "display_name": "cmcl", "language": "cmcl"],
            "language_info": ["name": "cmcl", "version": .string(Version.number), "mimetype": "text/x-cmcl",
                              "file_extension": ".cmcl", "pygments_lexer": "python", "codemirror_mode": "python"],
        ]
    }

    /// The notebook as nbformat 4.5 JSON text.
    public static func ipynb(_ document: NotebookDocument) -> String {
        var cells: [JSONValue] = []
        var count = 0
        for (i, cell) in document.cells.enumerated() {
            let id = JSONValue.string("cell-\(i + 1)")
            if let markdown = markdown(cell) {
                cells.append(["cell_type": "markdown", "id": id, "metadata": [:], "source": source(markdown)])
                continue
            }
            count += 1
            cells.append(["cell_type": "code", "id": id, "execution_count": .number(Double(count)), "metadata": [:],
                          "source": source(cell.code), "outputs": .array(cell.outputs.map(output))])
        }
        let notebook: JSONObject = ["nbformat": 4, "nbformat_minor": 5, "metadata": .object(metadata), "cells": .array(cells)]
        return JSONValue.object(notebook).serialized(indent: 1) + "\n"
    }

    /// The Markdown of a cell made only of `#` comments (and no outputs), else nil.
    static func markdown(_ cell: NotebookDocument.Cell) -> String? {
        guard cell.outputs.isEmpty else { return nil }
        let lines = cell.code.split(separator: "\n", omittingEmptySubsequences: false)
        guard !lines.isEmpty, lines.allSatisfy({ $0.hasPrefix("#") && !$0.hasPrefix("#!") }) else { return nil }
        return lines.map { line in
            var l = line.dropFirst()
            if l.hasPrefix(" ") { l = l.dropFirst() }
            return String(l)
        }.joined(separator: "\n")
    }

    /// nbformat's multi-line string: a list of lines, each but the last ending in `\n`.
    static func source(_ text: String) -> JSONValue {
        var lines: [JSONValue] = []
        var current = ""
        for ch in text {
            current.append(ch)
            if ch == "\n" { lines.append(.string(current)); current = "" }
        }
        if !current.isEmpty { lines.append(.string(current)) }
        return .array(lines)
    }

    static func output(_ o: NotebookDocument.Output) -> JSONValue {
        switch o {
        case .text(let t):
            return ["output_type": "stream", "name": "stdout", "text": source(t)]
        case .svg(let s):
            return ["output_type": "display_data", "metadata": [:],
                    "data": ["image/svg+xml": source(KernelDisplay.singleSVG(s)), "text/plain": ["<plot>"]]]
        case .error(let e):
            let text = e.hasSuffix("\n") ? String(e.dropLast()) : e
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { JSONValue.string(String($0)) }
            return ["output_type": "error", "ename": "Error", "evalue": .string(lines.first?.string ?? ""),
                    "traceback": .array(lines)]
        }
    }

    // MARK: Running a .ipynb

    public enum Problem: Error, CustomStringConvertible {
        case notANotebook(String)
        case notCmcl(String)
        public var description: String {
            switch self {
            case .notANotebook(let why): return "not a Jupyter notebook: \(why)"
            case .notCmcl(let language): return "the notebook's kernel is \(language), not cmcl"
            }
        }
    }

    /// The cells of a `.ipynb` file: code cells' sources, and Markdown cells as `#` comments.
    public static func cells(path: String) throws -> (title: String, cells: [(code: String, isCode: Bool)]) {
        let json = try JSONValue.read(path: path)
        guard let cells = json["cells"]?.array, json["nbformat"]?.int == 4 else {
            throw Problem.notANotebook("no nbformat 4 `cells`")
        }
        let language = json["metadata"]?["kernelspec"]?["language"]?.string ?? json["metadata"]?["language_info"]?["name"]?.string
        if let language, language != "cmcl" { throw Problem.notCmcl(language) }
        var out: [(String, Bool)] = []
        for cell in cells {
            let text: String
            if let lines = cell["source"]?.array { text = lines.compactMap(\.string).joined() } else { text = cell["source"]?.string ?? "" }
            switch cell["cell_type"]?.string {
            case "code": out.append((text, true))
            case "markdown": out.append((text.split(separator: "\n", omittingEmptySubsequences: false).map { "# " + $0 }.joined(separator: "\n"), false))
            default: continue
            }
        }
        return ((path as NSString).lastPathComponent, out)
    }

    /// Runs a `.ipynb` notebook's code cells in order, in one cmcl session, and collects each
    /// cell's outputs as the kernel would show them. As for a `.cmcl` notebook, an error does
    /// not stop later cells and Ctrl-C does (the cells after it are kept, not run); the
    /// document's outcome (``NotebookDocument/note(_:)``) gives `cmcl notebook` its exit code.
    public static func run(path: String, interpreter vm: Interpreter = .session()) throws -> NotebookDocument {
        let (title, sources) = try cells(path: path)
        var document = NotebookDocument(title: title, cells: [])
        var current = NotebookDocument.Cell(code: "")
        var reportedError = false
        let session = ReplSession(interpreter: vm, color: false, output: { current.append(.text($0)) },
                                  error: { current.append(.error($0)); reportedError = true })
        vm.errorOutput = { current.append(.text($0)) }
        session.presentValue = { value, _ in
            if case .object(let o) = value, let rich = o as? RichDisplay {
                current.append(.svg(rich.svg))
            } else {
                current.append(.text(Display.render(value, .repl) + "\n"))
            }
        }
        session.presentRich = { current.append(.svg($0.svg)) }
        for (code, isCode) in sources {
            current = NotebookDocument.Cell(code: code)
            if isCode, !code.allSatisfy(\.isWhitespace), !document.interrupted {
                reportedError = false
                session.submit(code)
                session.finishLine()
                // A failed `:` command reports no diagnostic; it fails the cell all the same.
                let failures = session.lastDiagnostics.map(\.kind)
                document.note(failures.isEmpty && reportedError ? [.runtime] : failures)
            }
            document.cells.append(current.cleaned)
        }
        return document
    }
}
