import CMCLBase
import CMCLNN
import CMCLTensor
import Foundation
import Testing
@testable import CMCLCompare

@Suite struct ComparativeLossOpTests {
    /// Configurations whose loss is an ordinary function of the losses. (Targets `best` and
    /// `first` are detached by design, so finite differences, which see the target move, do not
    /// apply; their op gradients are compared with the core's in `detachedTargetsMatchTheCore`.)
    static let configs: [ComparativeLossConfig] = {
        var list = [ComparativeLossConfig]()
        for target in ["ultra"] {
            for ranking in ["pairwise", "listwise"] {
                if let c = try? ComparativeLossConfig(mode: "cmp", target: target, ranking: ranking, temperature: 0.7) { list.append(c) }
            }
        }
        for primary in ["max", "avg", "fst", "lst"] {
            if let c = try? ComparativeLossConfig(mode: "reg", ranking: "listwise", weight: 0.5, primary: primary) { list.append(c) }
        }
        return list
    }()

    @Test(arguments: configs)
    func opGradientMatchesFiniteDifferencesInFloat64(config: ComparativeLossConfig) throws {
        var rng = Xoshiro256StarStar(seed: 11)
        let values = separatedLosses(rows: 4, columns: 4, rng: &rng)
        let x = try Tensor(doubles: values, shape: [4, 4])
        let report = try GradientCheck.check([x]) { xs in try ComparativeLoss.loss(xs[0], config: config).value }
        #expect(report.passed, "\(config): \(report)")
    }

    @Test func float32OpMatchesTheCoreAndFeedsTheGraph() throws {
        var rng = Xoshiro256StarStar(seed: 5)
        let values = separatedLosses(rows: 3, columns: 3, rng: &rng)
        let config = try ComparativeLossConfig(mode: .regularize, ranking: .pairwise, weight: 2, primary: .avg)
        let leaf = try Tensor(values.map(Float.init), shape: [3, 3]).requiringGrad()
        // Pass the losses through an op first so the comparative loss is an inner node.
        let scaled = try leaf.mul(1.0)
        let out = try ComparativeLoss.loss(scaled, config: config)
        #expect(out.value.dtype == .float32)
        try out.value.backward()
        let core: ComparativeLossResult<Double> = try ComparativeLoss.evaluate(losses: values, rows: 3, columns: 3, config: config)
        #expect(abs(try out.value.item() - core.loss) < 1e-5)
        let grad = leaf.grad?.toDoubles() ?? []
        #expect(grad.count == 9)
        #expect(maxAbsDifference(grad, core.gradient) < 1e-6)
    }

    @Test func detachedTargetsMatchTheCore() throws {
        var rng = Xoshiro256StarStar(seed: 8)
        let values = separatedLosses(rows: 5, columns: 3, rng: &rng)
        for target in ComparativeLossConfig.Target.allCases {
            for ranking in ComparativeLossConfig.Ranking.allCases {
                let config = try ComparativeLossConfig(mode: .comparative, target: target, ranking: ranking)
                let leaf = try Tensor(doubles: values, shape: [5, 3]).requiringGrad()
                try ComparativeLoss.loss(leaf, config: config).value.backward()
                let core: ComparativeLossResult<Double> = try ComparativeLoss.evaluate(losses: values, rows: 5, columns: 3, config: config)
                #expect(maxAbsDifference(leaf.grad?.toDoubles() ?? [], core.gradient) < 1e-12, "\(config)")
            }
        }
    }

    @Test func spanOpGradientMatchesFiniteDifferences() throws {
        var rng = Xoshiro256StarStar(seed: 21)
        let s = try Tensor(doubles: separatedLosses(rows: 3, columns: 3, rng: &rng), shape: [3, 3])
        let e = try Tensor(doubles: separatedLosses(rows: 3, columns: 3, rng: &rng), shape: [3, 3])
        for config in [try ComparativeLossConfig(mode: .comparative, target: .ultra, ranking: .listwise),
                       try ComparativeLossConfig(mode: .regularize, ranking: .listwise, weight: 0.3, primary: .avg)] {
            let report = try GradientCheck.check([s, e]) { xs in
                try ComparativeLoss.spanLoss(start: xs[0], end: xs[1], config: config).value
            }
            #expect(report.passed, "\(config): \(report)")
        }
    }

    @Test func badLossTensorsAreTypedErrors() throws {
        let config = try ComparativeLossConfig()
        #expect(throws: CompareError.invalidInput(operation: "comparative loss", reason: "expected a float [batch, c+1] loss matrix, got float32 [2]")) { try ComparativeLoss.loss(Tensor([1, 2], shape: [2]), config: config) }
        #expect(throws: CompareError.invalidInput(operation: "comparative loss", reason: "expected a float [batch, c+1] loss matrix, got int32 [1, 2]")) { try ComparativeLoss.loss(Tensor(ints: [1, 2], shape: [1, 2]), config: config) }
        #expect(throws: CompareError.tooFewVariants(operation: "comparative loss", columns: 1)) { try ComparativeLoss.loss(Tensor([1, 2], shape: [2, 1]), config: config) }
        #expect(throws: CompareError.self) { try ComparativeLoss.loss(Tensor([1, .nan], shape: [1, 2]), config: config) }
        #expect(throws: CompareError.mismatchedShapes(operation: "span comparative loss", lhs: [1, 2], rhs: [1, 3])) {
            try ComparativeLoss.spanLoss(start: Tensor([1, 2], shape: [1, 2]), end: Tensor([1, 2, 3], shape: [1, 3]), config: config)
        }
        do {
            _ = try ComparativeLoss.loss(Tensor([1, 2], shape: [2, 1]), config: config)
        } catch {
            #expect("\(error)".contains("1 column"))
        }
    }
}
