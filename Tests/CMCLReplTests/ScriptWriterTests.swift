import CMCLLang
import CMCLRuntime
import Foundation
import Testing
@testable import CMCLRepl

extension ReplTests {
    @Suite struct ScriptWriterTests {
        @Test func bindsTheLastExpression() {
            #expect(ScriptWriter.binding("let a = 1\na * 2  # twice", name: "_2") == "let a = 1\nlet _2 = a * 2  # twice")
            #expect(ScriptWriter.binding("let a = 1", name: "_1") == "let a = 1")
            #expect(ScriptWriter.binding("if true { 1 } else { 2 }", name: "_4") == "let _4 = if true { 1 } else { 2 }")
        }

        /// `:save` writes the successful cells as they were typed, the values they showed as
        /// `# Out[N]:` comments, and binds `_N` / `_` only where a later cell reads them; the
        /// script runs and prints what the session's `print` calls printed.
        @Test func savedScriptIsWhatWasTyped() throws {
            let dir = try temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: dir) }
            let s = Captured()
            let cells = [
                "let xs = [3, 1, 2]",
                "sorted(xs)",
                "undefined_name + 1",
                "fn scale(v, k: 2) {\n  v * k\n}",
                "scale(_2[0], k: 10)",
                "error(\"this cell fails\")",
                "print(\"sum\", sum(xs))",
                "{best: _5, n: len(xs)}",
                "_ ",
                "len(xs) * 2",
            ]
            for cell in cells { _ = s.submit(cell) }
            let path = dir.appendingPathComponent("session.cmcl").path
            #expect(s.submit(":save \(path)").out == "saved 8 cells to \(path)\n")
            let script = try String(contentsOfFile: path, encoding: .utf8)
            #expect(!script.contains("undefined_name"))
            #expect(!script.contains("this cell fails"))
            for typed in ["let xs = [3, 1, 2]", "fn scale(v, k: 2) {\n  v * k\n}", "print(\"sum\", sum(xs))", "\nlen(xs) * 2\n"] {
                #expect(script.contains(typed), "\(typed)")
            }
            for bound in ["let _2 = sorted(xs)", "let _5 = scale(_2[0], k: 10)", "let _ = {best: _5, n: len(xs)}"] {
                #expect(script.contains(bound), "\(bound)")
            }
            #expect(!script.contains("let _10"))
            for shown in ["# Out[2]: [1, 2, 3]", "# Out[5]: 10", "# Out[10]: 6"] { #expect(script.contains(shown), "\(shown)") }

            var replayed = ""
            let vm = Interpreter.session(output: { replayed += $0 })
            let result = vm.run(SourceFile(name: path, text: script))
            #expect(result.diagnostics.isEmpty)
            #expect(replayed == "sum 6\n")
        }
    }

    @Suite struct CellInputTests {
        @Test func continuesUntilBracketsClose() {
            var input = CellInput()
            #expect(input.add("fn f(x) {") == .needsMore)
            #expect(input.isContinuing)
            #expect(input.add("  let y = [x,") == .needsMore)
            #expect(input.add("    2]") == .needsMore)
            #expect(input.add("  y") == .needsMore)
            #expect(input.add("}") == .complete("fn f(x) {\n  let y = [x,\n    2]\n  y\n}"))
            #expect(!input.isContinuing)
        }

        @Test func blankLineEndsACell() {
            var input = CellInput()
            #expect(input.add("   ") == .empty)
            #expect(input.add("print(1,") == .needsMore)
            #expect(input.add("") == .complete("print(1,"))
        }

        @Test func blankLinesInsideBracesKeepTheCellOpen() {
            var input = CellInput()
            #expect(input.add("fn f(x) {") == .needsMore)
            #expect(input.add("  let y = x") == .needsMore)
            #expect(input.add("") == .needsMore, "a pasted function may have blank lines")
            #expect(input.add("  y + 1") == .needsMore)
            #expect(input.add("}") == .complete("fn f(x) {\n  let y = x\n\n  y + 1\n}"))
            #expect(input.add("fn g() {") == .needsMore)
            #expect(input.add("") == .needsMore)
            #expect(input.add("") == .complete("fn g() {\n"), "two blank lines end an unfinished cell")
        }

        @Test func completeLinesAndCommandsRunAtOnce() {
            var input = CellInput()
            #expect(input.add("1 + 2") == .complete("1 + 2"))
            #expect(input.add(":help {") == .complete(":help {"))
            #expect(input.add("x)") == .complete("x)"), "a real syntax error is not incomplete input")
            #expect(input.add("let s = \"abc") == .complete("let s = \"abc"), "an unclosed string is an error at once")
            #expect(input.add("1 + \\") == .needsMore)
        }
    }

    @Suite struct HistoryFileTests {
        @Test func roundTripsMultiLineEntries() throws {
            let dir = try temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: dir) }
            let history = HistoryFile(path: dir.appendingPathComponent("h").path, limit: 10)
            #expect(history.load() == [])
            let entries = ["let x = 1", "fn f(a) {\n  a\n}", "print(\"a\\nb\")", "ünïcode \\", "x\r\n"]
            for e in entries { history.append(e) }
            #expect(history.load() == entries)
            let raw = try String(contentsOfFile: history.path, encoding: .utf8)
            #expect(raw.split(separator: "\n").count == entries.count)
        }

        @Test func isCappedToTheNewestEntries() throws {
            let dir = try temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: dir) }
            let history = HistoryFile(path: dir.appendingPathComponent("h").path, limit: 3)
            for i in 1...5 { history.append("cell \(i)") }
            #expect(history.load() == ["cell 3", "cell 4", "cell 5"])
            let raw = try String(contentsOfFile: history.path, encoding: .utf8)
            #expect(raw == "cell 3\ncell 4\ncell 5\n", "the file is rewritten at the cap")
        }

        @Test func locationAndSizeFromTheEnvironment() {
            #expect(HistoryFile.defaultPath(environment: ["CMCL_HISTORY": "/tmp/h", "HOME": "/home/u"]) == "/tmp/h")
            #expect(HistoryFile.defaultPath(environment: ["HOME": "/home/u"]) == "/home/u/.cmcl_history")
            #expect(HistoryFile.defaultLimit(environment: ["CMCL_HISTORY_SIZE": "50"]) == 50)
            #expect(HistoryFile.defaultLimit(environment: ["CMCL_HISTORY_SIZE": "many"]) == 1000)
        }
    }
}

