import CMCLBase
import Testing
@testable import CMCLCompare

@Suite struct CompareErrorTests {
    @Test func unknownTargetSuggestsCandidates() {
        #expect(throws: CompareError.unknownName(operation: "comparative loss", kind: "target", given: "bset", candidates: ["best"], valid: ["ultra", "best", "first"])) { try ComparativeLossConfig(mode: "cmp", target: "bset") }
        do {
            _ = try ComparativeLossConfig(mode: "cmp", target: "bset")
        } catch {
            guard case let .unknownName(_, kind, given, candidates, valid) = error else {
                Issue.record("wrong error \(error)")
                return
            }
            #expect(kind == "target")
            #expect(given == "bset")
            #expect(candidates.first == "best")
            #expect(valid == ["ultra", "best", "first"])
            #expect(error.description.contains("did you mean 'best'"))
        }
    }

    @Test func unknownNamesOfEveryKind() {
        for (mode, target, ranking, primary, kind) in [
            ("comparitive", "ultra", "pairwise", "max", "mode"),
            ("cmp", "ultra", "listwize", "max", "ranking"),
            ("reg", "ultra", "pairwise", "average", "primary"),
        ] {
            do {
                _ = try ComparativeLossConfig(mode: mode, target: target, ranking: ranking, primary: primary)
                Issue.record("expected an error for \(kind)")
            } catch {
                guard case let .unknownName(_, gotKind, _, candidates, _) = error else {
                    Issue.record("wrong error \(error)")
                    continue
                }
                #expect(gotKind == kind)
                #expect(!candidates.isEmpty, "\(kind): \(error)")
            }
        }
        // Nothing close: no candidates, but the valid names are listed.
        do {
            _ = try ComparativeLossConfig(mode: "zzzzzzzz")
        } catch {
            #expect(error.description.contains("valid: comparative"))
            #expect(!error.description.contains("did you mean"))
        }
    }

    @Test func namesAreCaseInsensitiveWithAliases() throws {
        let config = try ComparativeLossConfig(mode: "JUST_CMP", target: "First", ranking: "List", primary: "last")
        #expect(config.mode == .comparative)
        #expect(config.target == .first)
        #expect(config.ranking == .listwise)
        #expect(config.primary == .lst)
    }

    @Test func badTemperatureAndWeight() {
        for t in [0.0, -1.0, .nan, .infinity] {
            #expect(throws: CompareError.self) { try ComparativeLossConfig(temperature: t) }
        }
        for w in [-0.1, .nan, .infinity] {
            #expect(throws: CompareError.self) { try ComparativeLossConfig(mode: .regularize, weight: w) }
        }
        // A config mutated after creation is re-validated on use.
        var config = try? ComparativeLossConfig()
        config?.temperature = 0
        if let config {
            #expect(throws: CompareError.invalidParameter(operation: "comparative loss", name: "temperature", value: 0.0, requirement: "it must be finite and > 0")) {
                try ComparativeLoss.evaluate(losses: [[1.0, 2.0]], config: config)
            }
        }
    }

    @Test func badMatrices() throws {
        let config = try ComparativeLossConfig()
        #expect(throws: CompareError.tooFewVariants(operation: "comparative loss", columns: 1)) {
            try ComparativeLoss.evaluate(losses: [[1.0], [2.0]], config: config)
        }
        #expect(throws: CompareError.raggedRows(operation: "comparative loss", row: 1, expected: 2, got: 3)) {
            try ComparativeLoss.evaluate(losses: [[1.0, 2.0], [1.0, 2.0, 3.0]], config: config)
        }
        #expect(throws: CompareError.emptyBatch(operation: "comparative loss")) {
            try ComparativeLoss.evaluate(losses: [[Double]](), config: config)
        }
        #expect(throws: CompareError.shapeMismatch(operation: "comparative loss", count: 5, rows: 2, columns: 3)) {
            try ComparativeLoss.evaluate(losses: [1.0, 2, 3, 4, 5], rows: 2, columns: 3, config: config)
        }
        do {
            _ = try ComparativeLoss.evaluate(losses: [[1.0, 2.0], [3.0, .nan]], config: config)
            Issue.record("NaN accepted")
        } catch {
            guard case let .nonFinite(_, row, column, _) = error else {
                Issue.record("wrong error \(error)")
                return
            }
            #expect(row == 1 && column == 1)
            #expect(error.description.contains("row 1, column 1"))
        }
        #expect(throws: CompareError.self) {
            try ComparativeLoss.evaluate(losses: [Float.infinity, 1], rows: 1, columns: 2, config: config)
        }
        #expect(throws: CompareError.mismatchedShapes(operation: "span comparative loss", lhs: [2], rhs: [1])) {
            try ComparativeLoss.evaluateSpan(start: [1.0, 2.0], end: [1.0], rows: 1, columns: 2, config: config)
        }
        #expect(throws: CompareError.shapeMismatch(operation: "comparative loss", count: 2, rows: 9223372036854775807, columns: 2)) {
            try ComparativeLoss.evaluate(losses: [1.0, 2.0], rows: Int.max, columns: 2, config: config)
        }
    }

    @Test func didYouMeanDistance() {
        #expect(Suggestion.distance("kitten", "sitting") == 3)
        #expect(Suggestion.distance("", "abc") == 3)
        #expect(Suggestion.choices(for: "Best", among: ["best"]) == ["best"])
        #expect(Suggestion.choices(for: "frist", among: ["ultra", "best", "first"]) == ["first"])
        #expect(Suggestion.choices(for: "list", among: ["pairwise", "listwise"]) == ["listwise"])
        #expect(Suggestion.choices(for: "cls", among: ["classification", "regression", "span"]) == ["classification"])
        #expect(Suggestion.choices(for: "zzz", among: ["classification", "regression", "span"]).isEmpty)
        #expect(Suggestion.lookup("ULTRA", in: ComparativeLossConfig.targetNames) == .ultra)
    }
}
