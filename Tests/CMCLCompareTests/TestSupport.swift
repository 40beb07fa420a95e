import CMCLBase
@testable import CMCLCompare

/// Random matrices whose values are well separated (no ties within `gap`), for finite differences.
func separatedLosses(rows: Int, columns: Int, rng: inout Xoshiro256StarStar, gap: Double = 0.05) -> [Double] {
    var result = [Double]()
    for _ in 0..<rows {
        var row = [Double]()
        while row.count < columns {
            let candidate = 0.05 + 3 * rng.nextUnitDouble()
            if row.allSatisfy({ abs($0 - candidate) > gap }) { row.append(candidate) }
        }
        result += row
    }
    return result
}

/// Central finite difference of `f` at `x` along each coordinate.
func finiteDifference(_ x: [Double], step h: Double = 1e-6, _ f: ([Double]) throws -> Double) rethrows -> [Double] {
    var gradient = [Double]()
    for i in x.indices {
        var plus = x, minus = x
        plus[i] += h
        minus[i] -= h
        gradient.append((try f(plus) - f(minus)) / (2 * h))
    }
    return gradient
}

func maxAbsDifference(_ a: [Double], _ b: [Double]) -> Double {
    zip(a, b).map { abs($0 - $1) }.max() ?? 0
}
