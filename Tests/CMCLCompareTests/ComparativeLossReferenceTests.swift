import Testing
@testable import CMCLCompare

/// Every case of the reference fixture (generated independently in float64), value and gradient.
@Suite struct ComparativeLossReferenceTests {
    static let cases: [ReferenceCase] = (try? Fixtures.decode(ReferenceFile.self, from: "cmploss_cases.json").cases) ?? []

    @Test func fixtureHasAllCases() {
        #expect(Self.cases.count == 112)
    }

    @Test(arguments: 0..<112)
    func referenceCase(_ index: Int) throws {
        try #require(index < Self.cases.count)
        let reference = Self.cases[index]
        let c = reference.config
        let config = try ComparativeLossConfig(
            justCompare: c.just_cmp, target: c.target ?? "ultra", listwise: c.listwise,
            temperature: c.temp, weight: c.weight ?? 1, primary: c.primary ?? "max")
        #expect(reference.losses.allSatisfy { $0.count == reference.n_ablations + 1 })
        let result = try ComparativeLoss.evaluate(losses: reference.losses, config: config)
        #expect(abs(result.loss - reference.loss) <= 1e-6, "case \(index): \(result.loss) vs \(reference.loss)")
        let expected = reference.grad.flatMap { $0 }
        #expect(result.gradient.count == expected.count)
        for (k, (got, want)) in zip(result.gradient, expected).enumerated() {
            #expect(abs(got - want) <= 1e-6, "case \(index) grad[\(k / result.columns)][\(k % result.columns)]")
        }
        // The breakdown is consistent with the total.
        let mean = result.perExample.reduce(0, +) / Double(result.rows)
        #expect(abs(mean - result.loss) <= 1e-12)
        let combined = config.mode == .comparative
            ? result.rankingTerm : result.primaryTerm + config.weight * result.rankingTerm
        #expect(abs(combined - result.loss) <= 1e-12)
    }

    @Test func floatScalarsAgreeWithDouble() throws {
        try #require(!Self.cases.isEmpty)
        for reference in Self.cases.prefix(16) {
            let c = reference.config
            let config = try ComparativeLossConfig(
                justCompare: c.just_cmp, target: c.target ?? "ultra", listwise: c.listwise,
                temperature: c.temp, weight: c.weight ?? 1, primary: c.primary ?? "max")
            let floats = reference.losses.map { $0.map { Float($0) } }
            let result = try ComparativeLoss.evaluate(losses: floats, config: config)
            #expect(abs(Double(result.loss) - reference.loss) <= 1e-5)
        }
    }
}
