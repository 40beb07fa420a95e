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
}
