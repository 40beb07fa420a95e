import CMCLBase
import Foundation
import Testing
@testable import CMCLCompare

@Suite struct NestedDropoutTests {
    @Test func ratesFollowThePowerRule() throws {
        #expect(try NestedDropout.rate(0.1, step: 0) == 0)
        #expect(abs(try NestedDropout.rate(0.1, step: 1) - 0.1) < 1e-15)
        #expect(abs(try NestedDropout.rate(0.1, step: 2) - 0.19) < 1e-15)
        #expect(abs(try NestedDropout.rate(0.1, step: 3) - 0.271) < 1e-15)
        let rates = try NestedDropout.rates(0.3, steps: 4)
        #expect(rates.count == 5)
        #expect(zip(rates, rates.dropFirst()).allSatisfy { $0 < $1 })
        // Keeping (1 - p) at each step independently composes to (1 - p)^k.
        #expect(abs((1 - rates[4]) - 0.7 * 0.7 * 0.7 * 0.7) < 1e-15)
    }

    @Test func masksAreNestedAndScaled() throws {
        var rng = Xoshiro256StarStar(seed: 99)
        let u = (0..<5000).map { _ in rng.nextUnitFloat() }
        for p in [0.05, 0.1, 0.3, 0.5] {
            let masks = try NestedDropout.masks(uniforms: u, rate: p, steps: 5)
            #expect(masks[0].keep.allSatisfy { $0 })
            #expect(masks[0].scale == 1)
            for k in 0..<5 {
                let (outer, inner) = (masks[k].keep, masks[k + 1].keep)
                #expect(zip(outer, inner).allSatisfy { !$1 || $0 }, "kept at \(k + 1) must be kept at \(k)")
            }
            for k in 1...5 {
                let pk = 1 - pow(1 - p, Double(k))
                #expect(abs(Double(masks[k].scale) - 1 / (1 - pk)) < 1e-6)
                let multipliers = masks[k].multipliers
                for (keep, m) in zip(masks[k].keep, multipliers) { #expect(keep ? m == masks[k].scale : m == 0) }
            }
        }
    }

    @Test func droppedFractionConvergesToRate() throws {
        var rng = Xoshiro256StarStar(seed: 2024)
        let n = 200_000
        let u = (0..<n).map { _ in rng.nextUnitFloat() }
        for p in [0.1, 0.25] {
            for k in 1...4 {
                let mask = try NestedDropout.mask(uniforms: u, rate: p, step: k)
                let fraction = Double(mask.droppedCount) / Double(n)
                let pk = mask.rate
                // 5 binomial standard deviations.
                let tolerance = 5 * (pk * (1 - pk) / Double(n)).squareRoot()
                #expect(abs(fraction - pk) < tolerance, "p=\(p) k=\(k): \(fraction) vs \(pk)")
                // Kept units, rescaled, preserve the mean activation of ones.
                let mean = mask.multipliers.reduce(0) { $0 + Double($1) } / Double(n)
                #expect(abs(mean - 1) < 5 * (pk / (1 - pk) / Double(n)).squareRoot())
            }
        }
    }

    @Test func invalidInputsThrow() {
        #expect(throws: CompareError.invalidParameter(operation: "nested dropout", name: "rate", value: 1.0, requirement: "it must lie in [0, 1)")) { try NestedDropout.rate(1.0, step: 1) }
        #expect(throws: CompareError.invalidParameter(operation: "nested dropout", name: "rate", value: -0.1, requirement: "it must lie in [0, 1)")) { try NestedDropout.rate(-0.1, step: 1) }
        #expect(throws: CompareError.self) { try NestedDropout.rate(.nan, step: 1) }
        #expect(throws: CompareError.invalidCount(operation: "nested dropout", name: "step", value: -1, requirement: "it must lie in 0...4096")) { try NestedDropout.rate(0.1, step: -1) }
        #expect(throws: CompareError.invalidParameter(operation: "nested dropout mask", name: "uniforms[1]", value: 1.0, requirement: "draws must lie in [0, 1)")) { try NestedDropout.mask(uniforms: [0.5, 1.0], rate: 0.1, step: 1) }
        #expect(throws: CompareError.self) { try NestedDropout.mask(uniforms: [.nan], rate: 0.1, step: 1) }
        #expect(throws: CompareError.invalidParameter(operation: "nested dropout mask", name: "uniforms[0]", value: -0.009999999776482582, requirement: "draws must lie in [0, 1)")) { try NestedDropout.mask(uniforms: [-0.01], rate: 0.1, step: 1) }
    }

    @Test func randomMatchesPublishedAlgorithm() {
        // Expected words from an independent Python implementation of SplitMix64 / xoshiro256**
        // (SplitMix64(1234567) starts 6457827717110365317, the published test value).
        var zero = Xoshiro256StarStar(seed: 0)
        #expect((0..<4).map { _ in zero.next() } ==
            [11_091_344_671_253_066_420, 13_793_997_310_169_335_082, 1_900_383_378_846_508_768, 7_684_712_102_626_143_532])
        var answer = Xoshiro256StarStar(seed: 42)
        #expect((0..<4).map { _ in answer.next() } ==
            [1_546_998_764_402_558_742, 6_990_951_692_964_543_102, 12_544_586_762_248_559_009, 17_057_574_109_182_124_193])
    }

    @Test func randomHelpersStayInRange() {
        var rng = Xoshiro256StarStar(seed: 3)
        var counts = [Int](repeating: 0, count: 7)
        for _ in 0..<70_000 { counts[rng.uniformIndex(below: 7)] += 1 }
        #expect(counts.allSatisfy { abs($0 - 10_000) < 500 })
        #expect(rng.uniformIndex(below: 1) == 0)
        #expect(rng.uniformIndex(below: 0) == 0)
        let perm = rng.permutation(50)
        #expect(perm.sorted() == Array(0..<50))
        #expect((0..<1000).map { _ in rng.nextUnitFloat() }.allSatisfy { $0 >= 0 && $0 < 1 })
        var a = Xoshiro256StarStar(seed: 77), b = Xoshiro256StarStar(seed: 77)
        #expect(a.permutation(20) == b.permutation(20))
    }
}
