import CMCLBase
import CMCLLang
import CMCLRepl
import CMCLRuntime
import Foundation

/// `cmcl test`: checks (or, with --record, rewrites) golden notebooks.
enum GoldenCommand {
    static func run(_ args: [String]) -> Int32 {
        let environment = ProcessInfo.processInfo.environment
        let record = args.contains("--record") || environment["CMCL_RECORD"] == "1"
        let slow = args.contains("--slow")
        let paths = args.filter { !$0.hasPrefix("--") }
        guard !paths.isEmpty else {
            StandardStreams.error("cmcl test: give notebooks or folders to check\n")
            return Commands.usageFailure
        }
        var files: [String] = []
        for p in paths { files += collect(p) }
        var passed = 0, failed = 0, skipped = 0
        for file in files {
            let original: String
            do {
                original = try SourceReader.read(path: file)
            } catch {
                out("FAIL \(file): cannot read: \(error)")
                failed += 1
                continue
            }
            let unmet = NotebookRequirements(text: original).unmet(environment: environment, slow: slow)
            if !unmet.isEmpty {
                out("skip \(file): needs \(unmet.joined(separator: ", "))")
                skipped += 1
                continue
            }
            let start = Date()
            var text = original
            var actual = ""
            var interrupted = false
            // Recording may shift line numbers quoted in diagnostics; repeat until stable.
            for _ in 0..<(record ? 3 : 1) {
                let vm = Interpreter.session()
                vm.scriptArguments = []
                let run = Notebook.annotation(name: file, text: text, interpreter: vm)
                actual = run.text
                interrupted = run.wasInterrupted
                if Interrupt.isRequested || interrupted { break }
                if !record || actual == text { break }
                text = actual
            }
            let seconds = Date().timeIntervalSince(start)
            if record { actual = Notebook.keepingApproximations(previous: original, recorded: actual) }
            // Ctrl-C: stop, and never record an interrupted run as the expected output.
            if Interrupt.isRequested || interrupted {
                out("interrupted in \(file)\(record ? " (not recorded)" : "")")
                out("golden: \(passed) passed, \(failed) failed, stopped by Ctrl-C")
                return Diagnostic.Kind.interrupted.exitCode
            }
            if record {
                if actual != original {
                    do {
                        try AtomicFile.write(actual, to: file)
                        out("recorded \(file)")
                    } catch {
                        out("FAIL \(file): \(error)")
                        failed += 1
                        continue
                    }
                }
                passed += 1
            } else if Notebook.matches(expected: original, actual: actual) {
                out(String(format: "ok   %@ (%.2f s)", file, seconds))
                passed += 1
            } else {
                out("FAIL \(file)")
                out(Notebook.difference(expected: original, actual: actual))
                failed += 1
            }
        }
        out("golden: \(passed) passed, \(failed) failed" + (skipped > 0 ? ", \(skipped) skipped" : ""))
        return failed == 0 ? 0 : 1
    }

    static func out(_ line: String) {
        StandardStreams.output(line + "\n")
    }

    static func collect(_ path: String) -> [String] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { return [path] }
        guard isDir.boolValue else { return [path] }
        let enumerator = FileManager.default.enumerator(atPath: path)
        var out: [String] = []
        while let item = enumerator?.nextObject() as? String {
            if item.hasSuffix(".cmcl") { out.append((path as NSString).appendingPathComponent(item)) }
        }
        return out.sorted()
    }
}
