import CMCLBase
import Testing
@testable import CMCLCompare

@Suite struct ComparativeLossGradientTests {
    /// Configurations whose target is constant (ultra) or absent (regularize): the loss is then an
    /// ordinary function of the losses and the finite difference must match the analytic gradient.
    static var configs: [ComparativeLossConfig] {
        var result = [ComparativeLossConfig]()
        for ranking in ComparativeLossConfig.Ranking.allCases {
            for t in [0.5, 1.0, 2.0] {
                result.append(try! ComparativeLossConfig(mode: .comparative, target: .ultra, ranking: ranking,
                                                         temperature: t))
                for primary in ComparativeLossConfig.Primary.allCases {
                    result.append(try! ComparativeLossConfig(mode: .regularize, ranking: ranking, temperature: t,
                                                             weight: 0.7, primary: primary))
                }
            }
        }
        return result
    }

    @Test func analyticGradientMatchesFiniteDifferences() throws {
        var rng = Xoshiro256StarStar(seed: 11)
        for config in Self.configs {
            for columns in 2...5 {
                let rows = 3
                let x = separatedLosses(rows: rows, columns: columns, rng: &rng)
                let result = try ComparativeLoss.evaluate(losses: x, rows: rows, columns: columns, config: config)
                let numeric = try finiteDifference(x) {
                    try ComparativeLoss.evaluate(losses: $0, rows: rows, columns: columns, config: config).loss
                }
                #expect(maxAbsDifference(result.gradient, numeric) < 1e-6, "\(config) c=\(columns - 1)")
            }
        }
    }

    @Test(arguments: ComparativeLossConfig.Ranking.allCases)
    func rankingKernelsMatchFiniteDifferences(_ ranking: ComparativeLossConfig.Ranking) {
        var rng = Xoshiro256StarStar(seed: 5)
        for n in 2...7 {
            let e = separatedLosses(rows: 1, columns: n, rng: &rng).map { -$0 }
            let f: ([Double]) -> (value: Double, gradient: [Double]) =
                ranking == .pairwise ? { RankingLoss.pairwise($0) } : { RankingLoss.listwise($0) }
            let numeric = finiteDifference(e) { f($0).value }
            #expect(maxAbsDifference(f(e).gradient, numeric) < 1e-7, "n=\(n)")
        }
    }

    @Test func detachedTargetGetsNoGradient() throws {
        // With target best/first the gradient equals that of the ranking over [e..., fixed target].
        var rng = Xoshiro256StarStar(seed: 21)
        for target in [ComparativeLossConfig.Target.best, .first] {
            for ranking in ComparativeLossConfig.Ranking.allCases {
                let config = try ComparativeLossConfig(mode: .comparative, target: target, ranking: ranking,
                                                       temperature: 0.8)
                let x = separatedLosses(rows: 1, columns: 4, rng: &rng)
                let effects = x.map { -$0 / 0.8 }
                let fixed = ComparativeLoss.targetEffect(effects, target: target)
                let numeric = finiteDifference(x, step: 1e-7) { l in
                    let e = l.map { -$0 / 0.8 } + [fixed]
                    return ranking == .pairwise ? RankingLoss.pairwise(e).value : RankingLoss.listwise(e).value
                }
                let result = try ComparativeLoss.evaluate(losses: x, rows: 1, columns: 4, config: config)
                // One-sided kinks sit exactly at the tie with the target; compare away from it:
                // the tie has subgradient 0, the finite difference averages 0 and -1/(P T).
                let best = effects.indices.max { effects[$0] < effects[$1] } ?? 0
                for k in 0..<4 where !(ranking == .pairwise && effects[k] == fixed) && k != best {
                    #expect(abs(result.gradient[k] - numeric[k]) < 1e-5, "\(config) k=\(k)")
                }
            }
        }
    }

    @Test func handWorkedPairwiseExample() throws {
        // e = [-0.2, -1.4, 0] (ultra, T = 1): pairs (0,1): 0, (0,2): 0.2, (1,2): 1.4 -> 1.6 / 3.
        let config = try ComparativeLossConfig(mode: .comparative, target: .ultra)
        let r = try ComparativeLoss.evaluate(losses: [[0.2, 1.4]], config: config)
        #expect(abs(r.loss - 1.6 / 3) < 1e-15)
        #expect(abs(r.gradient[0] - 1.0 / 3) < 1e-15)   // only pair (0, target) is active for l_0
        #expect(abs(r.gradient[1] - 1.0 / 3) < 1e-15)   // pair (1, target)
        #expect(r.violations == 0)
    }

    @Test func violationsCountAblatedVariantsThatDoBetter() throws {
        let config = try ComparativeLossConfig(mode: .regularize, primary: .fst)
        // Row 0 ordered (no violation); row 1: 1 < 2 and 0.5 < 2, 0.5 < 1 -> 3 violations.
        let r = try ComparativeLoss.evaluate(losses: [[0.1, 0.2, 0.3], [2.0, 1.0, 0.5]], config: config)
        #expect(r.violationsPerExample == [0, 3])
        #expect(r.violations == 3)
        #expect(r.pairsPerExample == 3)
        #expect(abs(r.violationRate - 0.5) < 1e-15)
        #expect(abs(r.primaryTerm - 1.05) < 1e-15)
        #expect(r.gradient(row: 1)?.count == 3)
        #expect(r.gradient(row: 2) == nil)
    }

    @Test func spanWithEqualStartAndEndEqualsSingleLoss() throws {
        var rng = Xoshiro256StarStar(seed: 8)
        let configs = Self.configs + [
            try ComparativeLossConfig(mode: .comparative, target: .best),
            try ComparativeLossConfig(mode: .comparative, target: .first, ranking: .listwise),
        ]
        for config in configs {
            let x = separatedLosses(rows: 2, columns: 3, rng: &rng)
            let single = try ComparativeLoss.evaluate(losses: x, rows: 2, columns: 3, config: config)
            let span = try ComparativeLoss.evaluateSpan(start: x, end: x, rows: 2, columns: 3, config: config)
            #expect(abs(single.loss - span.loss) < 1e-12, "\(config)")
            let summed = zip(span.startGradient, span.endGradient).map { $0 + $1 }
            #expect(maxAbsDifference(summed, single.gradient) < 1e-12, "\(config)")
        }
    }

    @Test func spanGradientMatchesFiniteDifferences() throws {
        var rng = Xoshiro256StarStar(seed: 9)
        for config in Self.configs {
            let rows = 2, columns = 3
            let s = separatedLosses(rows: rows, columns: columns, rng: &rng)
            let t = separatedLosses(rows: rows, columns: columns, rng: &rng)
            // Keep (s + t) / 2 free of ties for primary = max.
            let r = try ComparativeLoss.evaluateSpan(start: s, end: t, rows: rows, columns: columns, config: config)
            let numericS = try finiteDifference(s) {
                try ComparativeLoss.evaluateSpan(start: $0, end: t, rows: rows, columns: columns, config: config).loss
            }
            let numericT = try finiteDifference(t) {
                try ComparativeLoss.evaluateSpan(start: s, end: $0, rows: rows, columns: columns, config: config).loss
            }
            #expect(maxAbsDifference(r.startGradient, numericS) < 1e-6, "\(config)")
            #expect(maxAbsDifference(r.endGradient, numericT) < 1e-6, "\(config)")
        }
    }
}
