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

/// The span (start/end) loss of the reference QA model, value and both gradients, computed by the
/// reference code with its pinned torch's tie rule (scripts/gen_compare_fixtures.py).
@Suite struct SpanComparativeLossReferenceTests {
    static let cases: [SpanReferenceCase] =
        (try? Fixtures.decode(SpanReferenceFile.self, from: "cmploss_span_cases.json").cases) ?? []

    @Test func fixtureHasEnoughCases() {
        #expect(Self.cases.count >= 30)
        // Ties are present, so the tie rule is exercised.
        #expect(Self.cases.allSatisfy { Set($0.start[0]).count == 1 })
    }

    @Test(arguments: 0..<39)
    func spanCase(_ index: Int) throws {
        try #require(index < Self.cases.count)
        let reference = Self.cases[index]
        let c = reference.config
        let config = try ComparativeLossConfig(justCompare: c.just_cmp, target: c.target, listwise: c.listwise,
                                               temperature: c.temp, weight: c.weight, primary: c.primary,
                                               schedule: c.schedule)
        let rows = reference.start.count, columns = reference.n_ablations + 1
        let result = try ComparativeLoss.evaluateSpan(start: reference.start.flatMap { $0 }, end: reference.end.flatMap { $0 },
                                                      rows: rows, columns: columns, config: config)
        #expect(abs(result.loss - reference.loss) <= 1e-6, "case \(index): \(result.loss) vs \(reference.loss)")
        for (k, (got, want)) in zip(result.startGradient, reference.start_grad.flatMap { $0 }).enumerated() {
            #expect(abs(got - want) <= 1e-6, "case \(index) start grad[\(k / columns)][\(k % columns)]: \(got) vs \(want)")
        }
        for (k, (got, want)) in zip(result.endGradient, reference.end_grad.flatMap { $0 }).enumerated() {
            #expect(abs(got - want) <= 1e-6, "case \(index) end grad[\(k / columns)][\(k % columns)]: \(got) vs \(want)")
        }
    }

    /// `schedule` leaves the ranking term out while the batch-mean primary loss exceeds 1.1.
    @Test func scheduleDropsRankingAboveThreshold() throws {
        let on = try ComparativeLossConfig(mode: .regularize, weight: 1, primary: .fst, schedule: true)
        let high = try ComparativeLoss.evaluate(losses: [[2.0, 1.0]], config: on)
        #expect(high.loss == 2.0 && high.gradient == [1.0, 0.0])
        let low = try ComparativeLoss.evaluate(losses: [[0.9, 0.5]], config: on)
        #expect(abs(low.loss - (0.9 + 0.4)) < 1e-12)
    }
}
