import Foundation
import Testing
@testable import CMCLRuntime

@Suite struct NotebookRequirementsTests {
    @Test func headerDeclaresRequirements() {
        let r = NotebookRequirements(text: "# A notebook.\n# requires: data, model:minilm-l6\n#requires: slow\nlet x = 1\n# requires: ignored")
        #expect(r.items == ["data", "model:minilm-l6", "slow"])
        #expect(NotebookRequirements(text: "let x = 1\n# requires: data").items.isEmpty)
    }

    @Test func unmetRequirementsAreNamed() {
        let r = NotebookRequirements(text: "# requires: data, model:minilm-l6, slow, gpu")
        let env = ["CMCL_DATA": "/nonexistent/data", "CMCL_MODELS": "/nonexistent/models"]
        let unmet = r.unmet(environment: env)
        #expect(unmet.count == 4)
        #expect(unmet[0].contains("/nonexistent/data") && unmet[1].contains("scripts/fetch-model minilm-l6"))
        #expect(unmet[2].contains("CMCL_SLOW=1") && unmet[3].contains("unknown requirement 'gpu'"))
        let slowOnly = NotebookRequirements(text: "# requires: slow")
        #expect(slowOnly.unmet(environment: ["CMCL_SLOW": "1"]).isEmpty && slowOnly.unmet(environment: [:], slow: true).isEmpty)
        #expect(NotebookRequirements(text: "# requires: data").unmet(environment: ["CMCL_DATA": NSTemporaryDirectory()]).isEmpty)
    }

    @Test func dataRequiresTheFilesTheNotebookReads() throws {
        let dir = NSTemporaryDirectory() + "cmcl-req-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir + "/squad", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "{}".write(toFile: dir + "/squad/dev.json", atomically: false, encoding: .utf8)
        let text = "# requires: data\nlet a = squad(data_dir(\"squad/dev.json\"))\nlet b = read_json(data_dir(\"hotpot/dev.json\"))\n"
        let r = NotebookRequirements(text: text)
        #expect(r.dataFiles == ["squad/dev.json", "hotpot/dev.json"])
        let unmet = r.unmet(environment: ["CMCL_DATA": dir])
        #expect(unmet.count == 1 && unmet[0].hasPrefix("hotpot/dev.json in the data folder"), "\(unmet)")
    }
}
