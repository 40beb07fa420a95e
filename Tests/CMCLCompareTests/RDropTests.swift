import CMCLBase
import Testing
@testable import CMCLCompare

private struct RDropFile: Decodable {
    struct Case: Decodable {
        var rows: Int
        var classes: Int
        var alpha: Double
        var logits_a: [[Double]]
        var logits_b: [[Double]]
        var per_row: [Double]
        var sum: Double
        var mean: Double
    }
    var cases: [Case]
}

@Suite struct RDropTests {
    @Test func matchesScipyReference() throws {
        let file = try Fixtures.decode(RDropFile.self, from: "rdrop_cases.json")
        #expect(file.cases.count == 4)
        for c in file.cases {
            let a = c.logits_a.flatMap { $0 }, b = c.logits_b.flatMap { $0 }
            let summed = try RDrop.symmetricKL(logitsA: a, logitsB: b, rows: c.rows, classes: c.classes,
                                               alpha: c.alpha, reduction: .sum)
            let averaged = try RDrop.symmetricKL(logitsA: a, logitsB: b, rows: c.rows, classes: c.classes,
                                                 alpha: c.alpha, reduction: .mean)
            #expect(abs(summed.loss - c.sum) < 1e-9)
            #expect(abs(averaged.loss - c.mean) < 1e-9)
            #expect(maxAbsDifference(summed.perRow, c.per_row) < 1e-9)
        }
    }

    @Test(arguments: RDrop.Reduction.allCases)
    func gradientsMatchFiniteDifferences(_ reduction: RDrop.Reduction) throws {
        var rng = Xoshiro256StarStar(seed: 17)
        for (rows, classes) in [(1, 2), (3, 5), (4, 10)] {
            let a = (0..<(rows * classes)).map { _ in 4 * rng.nextUnitDouble() - 2 }
            let b = (0..<(rows * classes)).map { _ in 4 * rng.nextUnitDouble() - 2 }
            let r = try RDrop.symmetricKL(logitsA: a, logitsB: b, rows: rows, classes: classes, alpha: 1.5,
                                          reduction: reduction)
            let numericA = try finiteDifference(a) {
                try RDrop.symmetricKL(logitsA: $0, logitsB: b, rows: rows, classes: classes, alpha: 1.5,
                                      reduction: reduction).loss
            }
            let numericB = try finiteDifference(b) {
                try RDrop.symmetricKL(logitsA: a, logitsB: $0, rows: rows, classes: classes, alpha: 1.5,
                                      reduction: reduction).loss
            }
            #expect(maxAbsDifference(r.gradientA, numericA) < 1e-7)
            #expect(maxAbsDifference(r.gradientB, numericB) < 1e-7)
        }
    }

    @Test func propertiesAndErrors() throws {
        let a: [Float] = [1, 2, 3, -1, 0, 1]
        let same = try RDrop.symmetricKL(logitsA: a, logitsB: a, rows: 2, classes: 3)
        #expect(same.loss == 0)
        #expect(same.gradientA.allSatisfy { abs($0) < 1e-15 })
        // Shift invariance of softmax.
        let shifted = try RDrop.symmetricKL(logitsA: a, logitsB: a.map { $0 + 5 }, rows: 2, classes: 3)
        #expect(abs(shifted.loss) < 1e-12)
        let swapped1 = try RDrop.symmetricKL(logitsA: [0.0, 1], logitsB: [2.0, -1], rows: 1, classes: 2)
        let swapped2 = try RDrop.symmetricKL(logitsA: [2.0, -1], logitsB: [0.0, 1], rows: 1, classes: 2)
        #expect(abs(swapped1.loss - swapped2.loss) < 1e-15)
        #expect(throws: CompareError.mismatchedShapes(operation: "r-drop", lhs: [1], rhs: [2])) { try RDrop.symmetricKL(logitsA: [1.0], logitsB: [1.0, 2], rows: 1, classes: 1) }
        #expect(throws: CompareError.shapeMismatch(operation: "r-drop", count: 2, rows: 1, columns: 3)) { try RDrop.symmetricKL(logitsA: [1.0, 2], logitsB: [1.0, 2], rows: 1, classes: 3) }
        #expect(throws: CompareError.emptyBatch(operation: "r-drop")) { try RDrop.symmetricKL(logitsA: [Double](), logitsB: [], rows: 0, classes: 2) }
        #expect(throws: CompareError.self) { try RDrop.symmetricKL(logitsA: [1.0, .nan], logitsB: [1.0, 2], rows: 1, classes: 2) }
        #expect(throws: CompareError.invalidParameter(operation: "r-drop", name: "alpha", value: -1.0, requirement: "it must be finite and >= 0")) { try RDrop.symmetricKL(logitsA: [1.0, 2], logitsB: [1.0, 2], rows: 1, classes: 2, alpha: -1) }
    }
}
