import Testing
@testable import CMCLTensor

/// `|a − b| <= atol + rtol·|b|` elementwise.
func close(_ a: [Double], _ b: [Double], atol: Double = 1e-5, rtol: Double = 1e-4) -> Bool {
    guard a.count == b.count else { return false }
    for (x, y) in zip(a, b) {
        if x.isNaN && y.isNaN { continue }
        if x == y { continue }
        if Swift.abs(x - y) > atol + rtol * Swift.abs(y) { return false }
    }
    return true
}

func close(_ a: [Float], _ b: [Double], atol: Double = 1e-5, rtol: Double = 1e-4) -> Bool {
    close(a.map { Double($0) }, b, atol: atol, rtol: rtol)
}

/// A random float64 tensor from a fixed generator.
func rnd(_ shape: [Int], _ g: Generator, low: Double = -1, high: Double = 1) throws -> Tensor {
    try Tensor.uniform(shape, low: low, high: high, dtype: .float64, generator: g)
}
