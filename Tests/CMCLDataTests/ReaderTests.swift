import Testing
@testable import CMCLData

@Suite struct DelimitedReaderTests {
    @Test func unquotedTSVKeepsQuotesLiterally() throws {
        // No quoting: the tab inside quotes still splits, so that row has 3 fields.
        #expect(throws: DataError.malformed(file: "<text>", line: 2, column: 0, problem: "expected 2 fields, found 3")) {
            _ = try Table.parse(text: "a\tb\n\"x\tq\"\t2\r\nplain\t3", format: .tsv)
        }
        let ok = try Table.parse(text: "a\tb\n\"x\"\t2\r\nplain\t3", format: .tsv)
        #expect(ok.rows == [["\"x\"", "2"], ["plain", "3"]])
        #expect(ok.lines == [2, 3])
        #expect(ok.columns == ["a", "b"])
    }

    @Test func quotedCSV() throws {
        let text = "id,text,label\n1,\"hello, world\",pos\n2,\"say \"\"hi\"\"\nnext line\",neg\n3,plain,pos\n"
        let t = try Table.parse(text: text, format: .csv)
        #expect(t.rows.count == 3)
        #expect(t.rows[0] == ["1", "hello, world", "pos"])
        #expect(t.rows[1] == ["2", "say \"hi\"\nnext line", "neg"])
        #expect(t.lines == [2, 3, 5])
        #expect(try t.column("label") == ["pos", "neg", "pos"])
        #expect(throws: DataError.self) { _ = try t.column("nope") }
    }

    @Test func unterminatedQuoteIsAnError() {
        #expect(throws: DataError.self) {
            _ = try Table.parse(text: "a,b\n1,\"open\n", format: .csv)
        }
    }

    @Test func wrongColumnCountNamesLineAndCanBeSkipped() throws {
        let path = Paths.temporary("sentence\tlabel\ngood\t1\nbad row\nfine\t0\nx\ty\tz\n")
        do {
            _ = try Table.read(path: path)
            Issue.record("expected an error")
        } catch let error as DataError {
            #expect(error.description == "\(path):3: expected 2 fields, found 1")
        }
        let t = try Table.read(path: path, skipBadRows: true)
        #expect(t.rows == [["good", "1"], ["fine", "0"]])
        #expect(t.skipped == 2)
    }

    @Test func invalidUTF8IsReported() throws {
        var bytes = Array("text\tlabel\nok\t1\n".utf8)
        bytes += [0x62, 0xFF, 0xFE, 0x09, 0x30, 0x0A]
        let path = Paths.temporary(bytes)
        #expect(throws: DataError.malformed(file: path, line: 3, column: 0, problem: "invalid UTF-8 in field 1")) {
            _ = try Table.read(path: path)
        }
        #expect(try Table.read(path: path, skipBadRows: true).skipped == 1)
    }

    @Test func missingFileAndDirectory() {
        #expect(throws: DataError.unreadable(path: "/nonexistent/x.tsv", reason: "no such file")) {
            _ = try Table.read(path: "/nonexistent/x.tsv")
        }
        #expect(throws: DataError.self) { _ = try Table.read(path: Paths.fixtures.path) }
    }

    @Test func textTableLabels() throws {
        let path = Paths.temporary("sentence\tlabel\na\tpos\nb\tneg\nc\tmaybe\n")
        #expect(throws: DataError.self) {
            _ = try TextTable.read(path: path, text: "sentence", label: "label", labelNames: ["neg", "pos"])
        }
        let d = try TextTable.read(path: path, text: "sentence", label: "label", labelNames: ["neg", "pos"],
                                   skipBadRows: true)
        #expect(d.labels == [1, 0])
        #expect(d.skipped == 1)
        let inferred = try TextTable.read(path: path, text: "sentence", label: "label")
        #expect(inferred.labelNames == ["maybe", "neg", "pos"])
        let scores = Paths.temporary("s\tscore\na\t4.5\nb\toops\n")
        #expect(throws: DataError.self) {
            _ = try TextTable.read(path: scores, text: "s", label: "score", regression: true)
        }
    }
}

