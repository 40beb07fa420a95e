import CMCLBase
import CMCLKernel
import CMCLLang
import CMCLRepl
import CMCLRuntime
import Foundation

/// The `cmcl` command line.
enum Commands {
    static let usage = """
    usage: cmcl                         start the notebook REPL (reads a script when stdin is not a terminal)
           cmcl FILE.cmcl [ARGS...]     run a script; `args` holds ARGS
           cmcl -e CODE [ARGS...]       run a snippet
           cmcl check FILE...           parse and resolve without running
           cmcl test [--record] [--slow] PATH...
                                        check golden notebooks (expected output written inline as `# > ` lines);
                                        --record rewrites the expectations; PATH may be a folder; notebooks
                                        whose `# requires:` (data, model:NAME, slow) are not met are skipped
           cmcl notebook FILE -o OUT [--force] [--allow-errors]
                                        run a notebook and write it as one document (OUT ending in .html or .md)
                                        or as a Jupyter notebook with its outputs (OUT.ipynb); FILE.ipynb (a
                                        notebook whose kernel is cmcl) runs and is written as .html or .md; an
                                        existing OUT is replaced only with --force, and never when it is FILE;
                                        exits 70 when a cell failed unless --allow-errors, 130 on Ctrl-C
           cmcl kernel -f CONNECTION_FILE  the Jupyter kernel; `cmcl kernel install [--user] [--prefix DIR]`
                                        writes its kernelspec (`uninstall` removes it); see docs/jupyter.md
           cmcl help [NAME] [--markdown] builtin documentation
           cmcl --version

    exit codes: 0 success, 1 golden notebooks differ, 64 usage error, 65 syntax or name error,
                66 cannot read input, 70 runtime error, 74 cannot write output, 130 interrupted
    """

    /// Exit codes beyond those of diagnostics (`Diagnostic.Kind.exitCode`), from sysexits.
    static let usageFailure: Int32 = 64
    static let inputFailure: Int32 = 66

    static func main(_ args: [String]) -> Int32 {
        StandardStreams.prepare()
        installInterruptHandler()
        guard let first = args.first else {
            if isatty(0) != 0 { return Repl.start(interpreter: Interpreter.session(output: writeOut)) }
            return runStandardInput(arguments: [])
        }
        switch first {
        case "-h", "--help":
            writeOut(usage + "\n")
            return 0
        case "--version":
            writeOut(Version.text + "\n")
            return 0
        case "-e":
            guard args.count >= 2 else { return usageError("-e needs a snippet of code") }
            return runScript(name: "-e", text: args[1], arguments: Array(args.dropFirst(2)))
        case "-":
            return runStandardInput(arguments: Array(args.dropFirst()))
        case "check":
            return check(Array(args.dropFirst()))
        case "test":
            return GoldenCommand.run(Array(args.dropFirst()))
        case "help":
            return help(Array(args.dropFirst()))
        case "notebook":
            return notebook(Array(args.dropFirst()))
        case "kernel":
            return KernelCommand.main(Array(args.dropFirst()), output: writeOut, error: writeError)
        default:
            if first.hasPrefix("-") { return usageError("unknown option \(first)") }
            guard let text = readSource(first) else { return inputFailure }
            return runScript(name: first, text: text, arguments: Array(args.dropFirst()))
        }
    }

    static func writeOut(_ s: String) {
        StandardStreams.output(s)
    }

    static func writeError(_ s: String) {
        StandardStreams.error(s)
    }

    /// The text of a script, or nil after reporting why it cannot be read.
    static func readSource(_ path: String) -> String? {
        do {
            return try SourceReader.read(path: path)
        } catch {
            var hint = ""
            if !path.hasSuffix(".cmcl"), FileManager.default.fileExists(atPath: path + ".cmcl") {
                hint = " (did you mean \(path).cmcl?)"
            }
            writeError("cmcl: cannot read \(path): \(error)\(hint)\n")
            return nil
        }
    }

    static func runStandardInput(arguments: [String]) -> Int32 {
        do {
            return runScript(name: "<stdin>", text: try SourceReader.readStandardInput(), arguments: arguments)
        } catch {
            writeError("cmcl: cannot read standard input: \(error)\n")
            return inputFailure
        }
    }

    static func usageError(_ message: String) -> Int32 {
        writeError("cmcl: \(message)\n\n\(usage)\n")
        return usageFailure
    }

    static var colorErrors: Bool { isatty(2) != 0 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil }

    static func report(_ diagnostics: [Diagnostic]) {
        let renderer = DiagnosticRenderer(color: colorErrors)
        for d in diagnostics {
            writeError(renderer.render(d) + "\n")
        }
    }

    static func runScript(name: String, text: String, arguments: [String]) -> Int32 {
        let vm = Interpreter.session(output: writeOut)
        vm.errorOutput = writeError
        vm.outputIsTerminal = isatty(1) != 0
        vm.errorIsTerminal = isatty(2) != 0
        // Off a terminal, `fit` writes a progress line every 30 s (CMCL_PROGRESS_SECONDS).
        if !vm.errorIsTerminal {
            vm.progressEvery = ProcessInfo.processInfo.environment["CMCL_PROGRESS_SECONDS"].flatMap(Double.init).map { max(0, $0) } ?? 30
        }
        vm.scriptArguments = arguments
        let result = vm.run(SourceFile(name: name, text: text))
        report(result.diagnostics)
        return result.exitCode ?? result.failure?.exitCode ?? 0
    }

