import Foundation
import Testing
import CMCLLang

/// Runs `work` on a thread with a 1 GiB stack (as the cmcl executable does), for trees
/// whose teardown recurses once per level.
final class ResultBox<T>: @unchecked Sendable { var value: T? }

func onLargeStack<T: Sendable>(_ work: @escaping @Sendable () -> T) -> T {
    let box = ResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
        box.value = work()
        done.signal()
    }
    thread.stackSize = 1 << 30
    thread.start()
    done.wait()
    return box.value!
}

/// Source that is deeply nested, very long or not source at all: a bounded number of
/// diagnostics, quickly, and no crash.
@Suite("Hostile source")
struct HostileSourceTests {
    static func messages(_ text: String) -> [String] {
        Parser.parse(SourceFile(name: "t.cmcl", text: text)).diagnostics.map(\.message)
    }

    static let deep = 100_000
    static let nestings: [(String, String)] = [
        ("parentheses", String(repeating: "(", count: deep) + "1" + String(repeating: ")", count: deep)),
        ("brackets", String(repeating: "[", count: deep) + String(repeating: "]", count: deep)),
        ("records", String(repeating: "{a: ", count: deep) + "1" + String(repeating: "}", count: deep)),
        ("lambdas", String(repeating: "fn() => ", count: deep) + "1"),
        ("blocks", String(repeating: "fn() { ", count: deep) + String(repeating: "}", count: deep)),
        ("else-if chain", String(repeating: "if x {1} else ", count: deep) + "{2}"),
        ("loops", String(repeating: "for i in x { ", count: deep) + String(repeating: "}", count: deep)),
        ("minus signs", String(repeating: "-", count: deep) + "1"),
        ("nots", String(repeating: "not ", count: deep) + "x"),
        ("powers", Array(repeating: "2", count: deep).joined(separator: " ** ")),
        ("call arguments", String(repeating: "f(", count: deep) + String(repeating: ")", count: deep)),
    ]

    @Test(arguments: nestings.map(\.0))
    func nestingHasALimit(_ name: String) {
        let text = HostileSourceTests.nestings.first { $0.0 == name }!.1
        let found = HostileSourceTests.messages(text)
        #expect(found == ["code nested too deeply (more than \(Parser.maxNesting) levels)"], "\(name)")
    }

    @Test func nestingUpToTheLimitParses() {
        let n = Parser.maxNesting - 2
        let text = "let x = " + String(repeating: "[", count: n) + String(repeating: "]", count: n)
        #expect(HostileSourceTests.messages(text).isEmpty)
    }

    @Test func longChainsParseUpToTheirLimit() {
        let n = 50_000
        let found = onLargeStack {
            [HostileSourceTests.messages(Array(repeating: "1", count: n).joined(separator: " + ")),
             HostileSourceTests.messages("x" + String(repeating: " |> f", count: n)),
             HostileSourceTests.messages("x" + String(repeating: ".f()", count: n))]
        }
        #expect(found == [[], [], []])
    }

    @Test func tooLongChainsAreOneDiagnostic() {
        let n = Parser.maxHeight + 1
        let found = onLargeStack {
            [HostileSourceTests.messages(Array(repeating: "1", count: n).joined(separator: " + ")),
             HostileSourceTests.messages("x" + String(repeating: " |> f", count: n)),
             HostileSourceTests.messages("x" + String(repeating: ".a", count: n))]
        }
        let message = "expression too long (more than \(Parser.maxHeight) chained operations)"
        #expect(found == [[message], [message], [message]])
    }

    @Test func aRunOfBadCharactersIsOneDiagnostic() {
        let found = HostileSourceTests.messages(String(repeating: "$", count: 1_000_000))
        #expect(found == ["unexpected characters `$` (1000000 times)"])
        let nul = Parser.parse(SourceFile(name: "t.cmcl", text: String(repeating: "\0", count: 10_000))).diagnostics
        #expect(nul.map(\.message) == ["unexpected characters `\\u{0}` (10000 times)"])
        #expect(nul.first?.hint == "this looks like a binary file, not cmcl source")
        #expect(HostileSourceTests.messages("$ a $") == ["unexpected character `$`", "unexpected character `$`"])
    }

    @Test func errorsStopAfterABudget() {
        let found = HostileSourceTests.messages(String(repeating: "a $ ", count: 1000))
        #expect(found.count == Diagnostic.maxPerFile + 1)
        #expect(found.last?.hasPrefix("too many errors") == true)
        let syntax = HostileSourceTests.messages(String(repeating: "let = 1\n", count: 1000))
        #expect(syntax.count == Diagnostic.maxPerFile + 1)
    }

    @Test func binaryBytesGiveAFewLinesQuickly() {
        var bytes = [UInt8]()
        var state: UInt64 = 42
        for _ in 0..<4_000_000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            bytes.append(UInt8(truncatingIfNeeded: state >> 56))
        }
        let file = SourceFile(name: "t.bin", text: String(decoding: bytes, as: UTF8.self))
        let start = Date()
        let diagnostics = Parser.parse(file).diagnostics
        let rendered = diagnostics.map { DiagnosticRenderer().render($0) }.joined()
        #expect(Date().timeIntervalSince(start) < 10)
        #expect(diagnostics.count <= Diagnostic.maxPerFile + 1)
        #expect(rendered.utf8.count < 40_000)
        #expect(!rendered.utf8.contains(0))
    }

    @Test func longLinesAreQuotedAroundTheCaret() {
        let text = "let x = " + String(repeating: "a + ", count: 10_000) + "$ + 1"
        let d = Parser.parse(SourceFile(name: "t.cmcl", text: text)).diagnostics
        #expect(d.count == 1)
        let lines = DiagnosticRenderer().render(d[0]).split(separator: "\n")
        #expect(lines.allSatisfy { $0.count < 400 })
        let quoted = lines[3], caret = lines[4]
        let caretColumn = caret.firstIndex(of: "^").map { caret.distance(from: caret.startIndex, to: $0) }
        let dollarColumn = quoted.firstIndex(of: "$").map { quoted.distance(from: quoted.startIndex, to: $0) }
        #expect(caretColumn != nil && caretColumn == dollarColumn)
        #expect(quoted.contains("…"))
    }
}
