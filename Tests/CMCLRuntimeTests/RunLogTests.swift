import CMCLLang
import Foundation
import Testing
@testable import CMCLRuntime

/// The run log never loses a run: appends after a torn last line, wrong-typed records reported
/// and not counted, non-finite metrics kept, and logs of the earlier format read as before.
@Suite struct RunLogTests {
    static func scratch() throws -> String {
        let dir = NSTemporaryDirectory() + "cmcl-runlog-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static func sweep(_ log: String, seeds: String = "[1, 2]") -> String {
        """
        let r = experiment([{name: "a"}], \(seeds), fn(c, s) => {acc: if s == 1 { 0 / 0 } else { -1 / 0 }}, log: \(StringEscape.quoted(log)), progress: false)
        print(len(r), r.rows.map(fn(x) => x.acc))
        """
    }

    @Test func anAppendAfterALineWithoutNewlineStartsANewLine() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let log = dir + "/runs.jsonl"
        // Another tool wrote a finished run without the final newline.
        try #"{"config": {"name": "a"}, "seed": 1, "status": "ok", "metrics": {"acc": 0.5}}"#.write(toFile: log, atomically: false, encoding: .utf8)
        let r = run(Self.sweep(log))
        #expect(r.errors.isEmpty, "\(r.errors)")
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2, "the seed-1 run was resumed, seed 2 appended on its own line")
        let again = run("let r = read_runs(\(StringEscape.quoted(log)))\nprint(len(r))")
        #expect(again.output == "2\n")
    }

    @Test func nonFiniteMetricsRoundTrip() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let log = dir + "/runs.jsonl"
        #expect(run(Self.sweep(log)).output == "2 [nan, -inf]\n")
        let text = try String(contentsOfFile: log, encoding: .utf8)
        #expect(text.contains("\"acc\": NaN") && text.contains("\"acc\": -Infinity"))
        // Resumed from the log: nothing re-run, the values read back.
        #expect(run(Self.sweep(log)).output == "2 [nan, -inf]\n")
        #expect(try String(contentsOfFile: log, encoding: .utf8) == text)
        let json = dir + "/v.json"
        #expect(printed("write_json({a: 0 / 0, b: 1 / 0, c: [-1 / 0]}, \(StringEscape.quoted(json)))\nprint(read_json(\(StringEscape.quoted(json))))")
                == "{a: nan, b: inf, c: [-inf]}\n")
    }

    @Test func wrongTypedRecordsAreReportedNotCounted() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let log = dir + "/runs.jsonl"
        let lines = [
            #"{"config": {"name": "a"}, "seed": 1, "status": 1, "metrics": {}}"#,
            #"{"config": {"name": "a"}, "seed": "2", "status": "ok", "metrics": {}}"#,
            #"{"config": {"name": "a"}, "seed": 3, "status": "ok", "metrics": [1]}"#,
            #"[1, 2]"#,
            #"{"config": {"name": "a"}, "seed": 4, "status": "ok", "metrics": {"acc": 1}, "seconds": null}"#,
        ]
        try (lines.joined(separator: "\n") + "\n").write(toFile: log, atomically: false, encoding: .utf8)
        let errors = OutputBuffer(), out = OutputBuffer()
        LargeStack.run {
            let vm = Interpreter.session(output: { out.text += $0 })
            vm.errorOutput = { errors.text += $0 }
            _ = vm.run(SourceFile(name: "t", text: "let r = read_runs(\(StringEscape.quoted(log)))\nprint(len(r))"))
        }
        let r = out.text
        #expect(r == "1\n")
        #expect(errors.text.contains("skipped 4 unreadable lines"), "\(errors.text)")
        #expect(errors.text.contains("line 1: `status` is 1, not a string"), "\(errors.text)")
        #expect(errors.text.contains("line 2: `seed`"), "\(errors.text)")
    }

    @Test func logsOfTheEarlierFormatReadAsBefore() throws {
        // Written by the code before this change: non-finite numbers as null, seconds rounded.
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let log = dir + "/runs.jsonl"
        let old = """
        {"config": {"name": "plain", "p": 0.1}, "name": "plain", "seed": 1, "status": "ok", "metrics": {"accuracy": 0.81, "loss": null}, "seconds": 1.25, "time": "2026-11-29T14:30:05Z", "cmcl": "cmcl 0.1.0"}
        {"config": {"name": "plain", "p": 0.1}, "name": "plain", "seed": 2, "status": "error", "metrics": {}, "error": "boom", "seconds": 0.5, "time": "2026-11-29T14:30:06Z", "cmcl": "cmcl 0.1.0"}

        """
        try old.write(toFile: log, atomically: false, encoding: .utf8)
        let out = printed("""
        let r = read_runs(\(StringEscape.quoted(log)))
        print(len(r), r[0].name, r[0].accuracy, r[0].loss, r[1].status, r[1].error, r[0].seconds)
        """)
        #expect(out == "2 plain 0.81 nil error boom 1.25\n")
    }
}
