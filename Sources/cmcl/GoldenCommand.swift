import CMCLBase
import CMCLRuntime
import Foundation

/// `cmcl test`: checks (or, with --record, rewrites) golden notebooks.
enum GoldenCommand {
    static func run(_ args: [String]) -> Int32 {
        let record = args.contains("--record") || ProcessInfo.processInfo.environment["CMCL_RECORD"] == "1"
        let paths = args.filter { !$0.hasPrefix("--") }
        guard !paths.isEmpty else {
            FileHandle.standardError.write(Data("cmcl test: give notebooks or folders to check\n".utf8))
            return 64
        }
        var files: [String] = []
        for p in paths { files += collect(p) }
        var passed = 0, failed = 0, skipped = 0
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                print("FAIL \(file): cannot read")
                failed += 1
                continue
            }
            let original = String(decoding: data, as: UTF8.self)
            switch Notebook.requirement(in: original) {
            case .met: break
            case .missing(let why):
                print("skip \(file): \(why)")
                skipped += 1
                continue
            case .invalid(let why):
                print("FAIL \(file): \(why)")
                failed += 1
                continue
            }
            let start = Date()
            var text = original
            var actual = ""
            // Recording may shift line numbers quoted in diagnostics; repeat until stable.
            for _ in 0..<(record ? 3 : 1) {
                Interrupt.clear()
                let vm = Interpreter.session()
                vm.scriptArguments = []
                actual = Notebook.annotate(name: file, text: text, interpreter: vm)
                if !record || actual == text { break }
                text = actual
            }
            let seconds = Date().timeIntervalSince(start)
            if record { actual = Notebook.keepingApproximations(previous: original, recorded: actual) }
            if record {
                if actual != original {
                    do {
                        try AtomicFile.write(actual, to: file)
                        print("recorded \(file)")
                    } catch {
                        print("FAIL \(file): \(error)")
                        failed += 1
                        continue
                    }
                }
                passed += 1
            } else if Notebook.matches(expected: original, actual: actual) {
                print(String(format: "ok   %@ (%.2f s)", file, seconds))
                passed += 1
            } else {
                print("FAIL \(file)")
                print(Notebook.difference(expected: original, actual: actual))
                failed += 1
            }
        }
        print("golden: \(passed) passed, \(failed) failed, \(skipped) skipped")
        return failed == 0 ? 0 : 1
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