    static func check(_ paths: [String]) -> Int32 {
        guard !paths.isEmpty else { return usageError("check needs at least one file") }
        var worst: Int32 = 0
        for path in paths {
            guard let text = readSource(path) else {
                worst = max(worst, inputFailure)
                continue
            }
            let vm = Interpreter.session()
            let diagnostics = vm.check(SourceFile(name: path, text: text))
            report(diagnostics)
            if let kind = diagnostics.first?.kind { worst = max(worst, kind.exitCode) }
            else { writeOut("\(path): ok\n") }
        }
        return worst
    }

    /// `cmcl notebook FILE.cmcl -o report.html|.md`: runs the notebook and writes its cells,
    /// outputs, plots and errors as one self-contained document.
    static func notebook(_ args: [String]) -> Int32 {
        var input: String?, output: String?
        var force = false, allowErrors = false
        var i = 0
        while i < args.count {
            if args[i] == "-o", i + 1 < args.count { output = args[i + 1]; i += 2; continue }
            if args[i] == "--force" { force = true; i += 1; continue }
            if args[i] == "--allow-errors" { allowErrors = true; i += 1; continue }
            if args[i].hasPrefix("-") { return usageError("unknown option \(args[i]) for notebook") }
            if input != nil { return usageError("notebook takes one file") }
            input = args[i]
            i += 1
        }
        guard let input, let output else { return usageError("notebook needs a file and -o OUT.html, OUT.md or OUT.ipynb") }
        let toJupyter = output.hasSuffix(".ipynb")
        guard toJupyter || output.hasSuffix(".html") || output.hasSuffix(".htm") || output.hasSuffix(".md") else {
            return usageError("the output of notebook must end in .html, .md or .ipynb")
        }
        if let a = FileStamp(path: input), let b = FileStamp(path: output), a.device == b.device, a.inode == b.inode {
            return usageError("the output \(StringEscape.quoted(output)) is the notebook itself; choose another -o file")
        }
        let policy = WritePolicy(force: force)
        do {
            // Refuse before running the notebook, not after.
            try AtomicFile.checkReplace(output, policy: policy)
        } catch {
            return writeFailure(error)
        }
        let document: NotebookDocument
        if input.hasSuffix(".ipynb") {
            guard !toJupyter else { return usageError("a .ipynb notebook is written as .html or .md") }
            do { document = try JupyterNotebook.run(path: input) } catch {
                writeError("cmcl: \(input): \(error)\n")
                return inputFailure
            }
        } else {
            guard let text = readSource(input) else { return inputFailure }
            let vm = Interpreter.session()
            let terminal = isatty(2) != 0
            // On a terminal, `fit` and friends draw their progress line under the cell's, not into the document.
            if terminal { vm.progressOutput = { writeError($0) } }
            document = NotebookDocument.run(name: input, text: text, interpreter: vm) { n, count, line in
                // Per-cell progress on stderr: in place on a terminal, a line per cell otherwise.
                let text = "cell \(n)/\(count) (line \(line)) …"
                writeError(terminal ? "\r\u{1B}[K" + text + (n == count ? "\n" : "") : text + "\n")
            }
        }
        do {
            if toJupyter {
                try AtomicFile.write(JupyterNotebook.ipynb(document), to: output, policy: policy)
            } else {
                try NotebookDocument.write(document, to: output, policy: policy)
            }
        } catch {
            return writeFailure(error)
        }
        writeError("wrote \(output) (\(document.cells.count) cells)\n")
        if document.interrupted {
            writeError("cmcl: stopped by Ctrl-C; the cells after it did not run\n")
            return 130
        }
        if document.errorCount > 0, let failure = document.failure {
            let n = document.errorCount
            writeError("cmcl: \(n) error\(n == 1 ? "" : "s") in \(input)" + (allowErrors ? " (--allow-errors)\n" : "; --allow-errors exits 0 anyway\n"))
            return allowErrors ? 0 : failure.exitCode
        }
        return 0
    }

    /// Reports a refused or failed write of `cmcl notebook -o`; exit code 74 (cannot write output).
    static func writeFailure(_ error: FileWriteError) -> Int32 {
        let hint = error.kind == .wouldReplace ? " (add --force to replace it)" : ""
        writeError("cmcl: cannot write \(StringEscape.quoted(error.path)): \(error.reason)\(hint)\n")
        return 74
    }

    static func help(_ args: [String]) -> Int32 {
        let registry = BuiltinRegistry.standard()
        if args.contains("--markdown") {
            writeOut(Help.markdown(registry))
            return 0
        }
        guard let name = args.first else {
            writeOut(Help.overview(registry))
            return 0
        }
        guard let b = registry.lookup(name) else {
            let hint = Suggestion.hint(for: name, in: registry.all.map(\.name)).map { " (\($0))" } ?? ""
            writeError("cmcl: no builtin named `\(name)`\(hint)\n")
            return usageFailure
        }
        writeOut(Help.text(for: b) + "\n")
        return 0
    }

    static func installInterruptHandler() {
        signal(SIGINT) { _ in
            if Interrupt.isRequested && isatty(0) == 0 { _exit(130) }
            Interrupt.request()
        }
    }
}
