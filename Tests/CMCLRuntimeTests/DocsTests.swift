import CMCLLang
import Foundation
import Testing
@testable import CMCLRuntime

/// Every ```cmcl block of docs/*.md runs as a golden notebook: without errors unless it shows
/// them, and printing what its `# > ` lines say.
@Suite("Code in the documentation")
struct DocsTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    struct Block: CustomTestStringConvertible {
        var document: String
        var line: Int
        var code: String
        var testDescription: String { "\(document):\(line)" }
    }

    static func blocks() -> [Block] {
        let docs = root.appendingPathComponent("docs")
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: docs.path)) ?? []).filter { $0.hasSuffix(".md") }.sorted()
        var out: [Block] = []
        for name in names {
            guard let text = try? String(contentsOf: docs.appendingPathComponent(name), encoding: .utf8),
                  !text.hasPrefix(NotebookDocument.markdownMarker) else { continue }  // a notebook's rendering
            var current: (line: Int, lines: [String])?
            for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                if current == nil, line == "```cmcl" {
                    current = (i + 2, [])
                } else if let c = current, line.hasPrefix("```") {
                    out.append(Block(document: "docs/\(name)", line: c.line, code: c.lines.joined(separator: "\n")))
                    current = nil
                } else if current != nil {
                    current?.lines.append(String(line))
                }
            }
        }
        return out
    }

    @Test func docsHaveRunnableBlocks() {
        let documents = Set(Self.blocks().map(\.document))
        #expect(documents.isSuperset(of: ["docs/language.md", "docs/experiments.md", "docs/comparative-loss.md"]))
    }

    @Test(arguments: blocks())
    func blockRunsAsDocumented(_ block: Block) {
        Interrupt.clear()
        let vm: Interpreter = LargeStack.run { Interpreter.session() }
        // Blocks are named demo.cmcl, as the golden-notebook example in language.md shows.
        let code = block.code
        let actual: String = LargeStack.run { Notebook.annotate(name: "demo.cmcl", text: code, interpreter: vm) }
        if !Notebook.matches(expected: code, actual: actual) {
            let difference = Notebook.difference(expected: code, actual: actual)
            Issue.record("\(block.document):\(block.line) differs from what it shows:\n\(difference)")
        }
    }
}
