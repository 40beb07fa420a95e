import CMCLRuntime
import CMCLLang
import Foundation
import Testing
@testable import CMCLRepl

extension ReplTests {
    @Suite struct CompleterTests {
        let vm: Interpreter
        let completer: Completer

        init() {
            vm = Interpreter(registry: testRegistry())
            _ = vm.run(SourceFile(name: "setup", text: """
                let learning_rate = 0.1
                let learning_steps = 10
                let cfg = {epochs: 3, lr: 0.5, model: {layers: 2, width: 64}}
                let calls = []
                fn make() { calls.append(1); {x: 1} }
                """))
            vm.defineGlobal("box", .object(Box(width: 3)))
            completer = Completer(interpreter: vm)
        }

        func texts(_ line: String, cursor: Int? = nil) -> [String] {
            completer.complete(line, cursor: cursor ?? line.utf8.count).texts
        }

        @Test func builtinByPrefix() {
            let c = completer.complete("x = pri", cursor: 7)
            #expect(c.texts == ["print"])
            #expect(c.range == 4..<7)
            #expect(c.suffixIfUnique == "(")
        }

        @Test func keywordsAndVariables() {
            #expect(texts("whi") == ["while"])
            #expect(completer.complete("whi", cursor: 3).suffixIfUnique == " ")
            #expect(texts("print(learning_") == ["learning_rate", "learning_steps"])
            #expect(completer.complete("learning_r", cursor: 10).suffixIfUnique == "")
            #expect(texts("ma").contains("make"))
            #expect(texts("ma").contains("map"))
        }

        @Test func cursorInTheMiddleOfTheLine() {
            let c = completer.complete("cf + 1", cursor: 2)
            #expect(c.texts == ["cfg"])
            #expect(c.range == 0..<2)
        }

        @Test func recordFieldsAfterDot() {
            let c = completer.complete("cfg.e", cursor: 5)
            #expect(c.texts == ["epochs"], "own fields win over functions with the same prefix")
            #expect(c.range == 4..<5)
            #expect(texts("cfg.model.w") == ["width"])
            #expect(texts("cfg.l") == ["lr"])
            #expect(texts("cfg.le").contains("len"), "functions callable as methods when no field matches")
        }

        @Test func nativeFieldsPropertiesAndMethodsAfterDot() {
            let all = texts("box.")
            #expect(all.contains("width"))
            #expect(all.contains("scale"))
            #expect(all.contains("inner"))
            #expect(texts("box.ma").contains("map"), "global functions are callable as methods")
            #expect(!all.contains("while"), "keywords are not members")
            #expect(texts("box.sc") == ["scale"])
            #expect(completer.complete("box.sc", cursor: 6).suffixIfUnique == "(")
            #expect(completer.complete("box.wid", cursor: 7).suffixIfUnique == "", "a property is not called")
            #expect(texts("box.inner.de") == ["depth"])
        }

        @Test func neverCallsFunctionsToComplete() {
            #expect(texts("make().") == [])
            #expect(texts("make().x") == [])
            #expect(texts("cfg[0].e") == [])
            #expect(texts("1.5") == [])
            guard case .list(let calls)? = vm.global("calls") else {
                Issue.record("calls is not a list")
                return
            }
            #expect(calls.items.isEmpty)
        }

        @Test func unknownNamesCompleteToNothing() {
            #expect(texts("zzz") == [])
            #expect(texts("nosuch.a") == [])
            #expect(texts("cfg.nosuch.a") == [])
        }

        @Test func commands() {
            #expect(texts(":lo") == [":load"])
            #expect(texts(":") == MetaCommand.all.map { ":" + $0.name })
            #expect(completer.complete(":qu", cursor: 3).suffixIfUnique == " ")
            #expect(texts(":help rang") == ["range"])
            #expect(texts(":help Box.s") == ["Box.scale"])
            #expect(texts(":type cfg.ep") == ["epochs"])
            #expect(texts(":time learning_s") == ["learning_steps"])
        }