@Suite struct JSONTests {
    @Test func parsesValuesAndEscapes() throws {
        let v = try JSONValue.parse(text: #"{"a": [1, -2.5e2, true, false, null], "s": "q\"\\\/\n\u00e9\ud83d\ude00", "e": {}}"#)
        #expect(v["a"] == .array([.number(1), .number(-250), .bool(true), .bool(false), .null]))
        #expect(v["s"]?.string == "q\"\\/\né😀")
        #expect(v["e"] == .object([:]))
        #expect(v["a"]?[0]?.int == 1)
        #expect(v["a"]?[9] == nil)
    }

    @Test func truncatedJSONReportsLineAndColumn() throws {
        let path = Paths.temporary("{\n  \"data\": [1, 2,\n", name: "t.json")
        do {
            _ = try JSONValue.read(path: path)
            Issue.record("expected an error")
        } catch let DataError.malformed(file, line, _, problem) {
            #expect(file == path)
            #expect(line == 3)
            #expect(problem.contains("end of input"))
        }
        #expect(throws: DataError.self) { _ = try JSONValue.parse(text: "[1, 2] x") }
        #expect(throws: DataError.self) { _ = try JSONValue.parse(text: "{\"a\" 1}") }
        #expect(throws: DataError.self) { _ = try JSONValue.parse(text: "\"abc") }
        #expect(throws: DataError.self) { _ = try JSONValue.parse(text: "01x") }
        #expect(throws: DataError.self) { _ = try JSONValue.parse(text: String(repeating: "[", count: 10_000)) }
        #expect(throws: DataError.self) { _ = try JSONValue.parse(bytes: [0x22, 0xC3, 0x28, 0x22], source: "b") }
    }

    @Test func jsonLines() throws {
        let path = Paths.temporary("{\"a\": 1}\n\n{\"a\": 2}\n{broken\n[3]\n", name: "x.jsonl")
        #expect(throws: DataError.malformed(file: path, line: 4, column: 2, problem: "expected a string key")) {
            _ = try JSONValue.readLines(path: path)
        }
        let (values, skipped) = try JSONValue.readLines(path: path, skipBadLines: true)
        #expect(values == [.object(["a": .number(1)]), .object(["a": .number(2)]), .array([.number(3)])])
        #expect(skipped == 1)
    }

    @Test func agreesWithFoundationOnSQuADSample() throws {
        // Foundation's JSONSerialization as an independent parser.
        let path = Paths.fixture("squad-dev-sample.json")
        let ours = try JSONValue.read(path: path)
        let data = try #require(FileManager.default.contents(atPath: path))
        let theirs = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let a = try #require(theirs["data"] as? [[String: Any]])
        #expect(ours["data"]?.array?.count == a.count)
        let p = try #require((a[2]["paragraphs"] as? [[String: Any]])?[1])
        #expect(ours["data"]?[2]?["paragraphs"]?[1]?["context"]?.string == p["context"] as? String)
    }

    @Test(.enabled(if: DataFiles.squad, "SQuAD: \(DataFiles.absent)"))
    func agreesWithFoundationOnSQuAD() throws {
        let path = Paths.dataFile("squad/dev-v1.1.json")
        let ours = try JSONValue.read(path: path)
        let data = try #require(FileManager.default.contents(atPath: path))
        let theirs = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let a = try #require(theirs["data"] as? [[String: Any]])
        #expect(ours["data"]?.array?.count == a.count)
        let p = try #require((a[3]["paragraphs"] as? [[String: Any]])?[5])
        #expect(ours["data"]?[3]?["paragraphs"]?[5]?["context"]?.string == p["context"] as? String)
    }
}

import Foundation