extension ReplTests {
    /// `:save` never replaces a file this session did not write, nor one with more cells.
    @Suite struct SaveGuardTests {
        @Test func freshSessionDoesNotReplaceAnExistingNotebook() throws {
            let dir = try temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: dir) }
            let path = dir.appendingPathComponent("notes.cmcl").path
            let notebook = (1...100).map { "let x\($0) = \($0)" }.joined(separator: "\n") + "\n"
            try notebook.write(toFile: path, atomically: false, encoding: .utf8)

            let s = Captured()
            let refused = s.submit(":save \(path)")
            #expect(refused.out.isEmpty)
            #expect(refused.err.contains("which this session did not write") && refused.err.contains(":save! \(path)"))
            #expect(try String(contentsOfFile: path, encoding: .utf8) == notebook)

            _ = s.submit("let a = 1")
            #expect(s.submit(":save! \(path)").out == "saved 1 cell to \(path)\n")
            _ = s.submit("let b = 2")
            // Written by this session and unchanged since: replaced without asking.
            #expect(s.submit(":save \(path)").out == "saved 2 cells to \(path)\n")
            #expect(try String(contentsOfFile: path, encoding: .utf8).contains("let b = 2"))
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["notes.cmcl"])
        }

        @Test func fewerCellsOrAChangedFileNeedForce() throws {
            let dir = try temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: dir) }
            let path = dir.appendingPathComponent("s.cmcl").path
            let s = Captured()
            _ = s.submit("let a = 1")
            _ = s.submit("let b = 2")
            #expect(s.submit(":save \(path)").out == "saved 2 cells to \(path)\n")
            _ = s.submit(":reset")
            _ = s.submit("let c = 3")
            let fewer = s.submit(":save \(path)")
            #expect(fewer.err.contains("(2 cells) with 1 cell"))
            #expect(try String(contentsOfFile: path, encoding: .utf8).contains("let b = 2"))
            #expect(s.submit(":save \(path) --force").out == "saved 1 cell to \(path)\n")

            // Someone else rewrites the file: it is no longer this session's.
            try "let mine = 1\n".write(toFile: path, atomically: true, encoding: .utf8)
            _ = s.submit("let d = 4")
            #expect(s.submit(":save \(path)").err.contains("which this session did not write"))
            #expect(try String(contentsOfFile: path, encoding: .utf8) == "let mine = 1\n")
        }
    }
}