        @Test func filePathsInStringsAndCommands() throws {
            let dir = try temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: dir) }
            try Data().write(to: dir.appendingPathComponent("data.txt"))
            try Data().write(to: dir.appendingPathComponent("dates.csv"))
            try Data().write(to: dir.appendingPathComponent(".hidden"))
            try FileManager.default.createDirectory(at: dir.appendingPathComponent("dir"), withIntermediateDirectories: true)
            let local = Completer(interpreter: vm, workingDirectory: dir.path)

            let line = "let d = read(\"da"
            let c = local.complete(line, cursor: line.utf8.count)
            #expect(c.texts == ["data.txt", "dates.csv"])
            #expect(c.range == 14..<16)
            #expect(local.complete("f('data", cursor: 7).suffixIfUnique == "'", "a unique file closes the string")
            #expect(local.complete(":load data", cursor: 10).suffixIfUnique == "")
            #expect(local.complete("f('di", cursor: 5).texts == ["dir/"])
            #expect(local.complete("f('di", cursor: 5).suffixIfUnique == "")
            #expect(local.complete("f(\"", cursor: 3).texts == ["data.txt", "dates.csv", "dir/"])
            #expect(local.complete("f(\".h", cursor: 5).texts == [".hidden"])
            let absolute = "f(\"\(dir.path)/dat"
            #expect(local.complete(absolute, cursor: absolute.utf8.count).texts
                    == ["\(dir.path)/data.txt", "\(dir.path)/dates.csv"])
            #expect(local.complete(":load da", cursor: 8).texts == ["data.txt", "dates.csv"])
            #expect(local.complete(":save di", cursor: 8).range == 6..<8)
            // A closed string is code again; a `#` comment's quote opens nothing.
            #expect(local.complete("f(\"x\") + lea", cursor: 12).texts == ["learning_rate", "learning_steps"])
            #expect(local.openStringStart(Array("x # \"da".utf8), from: 0) == nil)
            #expect(local.openStringStart(Array("f(\"a\\\"b".utf8), from: 0) == 2)
        }

        /// Inside a call, its named arguments (not yet given) come first; a string argument
        /// with known values completes them.
        @Test func namedArgumentsAndArgumentValues() {
            #expect(texts("fit(m, d, ep") == ["epochs:"])
            #expect(completer.complete("fit(m, d, ep", cursor: 12).suffixIfUnique == " ")
            #expect(texts("fit(m, d, epochs: 2, e").contains("eval:"))
            #expect(!texts("fit(m, d, epochs: 2, e").contains("epochs:"), "already given")
            #expect(texts("fit(m, [1, (2)], ba") == ["batch:"])
            #expect(texts("print(ep") == ["eprint"], "print has no argument named ep…")
            #expect(texts("glue(\"ss") == ["sst2"])
            #expect(texts("glue(\"") .contains("mnli"))
            #expect(completer.complete("glue(\"ss", cursor: 8).suffixIfUnique == "\"")
        }

        @Test func readlineWordReconciliation() {
            let bytes = Array("f(\"data/x.t".utf8)
            let completion = Completion(range: 3..<bytes.count,
                                        candidates: [Candidate("data/x.txt", .file), Candidate("data/y.txt", .file)])
            // readline broke the word at the `.`: candidates are cut to what follows it.
            #expect(LineReader.reconcile(completion, bytes: bytes, readlineStart: 10) == ["txt"])
            // readline's word starts earlier: the missing text is put back.
            #expect(LineReader.reconcile(completion, bytes: bytes, readlineStart: 2) == ["\"data/x.txt", "\"data/y.txt"])
            #expect(LineReader.commonPrefix(["learning_rate", "learning_steps"]) == "learning_")
            #expect(LineReader.commonPrefix(["é1", "é2"]) == "é")
            #expect(LineReader.commonPrefix(["é", "è"]) == "", "a split character is dropped")
            #expect(LineReader.readlinePrompt("\u{1B}[32mIn\u{1B}[0m") == "\u{1}\u{1B}[32m\u{2}In\u{1}\u{1B}[0m\u{2}")
        }
    }
}
